// The hot spot section's logic without a display: on a small demo district, counts per block against a
// brute-force GEOS count, Gi* against a direct evaluation of the formula, the choropleth colours, DBSCAN hulls
// back in Web Mercator, the table's sort and the exports read back.
#include "sitmap/ui/hotspot_view.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sitmap/analysis/cluster.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/io/import.hpp"
#include "sitmap/store/store.hpp"
#include "sitmap/ui/map_scene.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using analysis::HotspotClass;
using ui::HotspotColumn;
using ui::HotspotDisplay;

namespace {

class HotspotViewTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("sitmap_hotspot_view_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    io::DemoOptions demo;
    demo.incidents = 6000;
    io::write_demo_district(*dir_ / "demo.sqlite", demo, false);
    auto ws = services::Workspace::open(*dir_ / "demo.sqlite", store::OpenMode::ReadOnly);
    auto styles = style::load_styles(fs::path(SITMAP_SOURCE_DIR) / "layers");
    ui::SceneOptions only;
    only.only = {"blocks", "incidents"};
    scene_ = new render::Scene(ui::load_scene(*ws, styles, only));
  }
  static void TearDownTestSuite() {
    delete scene_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { view_.set_data(*scene_, "incidents", "blocks"); }

  static const Snapshot& blocks() { return *scene_->find("blocks")->data; }
  static const Snapshot& incidents() { return *scene_->find("incidents")->data; }
  // Every third incident: a filter that passes some rows and not others.
  static std::vector<uint32_t> some_rows() {
    std::vector<uint32_t> rows;
    for (uint32_t r = 0; r < incidents().size(); r += 3) rows.push_back(r);
    return rows;
  }

  static inline fs::path* dir_ = nullptr;
  static inline render::Scene* scene_ = nullptr;
  ui::HotspotView view_;
};

// Point in a convex counter-clockwise ring (closed), within `tolerance` of its edges.
bool in_convex_ring(const std::vector<XY>& ring, XY p, double tolerance) {
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    XY a = ring[i], b = ring[i + 1];
    double len = std::hypot(b.x - a.x, b.y - a.y);
    double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    if (len > 0 && cross / len < -tolerance) return false;
  }
  return true;
}

std::string read_file(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(HotspotViewTest, CountsPerBlockEqualBruteForceOverTheFilteredRows) {
  const auto& b = blocks();
  const auto& inc = incidents();
  std::vector<geo::PreparedGeometry> polygons;
  for (const auto& g : b.geometries) polygons.emplace_back(g);
  auto rows = some_rows();
  view_.set_rows(rows);
  view_.update();
  ASSERT_TRUE(view_.error().empty()) << view_.error();
  ASSERT_EQ(view_.rows().size(), b.size());
  const Column* no = b.column("block_no");
  int64_t located = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    int64_t expected = 0;
    for (uint32_t r : rows) expected += polygons[i].covers({inc.lon[r], inc.lat[r]});
    EXPECT_EQ(view_.rows()[i].count, expected) << "block " << no->number(i);
    EXPECT_EQ(view_.rows()[i].id, static_cast<int64_t>(no->number(i)));
    located += expected;
  }
  EXPECT_GT(located, static_cast<int64_t>(rows.size() * 9 / 10));  // the demo's incidents lie in its blocks

  // A different filter recomputes; the same one again does not change the result.
  std::vector<uint32_t> first_half;
  for (uint32_t r = 0; r < inc.size() / 2; ++r) first_half.push_back(r);
  view_.set_rows(first_half);
  view_.update();
  int64_t total = 0;
  for (const auto& r : view_.rows()) total += r.count;
  int64_t expected_total = 0;
  for (uint32_t r : first_half)
    for (const auto& p : polygons) expected_total += p.covers({inc.lon[r], inc.lat[r]});
  EXPECT_EQ(total, expected_total);
}

