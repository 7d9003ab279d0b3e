// `sitmap heatmap DB --radius M --cell M --out FILE.tif`: kernel density of incidents as a GeoTIFF in
// EPSG:3857, values in incidents (or weight units) per km² of ground (services::heatmap, as the window's 导出).
#include <cstdio>
#include <future>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/analysis/workers.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/gdal.hpp"
#include "sitmap/services/heatmap.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("heatmap", [](CLI::App& top) {
  struct Args {
    std::string db, out, kernel = "quartic";
    bool force = false;
    SelectionArgs select;
    services::HeatmapRequest request;
  };
  auto a = std::make_shared<Args>();
  a->request.radius_m = a->request.cell_m = 0;
  auto* cmd = top.add_subcommand("heatmap", "kernel density of incidents to a GeoTIFF / 热力图 (核密度)");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--radius", a->request.radius_m, "kernel radius in ground metres (σ for the Gaussian kernel)")
      ->required();
  cmd->add_option("--cell", a->request.cell_m, "cell size in ground metres")->required();
  cmd->add_option("--out", a->out, "output GeoTIFF (EPSG:3857)")->required();
  cmd->add_option("--kernel", a->kernel, "quartic (default, as QGIS), epanechnikov or gaussian");
  cmd->add_option("--weight", a->request.weight_field,
                  "numeric field weighting each incident, e.g. severity (null: left out)");
  cmd->add_flag("--force", a->force, "overwrite an existing output file");
  cmd->add_flag("--compare-last-year", a->request.compare_last_year,
                "write the change: the period's density minus that of the same dates a year earlier / 同比");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    auto& r = a->request;
    auto kernel = analysis::parse_kernel(a->kernel);
    if (!kernel)
      throw Error(ErrorKind::BadInput, "--kernel: unknown '" + a->kernel + "' (use quartic, epanechnikov or gaussian)");
    r.kernel = *kernel;
    if (r.compare_last_year && a->select.text.last_year)
      throw Error(ErrorKind::BadInput, "--compare-last-year cannot be combined with --last-year");
    // GDAL, which writes the GeoTIFF, loads on a thread of its own while the points are read and the surface
    // computed (a failure to load is reported by the write); the analysis workers start first, since starting a
    // thread waits for a library being loaded.
    analysis::start_workers();
    auto gdal = std::async(std::launch::async, [] { io::load_gdal(); });
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    services::IncidentRead read;
    read.lonlat = false;  // the density is computed in Web Mercator metres
    read.times = false;   // unless the selection names a period or an hour
    read.ids = false;
    if (!r.weight_field.empty()) read.fields.push_back(r.weight_field);
    Selected sel = read_selection(*ws, a->select, read);
    r.filter = sel.filter;
    auto h = services::heatmap(sel.layer, r);
    services::write_heatmap_geotiff(a->out, sel.layer, r, h, a->force);
    const auto& d = h.density;
    std::printf("%lld incidents (%s), %d x %d cells of %g m, %s kernel radius %g m: peak %.1f %s, integral %.1f -> %s\n",
                static_cast<long long>(d.points_in_grid), h.period.c_str(), d.grid.nx, d.grid.ny, r.cell_m,
                analysis::kernel_name(r.kernel), r.radius_m, h.peak(), d.units.c_str(), d.integral(), a->out.c_str());
    if (d.points_skipped > 0)
      std::printf("%lld incidents without a %s value were left out\n", static_cast<long long>(d.points_skipped),
                  r.weight_field.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
