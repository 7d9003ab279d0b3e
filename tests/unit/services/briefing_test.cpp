// The briefing's figures on a demo district: what each scene of the shipped briefing shows is the same whoever
// asks (a workstation without sign-in, a cleared duty officer), and holds nothing but indicator titles, incident
// and special-person categories, compound names and numbers: no person's name, address or position.
#include "sitmap/services/briefing.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/services/block_figures.hpp"
#include "sitmap/services/map_data.hpp"
#include "sitmap/style/briefing.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

class BriefingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("sitmap_briefing_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    io::DemoOptions demo;
    demo.seed = 5;
    demo.incidents = 20000;
    demo.seal = access::row_sealer(access::DataKey::generate());  // the special persons go in sealed
    io::write_demo_district(*dir_ / "d.sqlite", demo, false);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::unique_ptr<services::Workspace> open(access::Principal who = {}) {
    return services::Workspace::open(*dir_ / "d.sqlite", store::OpenMode::ReadOnly, who);
  }
  static std::vector<services::SceneRequest> shipped_scenes(const services::Workspace& ws) {
    style::Briefing b = style::parse_briefing(fs::path(SITMAP_SOURCE_DIR) / "layers" / "briefing.toml");
    std::vector<services::SceneRequest> out;
    for (const auto& s : b.scenes)
      out.push_back({services::briefing_range(ws, b.period_of(s), "", ""), s.tiles, s.charts, s.highlight});
    return out;
  }
  static fs::path* dir_;
};
fs::path* BriefingTest::dir_ = nullptr;

// Every text a scene's figures hold.
std::vector<std::string> texts(const services::SceneFigures& f) {
  std::vector<std::string> out;
  for (const auto& k : f.tiles) {
    out.insert(out.end(), {k.id, k.title, k.unit});
    out.insert(out.end(), k.items.begin(), k.items.end());
  }
  for (const auto& t : f.trends) out.push_back(t.category);
  for (const auto& r : f.rectification) out.insert(out.end(), {r.layer, r.title, r.unit});
  if (f.special_persons) {
    out.insert(out.end(), {f.special_persons->layer, f.special_persons->title});
    for (const auto& [category, n] : f.special_persons->per_category) out.push_back(category);
  }
  out.insert(out.end(), f.zero_compound_names.begin(), f.zero_compound_names.end());
  return out;
}

void expect_same(const services::SceneFigures& a, const services::SceneFigures& b) {
  ASSERT_EQ(a.tiles.size(), b.tiles.size());
  for (size_t i = 0; i < a.tiles.size(); ++i) {
    EXPECT_EQ(a.tiles[i].id, b.tiles[i].id);
    EXPECT_TRUE(a.tiles[i].value == b.tiles[i].value || (std::isnan(a.tiles[i].value) && std::isnan(b.tiles[i].value)))
        << a.tiles[i].id;
  }
  EXPECT_EQ(texts(a), texts(b));
  ASSERT_EQ(a.special_persons.has_value(), b.special_persons.has_value());
  if (a.special_persons) {
    EXPECT_EQ(a.special_persons->per_block, b.special_persons->per_block);
    EXPECT_EQ(a.special_persons->per_category, b.special_persons->per_category);
  }
  EXPECT_EQ(a.zero_compounds, b.zero_compounds);
}

TEST_F(BriefingTest, EveryShippedSceneShowsTheSameWhoeverAsks) {
  auto anonymous = open();
  auto duty = open({"duty", access::Role::Duty, true});
  auto scenes = shipped_scenes(*anonymous);
  ASSERT_GE(scenes.size(), 4u);
  for (const auto& request : scenes) expect_same(services::scene_figures(*anonymous, request),
                                                  services::scene_figures(*duty, request));
}

TEST_F(BriefingTest, FiguresHoldOnlyTitlesCategoriesAndCompoundNames) {
  auto ws = open({"duty", access::Role::Duty, true});
  std::set<std::string> allowed = {"special_persons", "group_rentals", "fire_hazards", ""};
  for (const auto& k : services::kpis(*ws, services::briefing_range(*ws, "", "", ""))) {
    allowed.insert(k.id);
    allowed.insert(k.title);
    allowed.insert(k.unit);
  }
  for (const auto& [category, n] : services::restricted_counts(*ws).per_category) allowed.insert(category);
  auto compounds = ws->snapshot("compounds");
  for (size_t r = 0; r < compounds->size(); ++r) allowed.insert(compounds->column("name")->text(r));
  for (const char* title : {"群租", "消防隐患", "特殊人员"}) allowed.insert(title);
  size_t seen = 0;
  for (const auto& request : shipped_scenes(*ws)) {
    allowed.insert(request.tiles.begin(), request.tiles.end());  // a tile without data is titled by its id
    for (const auto& t : texts(services::scene_figures(*ws, request))) {
      EXPECT_TRUE(allowed.count(t)) << "'" << t << "' is neither a title, a category nor a compound";
      ++seen;
    }
  }
  EXPECT_GT(seen, 20u);
}

