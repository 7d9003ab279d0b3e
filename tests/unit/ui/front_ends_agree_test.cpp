// The window and the command line call the same services, so they must agree: the 分析 panel's heatmap export
// and `sitmap heatmap` with the same selection write the same raster byte for byte; the 热点分析 view's table
// and cluster exports equal `sitmap hotspots --out` and `sitmap clusters --out`; and an incident on the edge two
// blocks share counts in the same one block on the map (services::count_in_polygons), in `sitmap hotspots` and
// in the window's table. The command line runs as the real binary (SITMAP_BIN).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sitmap/core/time.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/services/map_data.hpp"
#include "sitmap/services/workspace.hpp"
#include "sitmap/ui/analysis_panel.hpp"
#include "sitmap/ui/hotspot_view.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

constexpr double kLon0 = 121.460, kLat0 = 31.215, kStep = 0.004;  // 3 × 2 blocks of about 380 × 440 m

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class FrontEndsAgree : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("sitmap_front_ends_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    auto store = store::open_spatialite(db(), store::OpenMode::Create);
    store->write([](store::Writer& w) {
      LayerInfo blocks;
      blocks.name = "blocks";
      blocks.title_zh = "网格";
      blocks.geom_type = GeomType::Polygon;
      blocks.fields = {{"block_no", FieldType::Integer}, {"households", FieldType::Integer}};
      w.create_layer(blocks);
      for (int row = 0; row < 2; ++row)
        for (int col = 0; col < 3; ++col) {
          double x0 = kLon0 + col * kStep, y0 = kLat0 + row * kStep;
          Feature f;
          f.geometry = Geometry::polygon(
              {{{{x0, y0}, {x0 + kStep, y0}, {x0 + kStep, y0 + kStep}, {x0, y0 + kStep}, {x0, y0}}}});
          f.values = {int64_t{row * 3 + col + 1}, int64_t{200 + 10 * col}};
          w.insert("blocks", f);
        }
      LayerInfo inc;
      inc.name = "incidents";
      inc.title_zh = "案事件";
      inc.fields = {{"occurred_at", FieldType::Text}, {"category", FieldType::Text}, {"severity", FieldType::Integer}};
      w.create_layer(inc);
      int64_t t0 = *parse_iso_time("2025-01-01");
      for (int i = 0; i < 4000; ++i) {
        // Denser towards block 1; every 50th exactly on the edge blocks 1 and 2 share (lon = kLon0 + kStep).
        double u = double((i * 7919) % 1000) / 1000, v = double((i * 104729) % 997) / 997;
        XY p{kLon0 + 3 * kStep * u * u, kLat0 + 2 * kStep * v * v};
        if (i % 50 == 0) p = {kLon0 + kStep, kLat0 + kStep * (0.1 + 0.8 * v)};
        Feature f;
        f.geometry = Geometry::point(p);
        f.values = {format_iso_time(t0 + int64_t(i) * 11 * 3600), std::string(i % 3 ? "盗窃" : "诈骗"),
                    int64_t{1 + i % 5}};
        w.insert("incidents", f);
      }
    });
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path db() { return *dir_ / "agree.sqlite"; }
  static fs::path out(const std::string& name) { return *dir_ / name; }

  // Runs `sitmap ARGS`, failing the test on a non-zero exit.
  static void sitmap(const std::string& args) {
    std::string cmd = std::string("'") + SITMAP_BIN + "' " + args + " > '" + out("cli.log").string() + "' 2>&1";
    int rc = std::system(cmd.c_str());
    ASSERT_EQ(rc, 0) << cmd << "\n" << read_file(out("cli.log"));
  }

  void SetUp() override {
    ws_ = services::Workspace::open(db(), store::OpenMode::ReadOnly);
    style::LayerStyle b, i;
    b.name = b.source = "blocks";
    b.geometry = style::GeometryKind::Polygon;
    i.name = i.source = "incidents";
    scene_ = render::make_scene({render::make_layer(b, services::visible_snapshot(*ws_, "blocks")),
                                 render::make_layer(i, services::visible_snapshot(*ws_, "incidents"))});
    panel_.set_data(scene_.find("incidents")->data);
    view_.set_data(scene_, "incidents", "blocks");
  }

  static fs::path* dir_;
  std::unique_ptr<services::Workspace> ws_;
  render::Scene scene_;
  ui::AnalysisPanel panel_;
  ui::HotspotView view_;
};
fs::path* FrontEndsAgree::dir_ = nullptr;