TEST_F(HotspotViewTest, RatesArePer100HouseholdsOfTheBlock) {
  view_.update();  // no filter yet: every incident
  const Column* hh = blocks().column("households");
  ASSERT_NE(hh, nullptr);
  int64_t total = 0;
  for (size_t i = 0; i < view_.rows().size(); ++i) {
    const auto& r = view_.rows()[i];
    total += r.count;
    double h = hh->number(i);
    if (h > 0)
      EXPECT_NEAR(r.rate, 100.0 * static_cast<double>(r.count) / h, 1e-9);
    else
      EXPECT_TRUE(std::isnan(r.rate));
  }
  EXPECT_GT(total, 0);
  EXPECT_LE(total, static_cast<int64_t>(incidents().size()));
  // The tooltip line names the block's figures and class.
  std::string line = view_.block_summary(0);
  EXPECT_EQ(line.rfind("案件数 " + std::to_string(view_.rows()[0].count) + " · ", 0), 0u) << line;
  EXPECT_NE(line.find(analysis::hotspot_class_label(view_.rows()[0].cls)), std::string::npos) << line;
  EXPECT_TRUE(view_.block_summary(view_.rows().size()).empty());
}

TEST_F(HotspotViewTest, GiStarFollowsTheSettingsAsTheFormulaGivesIt) {
  ui::HotspotSettings s;
  s.k = 5;
  s.use_rate = true;
  view_.set_settings(s);
  view_.set_rows(some_rows());
  view_.update();
  ASSERT_TRUE(view_.error().empty()) << view_.error();
  const auto& rows = view_.rows();
  const auto& b = blocks();
  // Straight from Getis & Ord: binary weights, the 5 nearest centroids (ground metres) plus the block itself.
  std::vector<double> x, cx, cy;
  std::vector<size_t> used;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!std::isfinite(rows[i].rate)) continue;
    XY c = geo::to_web_mercator(geo::centroid(b.geometries[i]));
    used.push_back(i);
    x.push_back(rows[i].rate);
    cx.push_back(c.x);
    cy.push_back(c.y);
  }
  const size_t n = used.size();
  ASSERT_GT(n, 10u);
  auto ground = analysis::LocalFrame::around(cy).ground_points(cx, cy);
  double mean = 0, sq = 0;
  for (double v : x) mean += v / n, sq += v * v / n;
  double S = std::sqrt(sq - mean * mean);
  int significant = 0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, size_t>> d;
    for (size_t j = 0; j < n; ++j)
      if (j != i) d.push_back({std::hypot(ground[j].x - ground[i].x, ground[j].y - ground[i].y), j});
    std::sort(d.begin(), d.end());
    double sum = x[i];
    for (int k = 0; k < 5; ++k) sum += x[d[k].second];
    double w = 6;
    double z = (sum - mean * w) / (S * std::sqrt((n * w - w * w) / (n - 1)));
    EXPECT_NEAR(rows[used[i]].z, z, 1e-9) << "block " << rows[used[i]].id;
    ASSERT_TRUE(rows[used[i]].cls.has_value());
    significant += *rows[used[i]].cls != HotspotClass::NotSignificant;
  }
  EXPECT_GT(significant, 0);  // the demo's incidents cluster around hot spots
}

