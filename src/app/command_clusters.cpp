// `sitmap clusters DB --eps M --min-points N [--json] [--out FILE]`: DBSCAN clusters of the selected incidents,
// each with its size, centroid and convex hull in lon/lat. eps is in ground metres. --out writes the hulls as
// polygons for GIS.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/features.hpp"
#include "sitmap/services/hotspots.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("clusters", [](CLI::App& top) {
  struct Args {
    std::string db, out;
    double eps = 0;
    int min_points = 0;
    bool json = false, force = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("clusters", "DBSCAN clusters of incidents with their hulls / 聚类分析");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--eps", a->eps, "neighbourhood radius in ground metres")->required();
  cmd->add_option("--min-points", a->min_points, "points within --eps (itself included) that make a core point")
      ->required();
  cmd->add_flag("--json", a->json,
                "JSON: points, noise, clusters [{id, count, lon, lat, hull: [[lon, lat], ...]}] largest first (id 1)");
  cmd->add_option("--out", a->out,
                  "write the clusters' hulls as polygons (EPSG:4326) with fields cluster, count, lon, lat (the "
                  "centroid), eps_m, min_points: .gpkg, .geojson or .shp; a cluster whose points are all on one line "
                  "has no polygon");
  cmd->add_flag("--force", a->force, "overwrite an existing --out file");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    if (!a->out.empty() && !io::is_feature_file(a->out))
      throw Error(ErrorKind::BadInput, a->out + ": use .gpkg, .geojson or .shp for the clusters' hulls");
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    Selected sel = select_incidents(*ws, a->select);
    auto result = services::clusters(*sel.layer.snapshot, sel.rows, a->eps, a->min_points);
    if (!a->out.empty()) services::write_clusters(a->out, result, a->force);
    if (a->json) {
      auto list = nlohmann::json::array();
      for (const auto& c : result.clusters) {
        auto hull = nlohmann::json::array();
        for (XY p : c.hull_lonlat) hull.push_back({p.x, p.y});
        list.push_back({{"id", c.id},
                        {"count", c.count},
                        {"lon", c.centroid_lonlat.x},
                        {"lat", c.centroid_lonlat.y},
                        {"hull", hull}});
      }
      nlohmann::json j = {{"layer", a->select.layer}, {"period", sel.describe()}, {"eps_m", a->eps},
                          {"min_points", a->min_points}, {"points", result.points},  {"noise", result.noise},
                          {"clusters", list}};
      std::printf("%s\n", j.dump(1).c_str());
      return;
    }
    std::printf("%lld incidents (%s): %zu clusters (eps %g m, min %d points), %lld noise\n",
                static_cast<long long>(result.points), sel.describe().c_str(), result.clusters.size(), a->eps,
                a->min_points, static_cast<long long>(result.noise));
    std::printf("%6s %8s %12s %12s %6s\n", "id", "count", "lon", "lat", "hull");
    for (size_t n = 0; n < std::min<size_t>(result.clusters.size(), 20); ++n) {
      const auto& c = result.clusters[n];
      std::printf("%6lld %8lld %12.6f %12.6f %6zu\n", static_cast<long long>(c.id), static_cast<long long>(c.count),
                  c.centroid_lonlat.x, c.centroid_lonlat.y, c.hull_lonlat.size());
    }
    if (result.clusters.size() > 20) std::printf("... %zu more (use --json)\n", result.clusters.size() - 20);
    if (!a->out.empty()) std::printf("%zu cluster hulls written to %s\n", result.clusters.size(), a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
