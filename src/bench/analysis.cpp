// `sitmap-bench analysis [DB]`: kernel density of 1M clustered incidents on a 1024 x 1024 grid (Gaussian,
// σ = 50 ground metres) beside the numpy peer (shared/bench/kde_numpy.py beside the project, run in the same invocation
// on the same points), then Gi* over a 100 x 100 grid and points-in-blocks counting.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench.hpp"
#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::bench {
namespace {

// Clustered incidents in the Huaihai box: 70 % around 20 centres, the rest uniform (the scheme of
// shared/bench/make_points.py, with sitmap's own seeded generator).
void synthetic_points(size_t n, uint64_t seed, std::vector<double>& lon, std::vector<double>& lat) {
  const double lon0 = 121.455, lon1 = 121.485, lat0 = 31.205, lat1 = 31.228;
  Random rng(seed);
  struct Centre {
    double lon, lat, spread;
  };
  std::vector<Centre> centres(20);
  for (auto& c : centres) c = {rng.uniform(lon0, lon1), rng.uniform(lat0, lat1), rng.uniform(0.0004, 0.0020)};
  lon.resize(n);
  lat.resize(n);
  for (size_t i = 0; i < n; ++i) {
    double x = 0, y = 0;
    if (i < n * 7 / 10) {
      const Centre& c = centres[rng.integer(0, 19)];
      x = c.lon + rng.normal() * c.spread;
      y = c.lat + rng.normal() * c.spread;
    }
    if (i >= n * 7 / 10 || x <= lon0 || x >= lon1 || y <= lat0 || y >= lat1) {
      x = rng.uniform(lon0, lon1);
      y = rng.uniform(lat0, lat1);
    }
    lon[i] = x;
    lat[i] = y;
  }
}

}  // namespace

