#include "sitmap/services/hotspots.hpp"

#include <algorithm>
#include <cmath>

#include "sitmap/analysis/cluster.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/features.hpp"
#include "sitmap/io/table.hpp"

namespace sitmap::services {

namespace {

// A grid cell as a lon/lat polygon: a Web Mercator square is a lon/lat rectangle.
Geometry cell_polygon(const analysis::GridSpec& g, int col, int row) {
  XY nw = geo::from_web_mercator({g.minx + col * g.cell_x, g.maxy - row * g.cell_y});
  XY se = geo::from_web_mercator({g.minx + (col + 1) * g.cell_x, g.maxy - (row + 1) * g.cell_y});
  return Geometry::polygon({{{{nw.x, se.y}, {se.x, se.y}, {se.x, nw.y}, {nw.x, nw.y}, {nw.x, se.y}}}});
}

// Typed by column, not by the values, so that every selection writes the same schema.
FieldType column_type(const std::string& column) {
  if (column == "id" || column == "count" || column == "gi_bin") return FieldType::Integer;
  if (column == "class" || column == "class_zh") return FieldType::Text;
  return FieldType::Real;
}

}  // namespace

BlockLayer block_layer(std::shared_ptr<const Snapshot> blocks, const Snapshot& incidents, const std::string& id_field,
                       const std::string& households_field) {
  BlockLayer b;
  b.blocks = std::move(blocks);
  const Snapshot& s = *b.blocks;
  const Column* no = s.column(id_field);
  if (!no) throw Error(ErrorKind::NotFound, "layer " + s.info.name + " has no field '" + id_field + "'");
  for (size_t i = 0; i < s.size(); ++i) {
    double v = no->number(i);
    if (std::isnan(v))
      throw Error(ErrorKind::BadInput,
                  "layer " + s.info.name + ", feature " + std::to_string(s.ids[i]) + ": no " + id_field);
    b.numbers.push_back(static_cast<int64_t>(v));
  }
  if (const Column* hh = s.column(households_field))
    for (size_t i = 0; i < s.size(); ++i) b.households.push_back(hh->number(i));
  // Both stored in lon/lat: containment is tested there, as GEOS and SpatiaLite would.
  b.block_of_row = analysis::locate_blocks(s.geometries, incidents.lon, incidents.lat);
  return b;
}

Hotspots block_hotspots(const BlockLayer& b, std::optional<std::span<const uint32_t>> rows,
                        const analysis::HotspotOptions& options) {
  Hotspots h;
  auto units = analysis::block_hotspot_units(b.numbers, b.blocks->geometries, true, b.households, b.block_of_row, rows);
  h.rows = analysis::hotspot_table(units, options);
  h.polygons = b.blocks->geometries;
  h.selected = rows ? static_cast<int64_t>(rows->size()) : static_cast<int64_t>(b.block_of_row.size());
  return h;
}

Hotspots grid_hotspots(const IncidentLayer& layer, std::span<const uint32_t> rows, double cell_m,
                       const analysis::HotspotOptions& options) {
  if (options.use_rate) throw Error(ErrorKind::BadInput, "rates need blocks: households are counted per block");
  const Snapshot& s = *layer.snapshot;
  auto grid = analysis::GridSpec::covering(located_extent(s), cell_m);
  if (grid.size() > 4'000'000)
    throw Error(ErrorKind::BadInput, "grid of " + std::to_string(grid.size()) + " cells: use larger cells");
  Hotspots h;
  h.rows = analysis::hotspot_table(analysis::grid_hotspot_units(grid, s.x, s.y, rows), options);
  for (const auto& r : h.rows)
    h.polygons.push_back(cell_polygon(grid, static_cast<int>(r.id % grid.nx), static_cast<int>(r.id / grid.nx)));
  h.grid = grid;
  h.selected = static_cast<int64_t>(rows.size());
  return h;
}

bool is_hotspot_file(const std::filesystem::path& out) { return io::is_table_file(out) || io::is_feature_file(out); }

void write_hotspots(const std::filesystem::path& out, const Hotspots& h, bool overwrite,
                    std::span<const size_t> order) {
  std::vector<size_t> sequence(order.begin(), order.end());
  if (sequence.empty())
    for (size_t i = 0; i < h.rows.size(); ++i) sequence.push_back(i);
  std::vector<analysis::HotspotRow> rows;
  for (size_t i : sequence) rows.push_back(h.rows.at(i));
  io::Table table = io::hotspot_rows_table(rows);
  if (io::is_table_file(out)) return io::write_table(out, table, overwrite);
  if (!io::is_feature_file(out))
    throw Error(ErrorKind::BadInput, out.string() +
                                         ": use .csv or .xlsx for the table, .gpkg, .geojson or .shp for the units' "
                                         "polygons with it");
  std::vector<FieldDef> fields;
  for (const auto& column : table.columns) fields.push_back({column, column_type(column)});
  std::vector<Feature> features(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    features[i].id = static_cast<int64_t>(i) + 1;
    features[i].values = std::move(table.rows[i]);
    features[i].geometry = h.polygons[sequence[i]];
  }
  io::write_features(out, "hotspots", fields, features, overwrite);
}

Clusters clusters(const Snapshot& points, std::span<const uint32_t> rows, double eps_m, int min_points) {
  if (!(eps_m > 0)) throw Error(ErrorKind::BadInput, "--eps must be a positive number of metres");
  if (min_points < 1) throw Error(ErrorKind::BadInput, "--min-points must be at least 1");
  std::vector<double> x(rows.size()), y(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    x[i] = points.x[rows[i]];
    y[i] = points.y[rows[i]];
  }
  auto frame = analysis::LocalFrame::around(y);
  auto result = analysis::dbscan(frame.ground_points(x, y), eps_m, min_points);
  auto to_mercator = [&](XY ground) { return XY{frame.to_mercator(ground.x), frame.to_mercator(ground.y)}; };
  std::vector<size_t> order(result.clusters.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t p, size_t q) { return result.clusters[p].count > result.clusters[q].count; });
  Clusters out;
  out.points = static_cast<int64_t>(rows.size());
  out.noise = std::count(result.labels.begin(), result.labels.end(), -1);
  out.eps_m = eps_m;
  out.min_points = min_points;
  for (size_t k : order) {
    const auto& c = result.clusters[k];
    ClusterInfo info;
    info.id = static_cast<int64_t>(out.clusters.size()) + 1;
    info.count = c.count;
    info.centroid_mercator = to_mercator(c.centroid);
    info.centroid_lonlat = geo::from_web_mercator(info.centroid_mercator);
    for (XY p : c.hull) {
      info.hull_mercator.push_back(to_mercator(p));
      info.hull_lonlat.push_back(geo::from_web_mercator(info.hull_mercator.back()));
    }
    out.clusters.push_back(std::move(info));
  }
  return out;
}

void write_clusters(const std::filesystem::path& out, const Clusters& c, bool overwrite) {
  if (!io::is_feature_file(out))
    throw Error(ErrorKind::BadInput, out.string() + ": use .gpkg, .geojson or .shp for the clusters' hulls");
  std::vector<Feature> features;
  for (const auto& info : c.clusters) {
    Feature f;
    f.id = info.id;
    f.values = {info.id, info.count, info.centroid_lonlat.x, info.centroid_lonlat.y, c.eps_m, int64_t{c.min_points}};
    if (info.hull_lonlat.size() >= 4) f.geometry = Geometry::polygon({{info.hull_lonlat}});  // a ring round some area
    features.push_back(std::move(f));
  }
  io::write_features(out, "clusters",
                     {{"cluster", FieldType::Integer},
                      {"count", FieldType::Integer},
                      {"lon", FieldType::Real},
                      {"lat", FieldType::Real},
                      {"eps_m", FieldType::Real},
                      {"min_points", FieldType::Integer}},
                     features, overwrite);
}

}  // namespace sitmap::services
