// The demo district's invariants, checked independently of the generator: with GEOS (sitmap::geo) on the
// features read back through the store, and with SpatiaLite SQL run directly on the written file.
#include "sitmap/io/demo.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::io {
namespace {

namespace fs = std::filesystem;

// Raw SQLite with SpatiaLite, read-only: a second opinion that does not go through sitmap's store.
class Sql {
 public:
  explicit Sql(const fs::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) ADD_FAILURE() << file;
    sqlite3_enable_load_extension(db_, 1);
    char* err = nullptr;
    if (sqlite3_load_extension(db_, "mod_spatialite", nullptr, &err) != SQLITE_OK) ADD_FAILURE() << (err ? err : "");
    sqlite3_free(err);
  }
  ~Sql() { sqlite3_close_v2(db_); }
  double number(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
    double v = std::nan("");
    if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

int64_t int_of(const Feature& f, const LayerInfo& info, const char* field) {
  int i = info.field_index(field);
  EXPECT_GE(i, 0) << info.name << "." << field;
  auto* v = i >= 0 ? std::get_if<int64_t>(&f.values[static_cast<size_t>(i)]) : nullptr;
  return v ? *v : INT64_MIN;
}

std::string text_of(const Feature& f, const LayerInfo& info, const char* field) {
  int i = info.field_index(field);
  EXPECT_GE(i, 0) << info.name << "." << field;
  return i >= 0 ? value_to_string(f.values[static_cast<size_t>(i)]) : std::string();
}

// The district is generated once for the whole binary: every test reads the same file.
class DemoTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kSeed = 7;
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("sitmap_demo_test_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    DemoOptions recording = options(kSeed);
    sealed_ = new std::vector<Feature>;
    recording.seal = [](const LayerInfo& layer, const Feature& f) {
      sealed_->push_back(f);
      return stand_in(layer, f);
    };
    summary_ = new DemoSummary(write_demo_district(file(), recording, false));
    store_ = store::open_spatialite(file(), store::OpenMode::ReadOnly).release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete summary_;
    delete sealed_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path file() { return *dir_ / "demo.sqlite"; }
  static const store::Store& store() { return *store_; }
  // What the demo hands to be sealed: access seals it in sitmap; io's tests store stand-in bytes, the same for
  // the same row, and keep a copy of the rows (sealed_).
  static store::SealedRow stand_in(const LayerInfo& layer, const Feature& f) {
    auto text = [&](const char* field) { return value_to_string(f.values[size_t(layer.field_index(field))]); };
    return store::SealedRow{f.id, text("block_no"), text("category"), {0}};
  }
  static DemoOptions options(uint64_t seed) {
    DemoOptions o{seed};
    o.seal = stand_in;
    return o;
  }

  static fs::path* dir_;
  static DemoSummary* summary_;
  static store::Store* store_;
  static std::vector<Feature>* sealed_;
};
fs::path* DemoTest::dir_ = nullptr;
DemoSummary* DemoTest::summary_ = nullptr;
store::Store* DemoTest::store_ = nullptr;
std::vector<Feature>* DemoTest::sealed_ = nullptr;

TEST_F(DemoTest, BlocksTileTheBoundaryWithoutGapsOrOverlaps) {
  auto blocks = store().features("blocks");
  auto boundary = store().features("boundary");
  ASSERT_EQ(blocks.size(), 114u);
  ASSERT_EQ(boundary.size(), 1u);
  std::vector<Geometry> parts;
  for (auto& b : blocks) parts.push_back(b.geometry);
  Geometry all = geo::union_all(parts);
  double area = geo::area(boundary[0].geometry);
  EXPECT_GT(area, 0);
  EXPECT_LT(geo::area(geo::difference(boundary[0].geometry, all)), area * 1e-9) << "gap between blocks";
  EXPECT_LT(geo::area(geo::difference(all, boundary[0].geometry)), area * 1e-9) << "block outside the boundary";
  int pairs = 0;
  for (size_t i = 0; i < blocks.size(); ++i)
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      if (!blocks[i].geometry.bbox().intersects(blocks[j].geometry.bbox())) continue;
      ++pairs;
      EXPECT_LT(geo::area(geo::intersection(blocks[i].geometry, blocks[j].geometry)), area * 1e-10)
          << "blocks " << blocks[i].id << " and " << blocks[j].id << " overlap";
    }
  EXPECT_GT(pairs, 114);  // neighbours were compared
}

TEST_F(DemoTest, BlocksTileTheBoundaryInSpatialite) {
  Sql sql(file());
  EXPECT_EQ(sql.number("SELECT count(*) FROM blocks"), 114);
  double area = sql.number("SELECT ST_Area(geometry) FROM boundary");
  EXPECT_GT(area, 0);
  EXPECT_NEAR(sql.number("SELECT ST_Area(ST_Union(geometry)) FROM blocks"), area, area * 1e-9);
  // SpatiaLite gives NULL for an empty difference.
  EXPECT_LT(sql.number("SELECT coalesce(ST_Area(ST_SymDifference((SELECT ST_Union(geometry) FROM blocks), "
                       "(SELECT geometry FROM boundary))), 0)"),
            area * 1e-9);
  char tiny[32];
  std::snprintf(tiny, sizeof tiny, "%.6e", area * 1e-10);
  EXPECT_EQ(
      sql.number("SELECT count(*) FROM blocks a JOIN blocks b ON a.id < b.id AND "
                 "ST_Intersects(a.geometry, b.geometry) WHERE ST_Area(ST_Intersection(a.geometry, b.geometry)) > " +
                 std::string(tiny)),
      0);
  // Neighbours share edges, so the overlap test above did compare pairs.
  EXPECT_GT(sql.number(
                "SELECT count(*) FROM blocks a JOIN blocks b ON a.id < b.id AND ST_Intersects(a.geometry, b.geometry)"),
            114);
  EXPECT_EQ(sql.number("SELECT count(*) FROM blocks WHERE households < 212.5 OR households > 287.5"), 0);
  EXPECT_EQ(sql.number("SELECT count(*) FROM blocks b WHERE households != (SELECT coalesce(sum(a.households), 0) "
                       "FROM addresses a WHERE ST_Within(a.geometry, b.geometry))"),
            0);
  // Every door plate lies in exactly one block.
  EXPECT_EQ(sql.number("SELECT count(*) FROM addresses a WHERE (SELECT count(*) FROM blocks b "
                       "WHERE ST_Within(a.geometry, b.geometry)) != 1"),
            0);
  // The area is about 2.5 km² (UTM zone 51N metres).
  double km2 = sql.number("SELECT ST_Area(ST_Transform(geometry, 32651)) / 1e6 FROM boundary");
  EXPECT_GT(km2, 2.2);
  EXPECT_LT(km2, 2.8);
  EXPECT_EQ(sql.number("SELECT count(*) FROM geometry_columns WHERE srid != 4326 OR f_geometry_column != 'geometry'"),
            0);
  EXPECT_EQ(sql.number("SELECT count(*) FROM geometry_columns"), 10);  // the special persons have none
}

TEST_F(DemoTest, BlockHouseholdsAreBalancedAndMatchTheirAddresses) {
  auto blocks_info = store().layer("blocks");
  auto address_info = store().layer("addresses");
  auto blocks = store().features("blocks");
  auto addresses = store().features("addresses");
  std::vector<geo::PreparedGeometry> prepared;
  for (auto& b : blocks) prepared.emplace_back(b.geometry);
  std::vector<int64_t> sums(blocks.size(), 0);
  int64_t total = 0;
  for (auto& a : addresses) {
    int64_t h = int_of(a, address_info, "households");
    ASSERT_GE(h, 0);
    total += h;
    int inside = 0;
    for (size_t i = 0; i < blocks.size(); ++i)
      if (prepared[i].contains(a.geometry.points[0])) {
        ++inside;
        sums[i] += h;
      }
    ASSERT_EQ(inside, 1) << text_of(a, address_info, "address");
  }
  EXPECT_GT(total, 28000);
  EXPECT_LT(total, 29000);
  EXPECT_EQ(total, summary_->households);
  std::set<int64_t> numbers;
  for (size_t i = 0; i < blocks.size(); ++i) {
    int64_t h = int_of(blocks[i], blocks_info, "households");
    EXPECT_EQ(h, sums[i]) << "block " << blocks[i].id;
    EXPECT_GE(h, 212.5);
    EXPECT_LE(h, 287.5);
    EXPECT_FALSE(text_of(blocks[i], blocks_info, "leader").empty());
    numbers.insert(int_of(blocks[i], blocks_info, "block_no"));
  }
  EXPECT_EQ(numbers.size(), 114u);
}

TEST_F(DemoTest, CamerasAreInsideCompounds) {
  auto info = store().layer("cameras");
  auto cameras = store().features("cameras");
  auto compounds = store().features("compounds");
  ASSERT_EQ(cameras.size(), 189u);
  ASSERT_EQ(compounds.size(), 26u);
  std::vector<geo::PreparedGeometry> prepared;
  for (auto& c : compounds) prepared.emplace_back(c.geometry);
  std::set<std::string> codes;
  int offline = 0;
  for (auto& c : cameras) {
    bool inside = false;
    for (auto& p : prepared) inside = inside || p.contains(c.geometry.points[0]);
    EXPECT_TRUE(inside) << text_of(c, info, "code");
    int64_t direction = int_of(c, info, "direction"), fov = int_of(c, info, "fov"), range = int_of(c, info, "range_m");
    int64_t online = int_of(c, info, "online");
    EXPECT_TRUE(direction >= 0 && direction < 360) << direction;
    EXPECT_TRUE(fov > 0 && fov <= 180) << fov;
    EXPECT_TRUE(range > 0 && range <= 200) << range;
    EXPECT_TRUE(online == 0 || online == 1) << online;
    offline += online == 0;
    codes.insert(text_of(c, info, "code"));
  }
  EXPECT_EQ(codes.size(), 189u);
  EXPECT_LT(offline, 30);
  Sql sql(file());
  EXPECT_EQ(sql.number("SELECT count(*) FROM cameras c WHERE NOT EXISTS (SELECT 1 FROM compounds p "
                       "WHERE ST_Within(c.geometry, p.geometry))"),
            0);
  // Each compound has cameras of its own, and buildings inside it.
  EXPECT_EQ(sql.number("SELECT count(*) FROM compounds p WHERE (SELECT count(*) FROM cameras c "
                       "WHERE ST_Within(c.geometry, p.geometry)) = 0"),
            0);
  EXPECT_EQ(sql.number("SELECT count(*) FROM buildings b JOIN compounds p ON b.compound = p.name "
                       "WHERE NOT ST_Within(b.geometry, p.geometry)"),
            0);
}

TEST_F(DemoTest, LayersHaveTheAgreedNamesKindsAndSource) {
  struct Expect {
    const char* name;
    LayerKind kind;
    std::vector<const char*> fields;
  };
  std::vector<Expect> expected = {
      {"boundary", LayerKind::Basemap, {}},
      {"streets", LayerKind::Basemap, {"name", "class"}},
      {"buildings", LayerKind::Basemap, {}},
      {"compounds", LayerKind::Basemap, {"name"}},
      {"addresses", LayerKind::Basemap, {"address", "households"}},
      {"blocks", LayerKind::Operational, {"block_no", "leader", "households"}},
      {"cameras", LayerKind::Operational, {"code", "direction", "fov", "range_m", "online"}},
      {"group_rentals", LayerKind::Operational, {"kind", "status", "found_on"}},
      {"fire_hazards", LayerKind::Operational, {"kind", "status", "found_on"}},
      {"special_persons", LayerKind::Sensitive, {"category", "name", "address", "id_number"}},
      {"incidents", LayerKind::Operational, {"category", "severity", "occurred_at", "address"}},
  };
  EXPECT_EQ(store().layers().size(), expected.size());
  for (auto& e : expected) {
    auto info = store().find_layer(e.name);
    ASSERT_TRUE(info) << e.name;
    EXPECT_EQ(info->kind, e.kind) << e.name;
    EXPECT_FALSE(info->title_zh.empty()) << e.name;
    EXPECT_FALSE(info->title_en.empty()) << e.name;
    EXPECT_EQ(info->style, std::string(e.name) + ".toml");
    EXPECT_NE(info->source.find("示例数据 / synthetic sample data"), std::string::npos) << info->source;
    for (auto* f : e.fields) EXPECT_GE(info->field_index(f), 0) << e.name << "." << f;
    EXPECT_EQ(info->count, summary_->counts.at(e.name)) << e.name;
  }
  EXPECT_EQ(store().layer("blocks").title_zh, "网格");
  EXPECT_EQ(store().layer("incidents").title_en, "Incidents");
  auto source = store().metadata("source");
  ASSERT_TRUE(source);
  EXPECT_NE(source->find("示例数据 / synthetic sample data"), std::string::npos);

  auto streets_info = store().layer("streets");
  std::set<std::string> names;
  for (auto& s : store().features("streets")) {
    names.insert(text_of(s, streets_info, "name"));
    std::string cls = text_of(s, streets_info, "class");
    EXPECT_TRUE(cls == "primary" || cls == "secondary" || cls == "tertiary" || cls == "residential") << cls;
  }
  for (const char* n :
       {"淮海中路", "复兴中路", "自忠路", "太仓路", "兴业路", "黄陂南路", "马当路", "重庆南路", "顺昌路", "济南路"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST_F(DemoTest, CasesAndPeopleAreInTheAskedRanges) {
  const int64_t first = days_from_civil(2024, 11, 29) * 86400, end = days_from_civil(2026, 11, 29) * 86400;
  for (const char* layer : {"group_rentals", "fire_hazards"}) {
    auto info = store().layer(layer);
    auto rows = store().features(layer);
    if (std::string(layer) == "group_rentals") {
      EXPECT_GE(rows.size(), 50u);
      EXPECT_LE(rows.size(), 70u);
    } else {
      EXPECT_GE(rows.size(), 100u);
      EXPECT_LE(rows.size(), 140u);
    }
    std::map<std::string, int> statuses;
    for (auto& r : rows) {
      std::string status = text_of(r, info, "status");
      ++statuses[status];
      auto found = parse_iso_time(text_of(r, info, "found_on"));
      ASSERT_TRUE(found) << layer;
      EXPECT_TRUE(*found >= first && *found < end) << text_of(r, info, "found_on");
      std::string fixed = text_of(r, info, "fixed_on");
      if (status == "已整改") {
        ASSERT_TRUE(parse_iso_time(fixed)) << fixed;
        EXPECT_GE(*parse_iso_time(fixed), *found);
        EXPECT_LT(*parse_iso_time(fixed), end);
      } else {
        EXPECT_TRUE(fixed.empty()) << status << " " << fixed;
      }
      EXPECT_FALSE(text_of(r, info, "kind").empty());
      EXPECT_FALSE(text_of(r, info, "address").empty());
    }
    EXPECT_EQ(statuses.size(), 3u) << layer;
    for (auto& [s, n] : statuses) EXPECT_TRUE(s == "发现" || s == "整改中" || s == "已整改") << s;
  }

  auto info = store().layer("special_persons");
  const std::vector<Feature>& people = *sealed_;  // the store keeps them sealed: only block and category in clear
  ASSERT_EQ(store().count("special_persons", {}), static_cast<int64_t>(people.size()));
  for (auto& p : store().features("special_persons")) {
    EXPECT_TRUE(p.geometry.is_empty());
    EXPECT_TRUE(text_of(p, info, "name").empty());
    EXPECT_FALSE(text_of(p, info, "category").empty());
  }
  EXPECT_GE(people.size(), 65u);
  EXPECT_LE(people.size(), 95u);
  std::set<std::string> categories;
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  for (auto& p : people) {
    categories.insert(text_of(p, info, "category"));
    EXPECT_FALSE(text_of(p, info, "name").empty());
    EXPECT_FALSE(text_of(p, info, "address").empty());
    std::string id = text_of(p, info, "id_number");
    ASSERT_EQ(id.size(), 18u) << "row " << p.id;
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
      ASSERT_TRUE(id[static_cast<size_t>(i)] >= '0' && id[static_cast<size_t>(i)] <= '9') << "row " << p.id;
      sum += (id[static_cast<size_t>(i)] - '0') * weights[i];
    }
    EXPECT_NE(id[17], "10X98765432"[sum % 11]) << "row " << p.id << ": a valid check character could be a real number";
  }
  EXPECT_EQ(categories, (std::set<std::string>{"邪教人员", "精神病人员", "刑释解教人员", "吸毒人员"}));
}

TEST_F(DemoTest, IncidentsCoverTwoYearsWithFallingTheftTrends) {
  auto info = store().layer("incidents");
  auto incidents = store().features("incidents");
  ASSERT_GE(incidents.size(), 50000u);
  const int64_t first = days_from_civil(2024, 11, 29) * 86400, split = days_from_civil(2025, 11, 29) * 86400,
                end = days_from_civil(2026, 11, 29) * 86400;
  const std::set<std::string> categories = {"入民宅盗窃", "三车盗窃", "电信诈骗", "矛盾纠纷",
                                            "火情",       "群租投诉", "其他"};
  std::map<std::string, std::pair<int, int>> per_year;
  auto blocks = store().features("blocks");
  auto blocks_info = store().layer("blocks");
  std::vector<geo::PreparedGeometry> prepared;
  for (auto& b : blocks) prepared.emplace_back(b.geometry);
  for (size_t k = 0; k < incidents.size(); ++k) {
    auto& e = incidents[k];
    std::string category = text_of(e, info, "category");
    ASSERT_TRUE(categories.count(category)) << category;
    std::string when = text_of(e, info, "occurred_at");
    auto t = parse_iso_time(when);
    ASSERT_TRUE(t && when.size() == 19 && when[10] == 'T') << when;
    ASSERT_TRUE(*t >= first && *t < end) << when;
    (*t < split ? per_year[category].first : per_year[category].second)++;
    int64_t severity = int_of(e, info, "severity");
    ASSERT_TRUE(severity >= 1 && severity <= 5) << severity;
    ASSERT_FALSE(text_of(e, info, "address").empty());
    if (k % 50 == 0) {  // the block number names the block that holds the point
      int64_t no = int_of(e, info, "block_no");
      int holders = 0;
      for (size_t i = 0; i < blocks.size(); ++i)
        if (prepared[i].covers(e.geometry.points[0])) {
          ++holders;
          EXPECT_EQ(int_of(blocks[i], blocks_info, "block_no"), no) << when;
        }
      EXPECT_GE(holders, 1);
    }
  }
  EXPECT_EQ(per_year.size(), categories.size());
  for (const char* falling : {"入民宅盗窃", "三车盗窃"}) {
    auto [y1, y2] = per_year[falling];
    EXPECT_LT(y2, y1 * 0.9) << falling << ": " << y1 << " then " << y2;
  }
  // Clustered: the densest tenth of the blocks holds well over a tenth of the incidents.
  std::vector<int> per_block(blocks.size() + 1, 0);
  for (auto& e : incidents) {
    int64_t no = int_of(e, info, "block_no");
    if (no >= 1 && no <= static_cast<int64_t>(blocks.size())) ++per_block[static_cast<size_t>(no)];
  }
  std::sort(per_block.rbegin(), per_block.rend());
  int top = 0;
  for (size_t i = 0; i < blocks.size() / 10; ++i) top += per_block[i];
  EXPECT_GT(top, static_cast<int>(incidents.size()) / 5);
}

// The 零发案小区 campaign: a handful of compounds without any incident in the last quarter, fewer in the quarter
// before, and the incidents kept (the district's total is unchanged). Counted by SpatiaLite, not the generator.
TEST_F(DemoTest, AHandfulOfCompoundsHadNoIncidentInRecentQuarters) {
  Sql sql(file());
  auto clear_since = [&](const char* from, const char* to) {
    return sql.number(std::string("SELECT count(*) FROM compounds c WHERE NOT EXISTS (SELECT 1 FROM incidents i "
                                  "WHERE i.occurred_at >= '") + from + "' AND i.occurred_at < '" + to +
                      "' AND ST_Intersects(i.geometry, c.geometry))");
  };
  double last_quarter = clear_since("2026-08-31", "2026-11-29"), quarter_before = clear_since("2026-06-02", "2026-08-31");
  EXPECT_GE(last_quarter, 4);
  EXPECT_LE(last_quarter, 7);
  EXPECT_LT(quarter_before, last_quarter);
  EXPECT_EQ(clear_since("2025-08-31", "2025-11-29"), 0);
  EXPECT_EQ(sql.number("SELECT count(*) FROM incidents"), 60000);
}

TEST_F(DemoTest, SameSeedSameContentOtherSeedOtherContent) {
  auto again = *dir_ / "again.sqlite";
  write_demo_district(again, options(kSeed), false);
  std::string hash = store().content_hash();
  EXPECT_EQ(store::open_spatialite(again, store::OpenMode::ReadOnly)->content_hash(), hash);
  auto other = *dir_ / "other.sqlite";
  write_demo_district(other, options(kSeed + 1), false);
  auto other_store = store::open_spatialite(other, store::OpenMode::ReadOnly);
  EXPECT_NE(other_store->content_hash(), hash);
  EXPECT_EQ(other_store->count("blocks", {}), 114);
  // Replacing a file with --force gives the same content again, and no temporary file stays behind.
  write_demo_district(other, options(kSeed), true);
  EXPECT_EQ(store::open_spatialite(other, store::OpenMode::ReadOnly)->content_hash(), hash);
  for (auto& entry : fs::directory_iterator(*dir_))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST_F(DemoTest, RefusesAMissingDirectoryAndAnExistingFile) {
  auto missing = *dir_ / "no_such_dir" / "demo.sqlite";
  try {
    write_demo_district(missing, DemoOptions{}, false);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find((*dir_ / "no_such_dir").string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(missing.parent_path()));

  auto existing = *dir_ / "precious.sqlite";
  { std::ofstream(existing) << "not to be touched"; }
  try {
    write_demo_district(existing, DemoOptions{}, false);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find(existing.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  std::stringstream bytes;
  bytes << std::ifstream(existing).rdbuf();
  EXPECT_EQ(bytes.str(), "not to be touched");
}

TEST_F(DemoTest, MissingInputDataIsNamed) {
  auto empty_home = *dir_ / "empty_home";
  fs::create_directories(empty_home);
  const char* old = std::getenv("SITMAP_HOME");
  std::string saved = old ? old : "";
  ::setenv("SITMAP_HOME", empty_home.c_str(), 1);
  auto out = *dir_ / "never.sqlite";
  try {
    write_demo_district(out, DemoOptions{}, false);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("data/huaihai/district.json"), std::string::npos) << e.what();
  }
  if (old)
    ::setenv("SITMAP_HOME", saved.c_str(), 1);
  else
    ::unsetenv("SITMAP_HOME");
  EXPECT_FALSE(fs::exists(out));
  for (auto& entry : fs::directory_iterator(*dir_))
    EXPECT_EQ(entry.path().filename().string().find("never.sqlite"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace sitmap::io