TEST_F(HotspotViewTest, ChoroplethColoursFollowTheClasses) {
  // Gi*: each block in its class's colour; hot is red, cold is blue, not significant lets the map through.
  view_.update();
  auto colors = view_.block_colors(style::Theme::Dark);
  ASSERT_EQ(colors.size(), view_.rows().size());
  for (size_t i = 0; i < colors.size(); ++i)
    EXPECT_EQ(colors[i], ui::hotspot_class_color(view_.rows()[i].cls, style::Theme::Dark));
  auto color = [](HotspotClass c) { return ui::hotspot_class_color(c, style::Theme::Dark); };
  for (auto c : {HotspotClass::Hot99, HotspotClass::Hot95, HotspotClass::Hot90}) {
    EXPECT_GT(color(c).r, color(c).b);
    EXPECT_EQ(color(c).a, 1);
  }
  for (auto c : {HotspotClass::Cold99, HotspotClass::Cold95}) EXPECT_GT(color(c).b, color(c).r);
  EXPECT_GT(color(HotspotClass::Cold90).b, color(HotspotClass::Hot90).b);  // ArcGIS's palest blue-grey
  EXPECT_LT(color(HotspotClass::Hot99).g, color(HotspotClass::Hot95).g);   // darker with more confidence
  EXPECT_LT(color(HotspotClass::Hot95).g, color(HotspotClass::Hot90).g);
  EXPECT_LT(color(HotspotClass::Cold99).r, color(HotspotClass::Cold95).r);
  EXPECT_LT(color(HotspotClass::Cold95).r, color(HotspotClass::Cold90).r);
  EXPECT_EQ(color(HotspotClass::NotSignificant).a, 0);
  EXPECT_STREQ(analysis::hotspot_class_label(HotspotClass::Hot99), "热点 99%");
  EXPECT_STREQ(analysis::hotspot_class_label(HotspotClass::Cold90), "冷点 90%");
  EXPECT_STREQ(analysis::hotspot_class_label(HotspotClass::NotSignificant), "不显著");
  EXPECT_STREQ(analysis::hotspot_class_label(std::nullopt), "无数据");
  // Every class name the table and legend show has its glyphs in the font atlas.
  std::string glyphs = view_.glyph_text();
  for (auto c : {HotspotClass::Hot99, HotspotClass::Hot95, HotspotClass::Hot90, HotspotClass::NotSignificant,
                 HotspotClass::Cold90, HotspotClass::Cold95, HotspotClass::Cold99}) {
    std::istringstream words(analysis::hotspot_class_label(c));  // "热点 99%": each word appears in the text
    for (std::string w; words >> w;) EXPECT_NE(glyphs.find(w), std::string::npos) << w;
  }

  // Counts: five equal classes up to a round maximum, yellow to red.
  std::vector<double> values = {0, 3, 47, std::nan("")};
  double step = ui::choropleth_step(values);
  EXPECT_EQ(step, 10);
  EXPECT_EQ(ui::choropleth_step(std::vector<double>{0, 0}), 1);
  EXPECT_EQ(ui::choropleth_step(std::vector<double>{0.4}), 0.1);
  EXPECT_EQ(ui::choropleth_step(std::vector<double>{12}), 2.5);
  EXPECT_EQ(ui::choropleth_class(0, step), 0);
  EXPECT_EQ(ui::choropleth_class(9.99, step), 0);
  EXPECT_EQ(ui::choropleth_class(10, step), 1);
  EXPECT_EQ(ui::choropleth_class(47, step), 4);
  EXPECT_EQ(ui::choropleth_class(50, step), 4);
  EXPECT_EQ(ui::choropleth_class(std::nan(""), step), -1);
  for (int k = 1; k < ui::kChoroplethClasses; ++k)
    EXPECT_LT(ui::choropleth_color(k, style::Theme::Dark).g, ui::choropleth_color(k - 1, style::Theme::Dark).g);
  EXPECT_EQ(ui::choropleth_color(-1, style::Theme::Dark), ui::hotspot_class_color(std::nullopt, style::Theme::Dark));

  ui::HotspotSettings s;
  s.display = HotspotDisplay::Count;
  view_.set_settings(s);
  colors = view_.block_colors(style::Theme::Light);
  std::vector<double> counts;
  for (const auto& r : view_.rows()) counts.push_back(static_cast<double>(r.count));
  step = ui::choropleth_step(counts);
  for (size_t i = 0; i < colors.size(); ++i)
    EXPECT_EQ(colors[i], ui::choropleth_color(ui::choropleth_class(counts[i], step), style::Theme::Light));
  s.display = HotspotDisplay::None;
  view_.set_settings(s);
  EXPECT_TRUE(view_.block_colors(style::Theme::Dark).empty());
}

TEST_F(HotspotViewTest, MapColorsChangeValueOnlyWhenTheColoursChange) {
  view_.set_rows(some_rows());
  auto dark = view_.map_colors(style::Theme::Dark);
  ASSERT_TRUE(dark);
  ASSERT_EQ(dark->size(), blocks().size());
  EXPECT_EQ(*dark, view_.block_colors(style::Theme::Dark));
  EXPECT_EQ(view_.map_colors(style::Theme::Dark), dark);  // nothing changed: the same value, no rebuild
  view_.set_rows(some_rows());                            // the same filter again
  EXPECT_EQ(view_.map_colors(style::Theme::Dark), dark);
  // A theme change gives a new value only where the colours differ between themes; a value handed out
  // never changes under its holder.
  bool differ = view_.block_colors(style::Theme::Light) != view_.block_colors(style::Theme::Dark);
  auto light = view_.map_colors(style::Theme::Light);
  ASSERT_TRUE(light);
  EXPECT_EQ(*light, view_.block_colors(style::Theme::Light));
  EXPECT_EQ(light != dark, differ);
  EXPECT_EQ(*dark, view_.block_colors(style::Theme::Dark));
  ui::HotspotSettings s;
  s.display = HotspotDisplay::Rate;
  view_.set_settings(s);
  auto rate = view_.map_colors(style::Theme::Dark);
  ASSERT_TRUE(rate);
  EXPECT_EQ(*rate, view_.block_colors(style::Theme::Dark));
  s.display = HotspotDisplay::None;  // back to the style's colours
  view_.set_settings(s);
  EXPECT_EQ(view_.map_colors(style::Theme::Dark), nullptr);
}