void add_analysis(CLI::App& top) {
  struct Args {
    std::string db;
    size_t points = 1'000'000;
    uint64_t seed = 20261128;
    int runs = 5;
    bool no_peer = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand(
      "analysis", "kernel density, Gi* and block counts beside the numpy peer / 分析性能");
  cmd->add_option("DB", a->db, "workspace whose incidents to use (default: synthetic clustered points)");
  cmd->add_option("--points", a->points, "synthetic points (default 1000000)");
  cmd->add_option("--seed", a->seed, "seed of the synthetic points");
  cmd->add_option("--runs", a->runs, "timed runs of each step; the best is reported (default 5)");
  cmd->add_flag("--no-peer", a->no_peer, "do not run the numpy peer");
  cmd->callback([a] {
    std::vector<double> lon, lat;
    std::string source;
    if (!a->db.empty()) {
      auto store = store::open_spatialite(a->db, store::OpenMode::ReadOnly);
      store::SnapshotOptions options;
      auto snap = store::load_snapshot(*store, "incidents", options);
      lon = snap->lon;
      lat = snap->lat;
      source = a->db + " incidents";
    } else {
      synthetic_points(a->points, a->seed, lon, lat);
      source = "synthetic clustered points, seed " + std::to_string(a->seed);
    }
    const size_t n = lon.size();
    if (n == 0) throw Error(ErrorKind::BadInput, "no points to benchmark");
    std::vector<double> x(n), y(n);
    BBox box;
    for (size_t i = 0; i < n; ++i) {
      XY m = geo::to_web_mercator(XY{lon[i], lat[i]});
      x[i] = m.x;
      y[i] = m.y;
      box.expand(m);
    }
    std::printf("sitmap-bench analysis: %zu points (%s), %u hardware threads\n", n, source.c_str(),
                std::max(1u, std::thread::hardware_concurrency()));

    // Kernel density on the points' own box, 1024 x 1024, σ 50 m: the peer's exact set-up.
    auto grid = analysis::GridSpec::fit(box, 1024, 1024);
    grid.cell_x *= 1 + 1e-12;  // the easternmost and northernmost points fall inside, as in the peer's clamp
    grid.cell_y *= 1 + 1e-12;
    analysis::DensityGrid d;
    double kde_gauss = best_of(a->runs, [&] {
      d = analysis::kernel_density(x, y, {}, grid, {analysis::Kernel::Gaussian, 50, 0});
    });
    double mass = d.integral();
    double kde_quartic = best_of(a->runs, [&] {
      analysis::kernel_density(x, y, {}, grid, {analysis::Kernel::Quartic, 50, 0});
    });
    double kde_one = best_of(a->runs, [&] {
      analysis::kernel_density(x, y, {}, grid, {analysis::Kernel::Gaussian, 50, 1});
    });

    NumpyPeer peer;
    if (!a->no_peer) {
      fs::path csv = fs::temp_directory_path() / ("sitmap-bench-analysis-" + std::to_string(::getpid()) + ".csv");
      {
        FILE* f = std::fopen(csv.c_str(), "w");
        if (!f) throw Error(ErrorKind::ReadOnly, csv.string() + ": cannot write");
        std::fprintf(f, "id,lon,lat\n");
        for (size_t i = 0; i < n; ++i) std::fprintf(f, "%zu,%.7f,%.7f\n", i, lon[i], lat[i]);
        std::fclose(f);
      }
      peer = run_numpy(csv);
      fs::remove(csv);
    }

    // Gi* over 10,000 cells: counts on a 100 x 100 grid, 8 nearest neighbours.
    auto cells = analysis::GridSpec::fit(box, 100, 100);
    cells.cell_x *= 1 + 1e-12;
    cells.cell_y *= 1 + 1e-12;
    std::vector<double> counts(cells.size(), 0.0), cx, cy;
    for (size_t i = 0; i < n; ++i)
      if (long c = cells.cell_of(x[i], y[i]); c >= 0) ++counts[c];
    for (int r = 0; r < cells.ny; ++r)
      for (int c = 0; c < cells.nx; ++c) {
        XY p = cells.cell_center(c, r);
        cx.push_back(p.x);
        cy.push_back(p.y);
      }
    auto pts = analysis::LocalFrame::around(cy).ground_points(cx, cy);
    analysis::SpatialWeights w;
    double t_weights = best_of(a->runs, [&] { w = analysis::knn_weights(pts, 8); });
    std::vector<analysis::GiStar> gi;
    double t_gi = best_of(a->runs, [&] { gi = analysis::getis_ord_gi_star(counts, w); });
    double t_classes = best_of(a->runs, [&] { analysis::classify_hotspots(gi, true); });

    // Points in 114 blocks (a 19 x 6 lattice over the box), as the peer's SpatiaLite count-per-block.
    std::vector<Geometry> blocks;
    const int bx = 19, by = 6;
    BBox ll;
    for (size_t i = 0; i < n; ++i) ll.expand(XY{lon[i], lat[i]});
    for (int j = 0; j < by; ++j)
      for (int i = 0; i < bx; ++i) {
        double x0 = ll.minx + ll.width() * i / bx, x1 = ll.minx + ll.width() * (i + 1) / bx;
        double y0 = ll.miny + ll.height() * j / by, y1 = ll.miny + ll.height() * (j + 1) / by;
        blocks.push_back(Geometry::polygon({{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}));
      }
    analysis::PolygonLocator locator(blocks);
    double t_blocks = best_of(a->runs, [&] { locator.locate_all(lon, lat); });

    std::printf("\n%-52s %10s %10s\n", "step", "sitmap", "peer");
    std::printf("%-52s %8.1f ms %10s\n", "KDE 1024x1024 gaussian sigma 50 m (bin + blur)", kde_gauss * 1e3,
                peer.ran ? (std::to_string(static_cast<int>(peer.compute * 1e3 + 0.5)) + " ms").c_str() : "-");
    std::printf("%-52s %8.1f ms\n", "  same, one thread", kde_one * 1e3);
    std::printf("%-52s %8.1f ms\n", "KDE 1024x1024 quartic radius 50 m", kde_quartic * 1e3);
    std::printf("%-52s %8.1f ms\n", "Gi* 10,000 cells: knn:8 weights", t_weights * 1e3);
    std::printf("%-52s %8.1f ms\n", "Gi* 10,000 cells: z, p", t_gi * 1e3);
    std::printf("%-52s %8.1f ms\n", "Gi* 10,000 cells: FDR classes", t_classes * 1e3);
    std::printf("%-52s %8.1f ms\n", "points in 114 blocks", t_blocks * 1e3);
    std::printf("\nKDE mass %.0f of %zu points (%.1f m ground cells)\n", mass, n, grid.frame().to_ground(grid.cell_x));
    if (peer.ran) {
      std::printf("numpy peer (bincount + FFT blur; %.2f s with start-up and CSV load): %s", peer.wall,
                  peer.line.c_str());
      std::printf("ratio: sitmap is %.1fx the peer's compute speed (%.1f ms vs %.1f ms)\n", peer.compute / kde_gauss,
                  kde_gauss * 1e3, peer.compute * 1e3);
    } else if (!a->no_peer) {
      std::printf("numpy peer not run: %s\n", peer.line.c_str());
    }
  });
}

}  // namespace sitmap::bench