TEST_F(FrontEndsAgree, HeatmapExportAndSitmapHeatmapWriteTheSameRaster) {
  // The window: a period, one category and Saturdays, as the panel's widgets set them.
  panel_.set_period("2025-03-01..2025-09-01");
  analysis::IncidentFilter f = panel_.filter();
  f.categories = panel_.table().category_bit("盗窃");
  f.weekday = 5;
  panel_.set_filter(f);
  ASSERT_FALSE(panel_.rows().empty());
  panel_.export_surface(out("window.tif"), 10, false);
  sitmap("heatmap '" + db().string() + "' --radius 100 --cell 10 --period 2025-03-01..2025-09-01 --category 盗窃 "
         "--hour-weekday '6:*' --out '" + out("cli.tif").string() + "'");
  std::string window = read_file(out("window.tif")), cli = read_file(out("cli.tif"));
  ASSERT_GT(window.size(), 1000u);
  EXPECT_TRUE(window == cli) << "the window's GeoTIFF and sitmap heatmap's differ";
}

TEST_F(FrontEndsAgree, HotspotAndClusterExportsEqualTheCommands) {
  panel_.set_period("2025-01-01..2025-07-01");
  view_.set_rows(panel_.rows());
  ui::HotspotSettings s;
  s.clusters = true;
  s.eps_m = 60;
  s.min_points = 6;
  view_.set_settings(s);
  view_.update();
  view_.wait_for_clusters();
  ASSERT_TRUE(view_.error().empty()) << view_.error();
  ASSERT_FALSE(view_.clusters().empty());
  view_.sort_by(ui::HotspotColumn::Block, false);  // the blocks' order, as the command writes them
  view_.export_table(out("window.csv"), false);
  view_.export_clusters(out("window.geojson"), false);
  std::string select = " --from 2025-01-01 --to 2025-07-01 ";
  sitmap("hotspots '" + db().string() + "'" + select + "--out '" + out("cli.csv").string() + "'");
  sitmap("clusters '" + db().string() + "'" + select + "--eps 60 --min-points 6 --out '" +
         out("cli.geojson").string() + "'");
  EXPECT_EQ(read_file(out("window.csv")), read_file(out("cli.csv")));
  EXPECT_EQ(read_file(out("window.geojson")), read_file(out("cli.geojson")));
}

TEST_F(FrontEndsAgree, AnIncidentOnASharedEdgeCountsInOneBlockEverywhere) {
  auto map = services::count_in_polygons(*ws_, "incidents", "blocks");
  view_.update();
  sitmap("hotspots '" + db().string() + "' --json");
  std::string json = read_file(out("cli.log"));
  const auto& blocks = *scene_.find("blocks")->data;
  int64_t total = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const auto& row = view_.rows()[b];
    EXPECT_EQ(row.count, map.counts[b]) << "block " << row.id;
    std::string id = "\"id\":" + std::to_string(row.id) + ",";
    size_t at = json.find(id);
    ASSERT_NE(at, std::string::npos) << json;
    size_t count_at = json.rfind("\"count\":", at);
    ASSERT_NE(count_at, std::string::npos);
    EXPECT_EQ(std::stoll(json.substr(count_at + 8)), row.count) << "block " << row.id;
    total += map.counts[b];
  }
  // Every incident is inside the six blocks; the 80 on the shared edge are counted once, not twice.
  EXPECT_EQ(total, 4000);
}

}  // namespace
