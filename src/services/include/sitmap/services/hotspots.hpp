// 热点分析 and 聚类: Getis-Ord Gi* per grid block or per cell of a regular grid, and DBSCAN clusters with their
// hulls, of the selected incidents, with the files both front ends write. `sitmap hotspots` / `sitmap clusters`
// and the 分析 panel's 热点分析 call these, so their tables and layers have the same fields and rows.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sitmap/analysis/grid.hpp"
#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/services/selection.hpp"

namespace sitmap::services {

// The blocks, prepared once per load: their numbers and households, and the block of every incident, located
// once in lon/lat (as stored) by analysis::locate_blocks, the rule every count per block uses.
struct BlockLayer {
  std::shared_ptr<const Snapshot> blocks;
  std::vector<int64_t> numbers;     // the id field, one per block
  std::vector<double> households;   // per block, NaN unknown; empty without the field (rates unknown)
  std::vector<int32_t> block_of_row;  // per incident row: index into blocks, -1 outside every block
};
// Throws Error(NotFound) naming the layer or a missing id field, Error(BadInput) naming a block without a number.
BlockLayer block_layer(std::shared_ptr<const Snapshot> blocks, const Snapshot& incidents,
                       const std::string& id_field = "block_no", const std::string& households_field = "households");

struct Hotspots {
  std::vector<analysis::HotspotRow> rows;  // one per unit, in the units' order (blocks as stored; cells row-major)
  std::vector<Geometry> polygons;          // lon/lat, one per row
  std::optional<analysis::GridSpec> grid;  // by grid: the cells' grid (row id = row · nx + col)
  int64_t selected = 0;                    // incidents passing the filter
};

// Gi* per block of the incidents in `rows` (nullopt: all). Throws Error(BadInput) from analysis (fewer than 3
// blocks with a value, bad options).
Hotspots block_hotspots(const BlockLayer& blocks, std::optional<std::span<const uint32_t>> rows,
                        const analysis::HotspotOptions& options);
// Gi* per square cell of `cell_m` ground metres over the layer's extent; throws Error(BadInput) for more than
// 4,000,000 cells or with use_rate (households are per block).
Hotspots grid_hotspots(const IncidentLayer& layer, std::span<const uint32_t> rows, double cell_m,
                       const analysis::HotspotOptions& options);

// The table (.csv, .xlsx: io::hotspot_rows_table's columns) or the units' polygons with the same fields
// (.gpkg, .geojson, .shp, EPSG:4326), rows in `order` (indices into hotspots.rows, as the window's table is
// sorted; empty: the units' order). Throws Error naming the file.
void write_hotspots(const std::filesystem::path& out, const Hotspots& hotspots, bool overwrite,
                    std::span<const size_t> order = {});
bool is_hotspot_file(const std::filesystem::path& out);  // a table or a feature file

struct ClusterInfo {
  int64_t id = 0;     // 1 = the largest; ties keep DBSCAN's order, so the numbering is deterministic
  int64_t count = 0;
  XY centroid_lonlat, centroid_mercator;
  std::vector<XY> hull_lonlat, hull_mercator;  // closed ring; fewer than 4 points when the members are collinear
};
struct Clusters {
  std::vector<ClusterInfo> clusters;  // largest first
  int64_t points = 0, noise = 0;
  double eps_m = 0;
  int min_points = 0;
};
// DBSCAN in ground metres over the listed rows of a point snapshot; safe on a worker thread (the snapshot is
// immutable). Throws Error(BadInput) for eps <= 0 or min_points < 1.
Clusters clusters(const Snapshot& points, std::span<const uint32_t> rows, double eps_m, int min_points);
// Fields cluster, count, lon, lat (the centroid), eps_m, min_points, one feature per cluster (a cluster with
// no area has a null geometry); .gpkg, .geojson or .shp. Throws Error naming the file.
void write_clusters(const std::filesystem::path& out, const Clusters& clusters, bool overwrite);

}  // namespace sitmap::services
