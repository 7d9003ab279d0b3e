// The analysis services on small in-memory layers: the heatmap holds what the filter selects, on a grid over
// the whole layer; hot spots refuse what has no meaning; cluster hulls hold their members; the files read back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sitmap/analysis/grid.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/heatmap.hpp"
#include "sitmap/services/hotspots.hpp"
#include "../incident_snapshots.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

int64_t at(const char* iso) { return *parse_iso_time(iso); }

class AnalysisServices : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sitmap_services_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AnalysisServices, HeatmapHoldsTheSelectionOnTheWholeLayersGrid) {
  auto layer = services::incident_layer(test::incidents(3000));
  services::HeatmapRequest r;
  r.radius_m = 80;
  r.cell_m = 8;
  auto all = services::heatmap(layer, r);
  r.filter.range = {at("2025-06-01"), at("2025-09-01")};
  auto summer = services::heatmap(layer, r);
  // Every period on one grid, so that two surfaces subtract.
  EXPECT_EQ(summer.density.grid.nx, all.density.grid.nx);
  EXPECT_EQ(summer.density.grid.minx, all.density.grid.minx);
  size_t selected = services::select(layer, r.filter).size();
  EXPECT_EQ(summer.selected, int64_t(selected));
  EXPECT_EQ(summer.density.points_in_grid, int64_t(selected));
  EXPECT_NEAR(summer.density.integral(), double(selected), 1e-3 * selected);
  EXPECT_NE(summer.period.find("2025-06-01T00:00:00 .. 2025-09-01T00:00:00"), std::string::npos) << summer.period;

  // Weighted by severity: the surface holds the weights; a null weight leaves its incident out.
  r.weight_field = "severity";
  auto weighted = services::heatmap(layer, r);
  double weights = 0;
  int64_t skipped = 0;
  for (uint32_t row : services::select(layer, r.filter)) {
    double w = layer.severity[row];
    std::isnan(w) ? ++skipped : weights += w;
  }
  EXPECT_NEAR(weighted.density.integral(), weights, 1e-3 * weights);
  EXPECT_EQ(weighted.density.points_skipped, skipped);
  EXPECT_EQ(weighted.density.units, "severity-weighted incidents/km2");
  r.weight_field = "category";
  EXPECT_THROW(services::heatmap(layer, r), Error);  // text is no weight
}

TEST_F(AnalysisServices, HeatmapRefusesBadRequestsAndWritesNothing) {
  auto layer = services::incident_layer(test::incidents(100));
  services::HeatmapRequest r;
  r.radius_m = 0;
  EXPECT_THROW(services::heatmap(layer, r), Error);
  r.radius_m = 100;
  r.cell_m = -1;
  EXPECT_THROW(services::heatmap(layer, r), Error);
  r.cell_m = 10;
  r.compare_last_year = true;  // without a bounded period
  EXPECT_THROW(services::heatmap(layer, r), Error);
  r.compare_last_year = false;
  auto h = services::heatmap(layer, r);
  EXPECT_THROW(services::write_heatmap_geotiff(dir_ / "none" / "h.tif", layer, r, h, false), Error);
  services::write_heatmap_geotiff(dir_ / "h.tif", layer, r, h, false);
  EXPECT_THROW(services::write_heatmap_geotiff(dir_ / "h.tif", layer, r, h, false), Error);  // exists
  EXPECT_NO_THROW(services::write_heatmap_geotiff(dir_ / "h.tif", layer, r, h, true));
}

TEST_F(AnalysisServices, ClusterHullsHoldTheirMembersLargestFirst) {
  auto snap = test::incidents(2000);
  std::vector<uint32_t> rows;
  for (uint32_t i = 0; i < snap->size(); i += 2) rows.push_back(i);
  auto c = services::clusters(*snap, rows, 30, 10);
  ASSERT_FALSE(c.clusters.empty());
  EXPECT_EQ(c.points, int64_t(rows.size()));
  int64_t members = c.noise;
  for (size_t k = 0; k < c.clusters.size(); ++k) {
    const auto& info = c.clusters[k];
    EXPECT_EQ(info.id, int64_t(k) + 1);
    if (k) EXPECT_GE(c.clusters[k - 1].count, info.count);
    members += info.count;
    ASSERT_EQ(info.hull_lonlat.size(), info.hull_mercator.size());
    BBox box;
    for (XY p : info.hull_lonlat) box.expand(p);
    box = {box.minx - 1e-9, box.miny - 1e-9, box.maxx + 1e-9, box.maxy + 1e-9};
    EXPECT_TRUE(box.contains(info.centroid_lonlat));
  }
  EXPECT_EQ(members, c.points);
  EXPECT_THROW(services::clusters(*snap, rows, 0, 10), Error);
  EXPECT_THROW(services::clusters(*snap, rows, 30, 0), Error);

  services::write_clusters(dir_ / "c.geojson", c, false);
  std::ifstream in(dir_ / "c.geojson");
  std::ostringstream text;
  text << in.rdbuf();
  for (const char* field : {"\"cluster\"", "\"count\"", "\"lon\"", "\"lat\"", "\"eps_m\"", "\"min_points\""})
    EXPECT_NE(text.str().find(field), std::string::npos) << field;
  EXPECT_THROW(services::write_clusters(dir_ / "c.csv", c, false), Error);
}

TEST_F(AnalysisServices, GridHotspotsCoverTheLayerAndRefuseRates) {
  auto layer = services::incident_layer(test::incidents(3000));
  auto rows = services::select(layer, {});
  analysis::HotspotOptions o;
  auto h = services::grid_hotspots(layer, rows, 100, o);
  ASSERT_TRUE(h.grid);
  EXPECT_EQ(h.rows.size(), h.grid->size());
  EXPECT_EQ(h.polygons.size(), h.rows.size());
  int64_t counted = 0;
  for (const auto& r : h.rows) counted += r.count;
  EXPECT_EQ(counted, int64_t(rows.size()));
  o.use_rate = true;
  EXPECT_THROW(services::grid_hotspots(layer, rows, 100, o), Error);
  o.use_rate = false;
  EXPECT_THROW(services::grid_hotspots(layer, rows, 0.01, o), Error);  // far too many cells

  // The table in a given order, and the same fields as polygons.
  std::vector<size_t> reversed;
  for (size_t i = h.rows.size(); i-- > 0;) reversed.push_back(i);
  services::write_hotspots(dir_ / "h.csv", h, false, reversed);
  std::ifstream in(dir_ / "h.csv");
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_NE(header.find("id,count,rate,z,p,gi_bin,class,class_zh"), std::string::npos) << header;
  EXPECT_EQ(first.substr(0, first.find(',')), std::to_string(h.rows.back().id));
  EXPECT_THROW(services::write_hotspots(dir_ / "h.txt", h, false), Error);
  EXPECT_NO_THROW(services::write_hotspots(dir_ / "h.gpkg", h, false));
}

}  // namespace
