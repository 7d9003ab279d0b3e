// `sitmap clusters DB --eps M --min-points N [--json] [--out FILE]`: DBSCAN clusters of the selected incidents,
// each with its size, centroid and convex hull in lon/lat. eps is in ground metres. --out writes the hulls as
// polygons for GIS.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "incident_selection.hpp"
#include "sitmap/analysis/cluster.hpp"
#include "sitmap/analysis/grid.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/features.hpp"
#include "sitmap/store/store.hpp"

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
                "JSON: points, noise, clusters [{id, count, lon, lat, hull: [[lon, lat], ...]}] largest first");
  cmd->add_option("--out", a->out,
                  "write the clusters' hulls as polygons (EPSG:4326) with fields cluster, count, lon, lat (the "
                  "centroid): .gpkg, .geojson or .shp; a cluster whose points are all on one line has no polygon");
  cmd->add_flag("--force", a->force, "overwrite an existing --out file");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    if (!(a->eps > 0)) throw Error(ErrorKind::BadInput, "--eps must be a positive number of metres");
    if (a->min_points < 1) throw Error(ErrorKind::BadInput, "--min-points must be at least 1");
    if (!a->out.empty() && !io::is_feature_file(a->out))
      throw Error(ErrorKind::BadInput, a->out + ": use .gpkg, .geojson or .shp for the clusters' hulls");
    auto store = store::open_spatialite(a->db, store::OpenMode::ReadOnly);
    Selection sel = select_incidents(*store, a->select);
    const Snapshot& snap = *sel.snapshot;
    std::vector<double> x(sel.rows.size()), y(sel.rows.size());
    for (size_t i = 0; i < sel.rows.size(); ++i) {
      x[i] = snap.x[sel.rows[i]];
      y[i] = snap.y[sel.rows[i]];
    }
    auto frame = analysis::LocalFrame::around(y);
    auto result = analysis::dbscan(frame.ground_points(x, y), a->eps, a->min_points);
    auto to_lonlat = [&](XY ground) {
      return geo::from_web_mercator({frame.to_mercator(ground.x), frame.to_mercator(ground.y)});
    };
    // Largest first; ties keep DBSCAN's order, so the output is deterministic.
    std::vector<size_t> order(result.clusters.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t p, size_t q) { return result.clusters[p].count > result.clusters[q].count; });
    long long noise = std::count(result.labels.begin(), result.labels.end(), -1);
    if (!a->out.empty()) {
      std::vector<Feature> features;
      for (size_t k : order) {
        const auto& c = result.clusters[k];
        XY centre = to_lonlat(c.centroid);
        Feature f;
        f.values = {static_cast<int64_t>(k), c.count, centre.x, centre.y};
        if (c.hull.size() >= 4) {  // a closed ring round some area
          Ring ring;
          for (XY p : c.hull) ring.push_back(to_lonlat(p));
          f.geometry = Geometry::polygon({{std::move(ring)}});
        }
        features.push_back(std::move(f));
      }
      io::write_features(a->out, "clusters",
                         {{"cluster", FieldType::Integer},
                          {"count", FieldType::Integer},
                          {"lon", FieldType::Real},
                          {"lat", FieldType::Real}},
                         features, a->force);
    }
    if (a->json) {
      auto list = nlohmann::json::array();
      for (size_t k : order) {
        const auto& c = result.clusters[k];
        XY centre = to_lonlat(c.centroid);
        auto hull = nlohmann::json::array();
        for (XY p : c.hull) {
          XY ll = to_lonlat(p);
          hull.push_back({ll.x, ll.y});
        }
        list.push_back({{"id", k}, {"count", c.count}, {"lon", centre.x}, {"lat", centre.y}, {"hull", hull}});
      }
      nlohmann::json j = {
          {"layer", a->select.layer},  {"period", sel.describe()}, {"eps_m", a->eps}, {"min_points", a->min_points},
          {"points", sel.rows.size()}, {"noise", noise},           {"clusters", list}};
      std::printf("%s\n", j.dump(1).c_str());
      return;
    }
    std::printf("%zu incidents (%s): %zu clusters (eps %g m, min %d points), %lld noise\n", sel.rows.size(),
                sel.describe().c_str(), result.clusters.size(), a->eps, a->min_points, noise);
    std::printf("%6s %8s %12s %12s %6s\n", "id", "count", "lon", "lat", "hull");
    for (size_t n = 0; n < std::min<size_t>(order.size(), 20); ++n) {
      const auto& c = result.clusters[order[n]];
      XY centre = to_lonlat(c.centroid);
      std::printf("%6zu %8lld %12.6f %12.6f %6zu\n", order[n], static_cast<long long>(c.count), centre.x, centre.y,
                  c.hull.size());
    }
    if (order.size() > 20) std::printf("... %zu more (use --json)\n", order.size() - 20);
    if (!a->out.empty()) std::printf("%zu cluster hulls written to %s\n", order.size(), a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