TEST_F(HotspotViewTest, ClusterHullsInMercatorContainTheirPoints) {
  const auto& inc = incidents();
  auto rows = some_rows();
  std::vector<double> x, y;
  for (uint32_t r : rows) x.push_back(inc.x[r]), y.push_back(inc.y[r]);
  auto frame = analysis::LocalFrame::around(y);
  auto result = analysis::dbscan(frame.ground_points(x, y), 40, 10);
  ASSERT_GT(result.clusters.size(), 1u);

  // The view draws the same clusters, largest first, each hull round its members.
  ui::HotspotSettings s;
  s.clusters = true;
  s.eps_m = 40;
  s.min_points = 10;
  view_.set_settings(s);
  view_.set_rows(rows);
  view_.update();  // starts DBSCAN on a worker
  view_.wait_for_clusters();
  EXPECT_FALSE(view_.clusters_busy());
  EXPECT_TRUE(view_.cluster_error().empty()) << view_.cluster_error();
  ASSERT_EQ(view_.clusters().size(), result.clusters.size());
  for (size_t i = 1; i < view_.clusters().size(); ++i)
    EXPECT_GE(view_.clusters()[i - 1].count, view_.clusters()[i].count);
  for (const auto& c : view_.clusters()) EXPECT_TRUE(in_convex_ring(c.hull_mercator, c.centroid_mercator, 1e-6));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (result.labels[i] < 0) continue;
    // The view numbers clusters by size; find this member's by its count and hull.
    bool inside = false;
    for (const auto& c : view_.clusters())
      inside |= c.count == result.clusters[size_t(result.labels[i])].count &&
                in_convex_ring(c.hull_mercator, {x[i], y[i]}, 1e-6);
    EXPECT_TRUE(inside) << "incident row " << rows[i];
  }

  // The hulls export as polygons, one feature per cluster (one without an area has no geometry).
  auto gpkg = view_.export_clusters(*dir_ / "clusters.gpkg", false);
  auto preview = io::preview_import(gpkg, io::ImportOptions{}, 200);
  EXPECT_EQ(preview.feature_count, static_cast<int64_t>(view_.clusters().size()));
  EXPECT_EQ(preview.geom_type, GeomType::Polygon);
  ASSERT_FALSE(preview.rows.empty());
  int count_col = -1;
  for (size_t i = 0; i < preview.fields.size(); ++i)
    if (preview.fields[i].name == "count") count_col = static_cast<int>(i);
  ASSERT_GE(count_col, 0);
  EXPECT_EQ(preview.rows[0][count_col], std::to_string(view_.clusters()[0].count));  // largest first

  // A bad neighbourhood is reported on the view, not thrown.
  s.eps_m = -1;
  view_.set_settings(s);
  view_.update();
  view_.wait_for_clusters();
  EXPECT_FALSE(view_.cluster_error().empty());
  EXPECT_TRUE(view_.clusters().empty());
  EXPECT_THROW(view_.export_clusters(*dir_ / "none.gpkg", false), Error);
  EXPECT_FALSE(fs::exists(*dir_ / "none.gpkg"));
}