TEST_F(BriefingTest, SpecialPersonsAreCountedPerBlockAndCategoryOnly) {
  auto ws = open();
  auto counts = services::restricted_counts(*ws);
  int64_t per_block = 0, per_category = 0;
  for (int64_t n : counts.per_block) per_block += n;
  for (const auto& [category, n] : counts.per_category) per_category += n;
  EXPECT_EQ(counts.total, ws->store().count("special_persons", {}));
  EXPECT_EQ(per_category, counts.total);
  EXPECT_EQ(per_block, counts.total);  // every demo person has a block number
  EXPECT_EQ(counts.per_block.size(), ws->snapshot("blocks")->size());
}

TEST_F(BriefingTest, ZeroIncidentCompoundsHaveNoIncidentInsideInThePeriod) {
  auto ws = open();
  TimeRange period = services::briefing_range(*ws, "last-90-days", "", "");
  auto zero = services::zero_incident_compounds(*ws, period);
  EXPECT_GE(zero.size(), 4u);
  EXPECT_LE(zero.size(), 7u);
  // A longer period reaches back before the campaign: fewer compounds stay clear.
  EXPECT_LT(services::zero_incident_compounds(*ws, services::briefing_range(*ws, "this-year", "", "")).size(),
            zero.size());
}

TEST_F(BriefingTest, TopBlocksAreOrderedByRateAndTrendsCoverTwelveMonths) {
  auto ws = open();
  TimeRange period = services::briefing_range(*ws, "", "", "");
  auto top = services::top_blocks(*ws, period);
  ASSERT_EQ(top.size(), 10u);
  for (size_t i = 1; i < top.size(); ++i) EXPECT_GE(top[i - 1].rate, top[i].rate);
  EXPECT_NEAR(top[0].rate, 100.0 * double(top[0].incidents) / top[0].households, 1e-9);
  auto trend = services::incident_trend(*ws, "入民宅盗窃", period);
  ASSERT_EQ(trend.size(), 12u);
  EXPECT_EQ(trend.back().month, 11);
  EXPECT_EQ(trend.back().year, 2026);
  EXPECT_THROW(services::incident_trend(*ws, "不存在的类别", period), Error);
}

TEST_F(BriefingTest, UnknownTilesAndCategoriesSayNoDataInsteadOfFailing) {
  auto ws = open();
  services::SceneRequest request{services::briefing_range(*ws, "", "", ""), {"burglary", "no_such_indicator"},
                                 {"trend:no_such_category"}, {}};
  auto f = services::scene_figures(*ws, request);
  ASSERT_EQ(f.tiles.size(), 2u);
  EXPECT_FALSE(std::isnan(f.tiles[0].value));
  EXPECT_TRUE(std::isnan(f.tiles[1].value));
  ASSERT_EQ(f.trends.size(), 1u);
  EXPECT_TRUE(f.trends[0].months.empty());
  EXPECT_THROW(services::briefing_range(*ws, "", "2026-01-01", ""), Error);
}

}  // namespace

namespace {

// The wall screen polls data_version and, on a change, reads every scene's figures again: each later commit of
// another handle must show too, not only the first (nothing the figures read may leave a read transaction open).
TEST_F(BriefingTest, TheWallSeesEveryCommitOfAnotherHandle) {
  fs::copy_file(*dir_ / "d.sqlite", *dir_ / "live.sqlite", fs::copy_options::overwrite_existing);
  auto wall = services::Workspace::open(*dir_ / "live.sqlite", store::OpenMode::ReadOnly);
  auto scenes = shipped_scenes(*wall);
  int64_t version = wall->store().data_version();
  for (int commit = 1; commit <= 3; ++commit) {
    SCOPED_TRACE("commit " + std::to_string(commit));
    for (const auto& s : scenes) services::scene_figures(*wall, s);
    for (const auto& layer : wall->store().layers())
      if (layer.kind != LayerKind::Sensitive) services::visible_snapshot(*wall, layer.name);
    services::count_in_polygons(*wall, "special_persons", "blocks");
    services::block_figures(*wall);
    auto other = store::open_spatialite(*dir_ / "live.sqlite", store::OpenMode::ReadWrite);
    Feature f = other->features("incidents", {.limit = 1}).front();
    f.id = 0;
    other->write([&](store::Writer& w) { w.insert("incidents", f); });
    other.reset();
    int64_t now = wall->store().data_version();
    EXPECT_NE(now, version);
    version = now;
    wall->invalidate();
  }
}

}  // namespace
