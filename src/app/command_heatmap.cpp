// `sitmap heatmap DB --radius M --cell M --out FILE.tif`: kernel density of incidents as a GeoTIFF in
// EPSG:3857, values in incidents (or weight units) per km² of ground. Radius and cell are ground metres.
#include <algorithm>
#include <cstdio>

#include "commands.hpp"
#include "incident_selection.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/raster.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

std::string metres(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", m);
  return buf;
}

CommandRegistrar reg("heatmap", [](CLI::App& top) {
  struct Args {
    std::string db, out, kernel = "quartic", weight;
    double radius = 0, cell = 0;
    bool force = false, compare_last_year = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("heatmap", "kernel density of incidents to a GeoTIFF / 热力图 (核密度)");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--radius", a->radius, "kernel radius in ground metres (σ for the Gaussian kernel)")->required();
  cmd->add_option("--cell", a->cell, "cell size in ground metres")->required();
  cmd->add_option("--out", a->out, "output GeoTIFF (EPSG:3857)")->required();
  cmd->add_option("--kernel", a->kernel, "quartic (default, as QGIS), epanechnikov or gaussian");
  cmd->add_option("--weight", a->weight, "numeric field weighting each incident, e.g. severity (null: left out)");
  cmd->add_flag("--force", a->force, "overwrite an existing output file");
  cmd->add_flag("--compare-last-year", a->compare_last_year,
                "write the change: the period's density minus that of the same dates a year earlier / 同比");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    auto kernel = analysis::parse_kernel(a->kernel);
    if (!kernel)
      throw Error(ErrorKind::BadInput, "--kernel: unknown '" + a->kernel + "' (use quartic, epanechnikov or gaussian)");
    if (!(a->radius > 0)) throw Error(ErrorKind::BadInput, "--radius must be a positive number of metres");
    if (!(a->cell > 0)) throw Error(ErrorKind::BadInput, "--cell must be a positive number of metres");
    auto store = store::open_spatialite(a->db, store::OpenMode::ReadOnly);
    Selection sel = select_incidents(*store, a->select);
    const Snapshot& snap = *sel.snapshot;

    // The layer's whole extent, not just the selection's: heatmaps of different periods share one grid.
    BBox lonlat = snap.info.extent, box;
    if (lonlat.empty()) throw Error(ErrorKind::BadInput, "layer " + snap.info.name + " is empty");
    box.expand(geo::to_web_mercator(XY{lonlat.minx, lonlat.miny}));
    box.expand(geo::to_web_mercator(XY{lonlat.maxx, lonlat.maxy}));
    auto grid = analysis::density_grid(box, *kernel, a->radius, a->cell);
    auto density_of = [&](const Selection& s) {
      std::vector<double> x(s.rows.size()), y(s.rows.size()), w;
      for (size_t i = 0; i < s.rows.size(); ++i) {
        x[i] = s.snapshot->x[s.rows[i]];
        y[i] = s.snapshot->y[s.rows[i]];
      }
      if (!a->weight.empty()) w = numeric_field(*s.snapshot, a->weight, s.rows);
      return analysis::kernel_density(x, y, w, grid, {*kernel, a->radius, 0});
    };
    auto density = density_of(sel);
    std::string period = sel.describe();
    if (a->compare_last_year) {
      if (a->select.last_year)
        throw Error(ErrorKind::BadInput, "--compare-last-year cannot be combined with --last-year");
      if (sel.range.from == INT64_MIN || sel.range.to == INT64_MAX)
        throw Error(ErrorKind::BadInput, "--compare-last-year needs a period: --from and --to, or --period");
      SelectionArgs earlier = a->select;
      earlier.last_year = true;
      Selection before = select_incidents(*store, earlier);
      density = analysis::density_difference(density_of(before), density);
      period += " minus " + before.describe();
    }
    if (!a->weight.empty())
      density.units = a->weight + "-weighted incidents/km2" + (a->compare_last_year ? " (change)" : "");

    io::RasterSpec spec;
    spec.width = grid.nx;
    spec.height = grid.ny;
    spec.minx = grid.minx;
    spec.maxy = grid.maxy;
    spec.cell_x = grid.cell_x;
    spec.cell_y = grid.cell_y;
    spec.units = density.units;
    spec.description = std::string(a->compare_last_year ? "change in kernel density, " : "kernel density, ") +
                       analysis::kernel_name(*kernel) + " kernel, radius " + metres(a->radius) + " m (ground)";
    spec.overwrite = a->force;
    std::string categories;
    for (const auto& c : a->select.categories) categories += (categories.empty() ? "" : ",") + c;
    spec.metadata = {{"SITMAP_LAYER", a->select.layer},
                     {"SITMAP_KERNEL", analysis::kernel_name(*kernel)},
                     {"SITMAP_RADIUS_GROUND_M", metres(a->radius)},
                     {"SITMAP_CELL_GROUND_M", metres(a->cell)},
                     {"SITMAP_GROUND_PER_MERCATOR_M", std::to_string(grid.frame().scale)},
                     {"SITMAP_PERIOD", period},
                     {"SITMAP_CATEGORIES", categories.empty() ? "all" : categories},
                     {"SITMAP_WEIGHT", a->weight.empty() ? "none" : a->weight},
                     {"SITMAP_POINTS", std::to_string(density.points_in_grid)},
                     {"SITMAP_TOTAL_WEIGHT", std::to_string(density.weight_in_grid)},
                     {"SITMAP_UNITS", density.units}};
    io::write_geotiff(a->out, spec, density.values);
    float peak = density.values.empty() ? 0 : *std::max_element(density.values.begin(), density.values.end());
    std::printf(
        "%lld incidents (%s), %d x %d cells of %s m, %s kernel radius %s m: peak %.1f %s, integral %.1f -> %s\n",
        static_cast<long long>(density.points_in_grid), period.c_str(), grid.nx, grid.ny, metres(a->cell).c_str(),
        analysis::kernel_name(*kernel), metres(a->radius).c_str(), peak, density.units.c_str(), density.integral(),
        a->out.c_str());
    if (density.points_skipped > 0)
      std::printf("%lld incidents without a %s value were left out\n", static_cast<long long>(density.points_skipped),
                  a->weight.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
