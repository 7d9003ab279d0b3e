#include "sitmap/services/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/io/raster.hpp"

namespace sitmap::services {

namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The density of the rows `filter` passes, and how many it passes; of every row when it passes everything, read
// straight from the layer's columns without a list of a million row numbers or a 16 MB copy of their positions.
analysis::DensityGrid density_of(const IncidentLayer& layer, const analysis::IncidentFilter& filter,
                                 const HeatmapRequest& r, const analysis::GridSpec& grid, int64_t& selected) {
  const Snapshot& s = *layer.snapshot;
  selected = static_cast<int64_t>(s.size());
  if (filter.passes_everything() && r.weight_field.empty())
    return analysis::kernel_density(s.x, s.y, {}, grid, {r.kernel, r.radius_m, 0});
  const auto rows = select(layer, filter);
  selected = static_cast<int64_t>(rows.size());
  std::vector<double> w;
  if (!r.weight_field.empty()) w = numeric_field(s, r.weight_field, rows);
  // Rows are ascending and distinct: as many as the layer has means all of them, in order.
  if (rows.size() == s.size()) return analysis::kernel_density(s.x, s.y, w, grid, {r.kernel, r.radius_m, 0});
  std::vector<double> x(rows.size()), y(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    x[i] = s.x[rows[i]];
    y[i] = s.y[rows[i]];
  }
  return analysis::kernel_density(x, y, w, grid, {r.kernel, r.radius_m, 0});
}

// The selection's density, or its change from the same dates a year earlier; `selected`: the rows the filter
// passes (in the later period).
analysis::DensityGrid surface(const IncidentLayer& layer, const HeatmapRequest& r, const analysis::GridSpec& grid,
                              int64_t& selected) {
  auto d = density_of(layer, r.filter, r, grid, selected);
  int64_t earlier = 0;
  if (r.compare_last_year)
    d = analysis::density_difference(density_of(layer, same_period_last_year(r.filter), r, grid, earlier), d);
  return d;
}

void check(const HeatmapRequest& r) {
  if (!(r.radius_m > 0)) throw Error(ErrorKind::BadInput, "--radius must be a positive number of metres");
  if (!(r.cell_m > 0)) throw Error(ErrorKind::BadInput, "--cell must be a positive number of metres");
  if (r.compare_last_year) same_period_last_year(r.filter);  // throws without a bounded period
}

}  // namespace

float Heatmap::peak() const {
  float p = 0;
  for (float v : density.values) p = std::max(p, std::abs(v));
  return p;
}

Heatmap heatmap(const IncidentLayer& layer, const HeatmapRequest& r) {
  check(r);
  auto grid = analysis::density_grid(located_extent(*layer.snapshot), r.kernel, r.radius_m, r.cell_m);
  Heatmap h;
  h.density = surface(layer, r, grid, h.selected);
  h.period = describe_range(r.filter.range);
  if (r.compare_last_year) h.period += " minus " + describe_range(same_period_last_year(r.filter).range);
  std::string weighted = r.weight_field.empty() ? "" : r.weight_field + "-weighted ";
  h.density.units = weighted + "incidents/km2" + (r.compare_last_year ? " (change)" : "");
  const auto& names = layer.table.category_names;
  for (size_t i = 0; i < names.size(); ++i)
    if (r.filter.categories >> i & 1) h.categories += (h.categories.empty() ? "" : ",") + names[i];
  if (r.filter.categories == ~0ull || names.empty()) h.categories = "all";
  return h;
}

void write_heatmap_geotiff(const std::filesystem::path& out, const IncidentLayer& layer, const HeatmapRequest& r,
                           const Heatmap& h, bool overwrite) {
  const auto& d = h.density;
  io::RasterSpec spec;
  spec.width = d.grid.nx;
  spec.height = d.grid.ny;
  spec.minx = d.grid.minx;
  spec.maxy = d.grid.maxy;
  spec.cell_x = d.grid.cell_x;
  spec.cell_y = d.grid.cell_y;
  spec.units = d.units;
  spec.description = std::string(r.compare_last_year ? "change in kernel density, " : "kernel density, ") +
                     analysis::kernel_name(r.kernel) + " kernel, radius " + number_text(r.radius_m) + " m (ground)";
  spec.overwrite = overwrite;
  spec.metadata = {{"SITMAP_LAYER", layer.name()},
                   {"SITMAP_KERNEL", analysis::kernel_name(r.kernel)},
                   {"SITMAP_RADIUS_GROUND_M", number_text(r.radius_m)},
                   {"SITMAP_CELL_GROUND_M", number_text(r.cell_m)},
                   {"SITMAP_GROUND_PER_MERCATOR_M", std::to_string(d.grid.frame().scale)},
                   {"SITMAP_PERIOD", h.period},
                   {"SITMAP_CATEGORIES", h.categories},
                   {"SITMAP_SEVERITY", r.filter.min_severity == INT32_MIN && r.filter.max_severity == INT32_MAX
                                           ? "any"
                                           : std::to_string(r.filter.min_severity) + ".." +
                                                 (r.filter.max_severity == INT32_MAX
                                                      ? std::string("")
                                                      : std::to_string(r.filter.max_severity))},
                   {"SITMAP_WEEKDAY", r.filter.weekday < 0 ? "any" : std::to_string(r.filter.weekday + 1)},
                   {"SITMAP_HOUR", r.filter.hour < 0 ? "any" : std::to_string(r.filter.hour)},
                   {"SITMAP_WEIGHT", r.weight_field.empty() ? "none" : r.weight_field},
                   {"SITMAP_POINTS", std::to_string(d.points_in_grid)},
                   {"SITMAP_TOTAL_WEIGHT", std::to_string(d.weight_in_grid)},
                   {"SITMAP_UNITS", d.units}};
  io::write_geotiff(out, spec, d.values);
}

double density_peak(const IncidentLayer& layer, const HeatmapRequest& request) {
  HeatmapRequest r = request;
  r.cell_m = r.radius_m / 3;
  check(r);
  if (layer.snapshot->size() == 0) return 0;
  auto grid = analysis::density_grid(located_extent(*layer.snapshot), r.kernel, r.radius_m, r.cell_m);
  int64_t selected = 0;
  auto d = surface(layer, r, grid, selected);
  double peak = 0;
  for (float v : d.values) peak = std::max(peak, double(std::abs(v)));
  return peak;
}

}  // namespace sitmap::services