TEST_F(HotspotViewTest, TableSortsByAnyColumnWithMissingValuesLast) {
  const double nan = std::nan("");
  std::vector<analysis::HotspotRow> rows = {{7, 5, 1.5, 2.5, 0.01, HotspotClass::Hot95},
                                            {3, 9, nan, nan, nan, std::nullopt},
                                            {5, 5, 0.5, -1.9, 0.06, HotspotClass::Cold90},
                                            {1, 0, 0.0, 0.1, 0.9, HotspotClass::NotSignificant}};
  using V = std::vector<size_t>;
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Z, true), (V{0, 3, 2, 1}));
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Z, false), (V{2, 3, 0, 1}));
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Block, false), (V{3, 1, 2, 0}));
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Count, true), (V{1, 2, 0, 3}));  // ties by block number
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Rate, false), (V{3, 2, 0, 1}));
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::P, false), (V{0, 2, 3, 1}));
  EXPECT_EQ(ui::sorted_hotspot_rows(rows, HotspotColumn::Class, true), (V{0, 3, 2, 1}));

  view_.update();
  ASSERT_FALSE(view_.order().empty());
  for (size_t k = 1; k < view_.order().size(); ++k)  // z descending at first
    EXPECT_GE(view_.rows()[view_.order()[k - 1]].z, view_.rows()[view_.order()[k]].z);
  view_.sort_by(HotspotColumn::Count, false);
  for (size_t k = 1; k < view_.order().size(); ++k)
    EXPECT_LE(view_.rows()[view_.order()[k - 1]].count, view_.rows()[view_.order()[k]].count);
}

TEST_F(HotspotViewTest, ExportedTableAndLayerReadBack) {
  view_.set_rows(some_rows());
  view_.update();
  auto csv = view_.export_table(*dir_ / "热点.csv", false);
  std::string text = read_file(csv);
  ASSERT_GE(text.size(), 3u);
  EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");  // Excel reads UTF-8 only with the mark
  std::istringstream lines(text.substr(3));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.substr(0, line.find_last_not_of("\r") + 1), "id,count,rate,z,p,gi_bin,class,class_zh");
  std::vector<std::string> body;
  while (std::getline(lines, line))
    if (!line.empty() && line != "\r") body.push_back(line);
  ASSERT_EQ(body.size(), view_.rows().size());
  const auto& top = view_.rows()[view_.order()[0]];  // written in the table's order
  std::string first = body[0].substr(0, body[0].find(','));
  first.erase(std::remove(first.begin(), first.end(), '"'), first.end());
  EXPECT_EQ(first, std::to_string(top.id));

  // Not over an existing file unless asked; the file stays as it was.
  EXPECT_THROW(view_.export_table(csv, false), Error);
  EXPECT_EQ(read_file(csv), text);
  view_.sort_by(HotspotColumn::Block, false);
  view_.export_table(csv, true);
  EXPECT_NE(read_file(csv), text);

  auto xlsx = view_.export_table(*dir_ / "热点.xlsx", false);
  EXPECT_EQ(read_file(xlsx).substr(0, 2), "PK");  // a zip, as XLSX files are

  auto gpkg = view_.export_layer(*dir_ / "热点.gpkg", false);
  auto preview = io::preview_import(gpkg, io::ImportOptions{}, 200);
  EXPECT_EQ(preview.feature_count, static_cast<int64_t>(blocks().size()));
  EXPECT_TRUE(preview.geom_type == GeomType::Polygon || preview.geom_type == GeomType::MultiPolygon);
  std::vector<std::string> names;
  for (const auto& f : preview.fields) names.push_back(f.name);
  for (const char* f : {"src_id", "count", "rate", "z", "p", "gi_bin", "class", "class_zh"})  // id renamed on import
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << f;
}

TEST_F(HotspotViewTest, BadInputIsReportedNotThrownByTheAnalysis) {
  ui::HotspotSettings s;
  s.knn = false;
  s.distance_m = 0;  // no distance band
  view_.set_settings(s);
  EXPECT_NO_THROW(view_.update());
  EXPECT_FALSE(view_.error().empty());
  EXPECT_TRUE(view_.block_colors(style::Theme::Dark).empty());
  try {
    view_.export_table(*dir_ / "none.csv", false);
    ADD_FAILURE() << "exported without results";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no hot spot results"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(*dir_ / "none.csv"));

  s.knn = true;  // a usable setting recovers
  view_.set_settings(s);
  view_.update();
  EXPECT_TRUE(view_.error().empty());
  try {
    view_.export_table(*dir_ / "missing" / "t.csv", false);
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  try {
    view_.export_table(*dir_ / "t.txt", false);
    ADD_FAILURE() << "wrote a table as .txt";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.txt"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(*dir_ / "t.txt"));

  ui::HotspotView other;
  try {
    other.set_data(*scene_, "incidents", "wards");
    ADD_FAILURE() << "no such layer";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wards"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(other.has_data());
}

}  // namespace
