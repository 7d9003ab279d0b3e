// `sitmap-bench heatmap`: `sitmap heatmap` on N points made by shared/bench/make_points.py and imported
// into a workspace (quartic kernel, radius 50 m, cell 3 m over the layer's extent, GeoTIFF out), beside the
// numpy peer (kde_numpy.py: CSV load, bincount, FFT blur) on the same points in the same run. Also the
// snapshot load it starts with, three ways: one Feature per row (how load_snapshot read before the
// columnar path), column by column from the rows, and from the layer's packed copy.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "bench.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/import.hpp"
#include "sitmap/services/heatmap.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::bench {
namespace {

// load_snapshot as it was before Store::read_columns: a Feature per row from Store::scan, then the columns.
std::shared_ptr<Snapshot> feature_path_snapshot(const store::Store& store, const std::string& layer) {
  auto s = std::make_shared<Snapshot>();
  s->info = store.layer(layer);
  for (auto& f : s->info.fields) s->columns.push_back(Column{f, {}, {}, {}, {}});
  int ti = s->info.field_index("occurred_at");
  store.scan(layer, {}, [&](Feature&& f) {
    s->ids.push_back(f.id);
    for (size_t i = 0; i < f.values.size(); ++i) {
      Column& c = s->columns[i];
      const Value& v = f.values[i];
      c.valid.push_back(!is_null(v));
      auto* iv = std::get_if<int64_t>(&v);
      auto* dv = std::get_if<double>(&v);
      if (c.def.type == FieldType::Integer) c.ints.push_back(iv ? *iv : dv ? static_cast<int64_t>(*dv) : 0);
      if (c.def.type == FieldType::Real) c.reals.push_back(dv ? *dv : iv ? static_cast<double>(*iv) : 0.0);
      if (c.def.type == FieldType::Text) c.texts.push_back(value_to_string(v));
    }
    if (ti >= 0) s->time.push_back(parse_iso_time(value_to_string(f.values[ti])).value_or(INT64_MIN));
    XY p = f.geometry.points.empty() ? XY{NAN, NAN} : f.geometry.points[0];
    s->lon.push_back(p.x);
    s->lat.push_back(p.y);
    return true;
  });
  std::vector<XY> merc(s->size());
  for (size_t i = 0; i < merc.size(); ++i) merc[i] = {s->lon[i], s->lat[i]};
  geo::to_web_mercator(merc);
  for (auto& m : merc) {
    s->x.push_back(m.x);
    s->y.push_back(m.y);
  }
  return s;
}

// Google Benchmark's console output, keeping each benchmark's fastest repetition for the summary.
class Fastest : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> seconds;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (auto& r : runs)  // a single repetition has no aggregates: its run is the fastest
      if (r.aggregate_name == "min" || (r.run_type == Run::RT_Iteration && r.repetitions <= 1))
        seconds[r.run_name.function_name] = r.GetAdjustedRealTime() / 1e3;  // reported in milliseconds
    ConsoleReporter::ReportRuns(runs);
  }
};

void register_case(const std::string& name, int runs, std::function<void()> fn) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [fn](benchmark::State& state) {
                                 for (auto _ : state) fn();
                               })
      ->Iterations(1)
      ->Repetitions(runs)
      ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
      ->ReportAggregatesOnly(true)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

void add_heatmap(CLI::App& top) {
  struct Args {
    std::string data = (fs::temp_directory_path() / "sitmap-bench").string();
    int64_t n = 1000000;
    int runs = 5;
    std::string sitmap = (fs::read_symlink("/proc/self/exe").parent_path() / "sitmap").string();
    bool no_peer = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand(
      "heatmap", "`sitmap heatmap` on N points (quartic, radius 50 m, cell 3 m, GeoTIFF) beside numpy / 热力图性能");
  cmd->add_option("--data", a->data, "folder with incidents_N.csv (generated there when missing) and the workspace");
  cmd->add_option("-n,--points", a->n, "number of points (default 1000000)");
  cmd->add_option("--runs", a->runs, "timed runs of each; the fastest is reported (default 5)");
  cmd->add_option("--sitmap", a->sitmap, "the sitmap binary to time as a whole process (default: beside sitmap-bench)");
  cmd->add_flag("--no-peer", a->no_peer, "do not run the numpy peer");
  cmd->callback([a] {
    const fs::path data = a->data;
    const std::string n = std::to_string(a->n);
    ensure_points(data, a->n);
    const fs::path csv = data / ("incidents_" + n + ".csv"), db = data / ("heatmap_" + n + ".sqlite");
    if (!fs::exists(db)) {
      std::printf("importing %s into %s ...\n", csv.c_str(), db.c_str());
      auto store = store::open_spatialite(db, store::OpenMode::Create);
      io::ImportOptions o;
      o.layer = "incidents";
      io::import_file(*store, csv, o);
    } else {
      store::open_spatialite(db, store::OpenMode::ReadWrite);  // brings an older workspace to this schema
    }
    const fs::path tif = data / ("heatmap-" + std::to_string(::getpid()) + ".tif");
    struct RemoveAtExit {
      fs::path path;
      ~RemoveAtExit() { fs::remove(path); }
    } remove_tif{tif};

    auto store = store::open_spatialite(db, store::OpenMode::ReadOnly);
    size_t rows = 0;
    register_case("snapshot: a Feature per row (before)", std::max(1, a->runs / 2),
                  [&] { rows = feature_path_snapshot(*store, "incidents")->size(); });
    register_case("snapshot: column by column from the rows", a->runs, [&] {
      store::SnapshotOptions rows_only;  // a limit makes it read the rows rather than the packed copy
      rows_only.query.limit = INT64_MAX;
      store::load_snapshot(*store, "incidents", rows_only);
    });
    register_case("snapshot: packed copy", a->runs, [&] { store::load_snapshot(*store, "incidents"); });
    register_case("snapshot: packed copy, positions and times only", a->runs, [&] {
      store::SnapshotOptions positions;
      positions.fields = std::vector<std::string>{};
      store::load_snapshot(*store, "incidents", positions);
    });
    register_case("heatmap in process: open, select, KDE, GeoTIFF", a->runs, [&] {
      auto ws = services::Workspace::open(db, store::OpenMode::ReadOnly);
      auto layer = services::incident_layer(*ws, "incidents");
      services::HeatmapRequest r;
      r.radius_m = 50;
      r.cell_m = 3;
      services::write_heatmap_geotiff(tif, layer, r, services::heatmap(layer, r), true);
    });
    // What the packed copy costs: every write to the layer rewrites it from the rows in the same transaction.
    auto writable = store::open_spatialite(db, store::OpenMode::ReadWrite);
    Feature added;
    added.geometry = Geometry::point({121.47, 31.22});
    added.values.resize(writable->layer("incidents").fields.size());
    register_case("a one-row write to the layer, packed copy rewritten", std::max(1, a->runs / 2), [&] {
      writable->write([&](store::Writer& w) { w.remove("incidents", w.insert("incidents", added)); });
    });
    // The same reading what the command reads for an unfiltered heatmap: Web Mercator positions only.
    register_case("heatmap in process, reading positions only", a->runs, [&] {
      auto ws = services::Workspace::open(db, store::OpenMode::ReadOnly);
      services::IncidentRead positions;
      positions.lonlat = positions.times = positions.ids = false;
      auto layer = services::incident_layer(*ws, "incidents", positions);
      services::HeatmapRequest r;
      r.radius_m = 50;
      r.cell_m = 3;
      services::write_heatmap_geotiff(tif, layer, r, services::heatmap(layer, r), true);
    });
    Fastest reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    // Closed, as a user's workspace is between commands: the writable handle, closing last, checkpoints the
    // writes above into the file rather than leaving each process to read them from a 60 MB log.
    store.reset();
    writable.reset();

    // The whole process, as the issue and a user time it, taking turns with the peer so that both meet the
    // same moments of a shared machine.
    std::vector<std::string> argv = {a->sitmap, "heatmap", db.string(), "--radius", "50", "--cell", "3",
                                     "--out", tif.string(), "--force"};
    ProcessRun process;
    process.seconds = 1e300;
    NumpyPeer peer;
    peer.wall = 1e300;
    bool run_peer = !a->no_peer;
    std::vector<double> sitmap_runs, peer_runs;
    for (int i = 0; i < a->runs; ++i) {
      ProcessRun r = run_process(argv, "sitmap heatmap");
      sitmap_runs.push_back(r.seconds);
      if (r.seconds < process.seconds) process = r;
      if (!run_peer) continue;
      NumpyPeer p = run_numpy(csv);
      if (!p.ran) {
        peer = p;
        run_peer = false;
        continue;
      }
      peer_runs.push_back(p.wall);
      if (p.wall < peer.wall) peer = p;
    }
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.empty() ? 0.0 : v[v.size() / 2];
    };

    auto ms = [&](const char* name) { return reporter.seconds[name] * 1e3; };
    std::printf("\nsitmap-bench heatmap: %zu points (%s), fastest of %d runs\n", rows, csv.c_str(), a->runs);
    std::printf(
        "snapshot load of the layer: a Feature per row %.0f ms, column by column %.0f ms, packed copy %.0f ms "
        "(positions and times only: %.0f ms)\n",
        ms("snapshot: a Feature per row (before)"), ms("snapshot: column by column from the rows"),
        ms("snapshot: packed copy"), ms("snapshot: packed copy, positions and times only"));
    std::printf("a one-row write to the layer (its packed copy rewritten in the same transaction): %.0f ms\n",
                ms("a one-row write to the layer, packed copy rewritten"));
    std::printf("heatmap in process (open, select, KDE quartic r 50 m cell 3 m, GeoTIFF): %.0f ms "
                "(reading positions only, as the command: %.0f ms)\n",
                ms("heatmap in process: open, select, KDE, GeoTIFF"),
                ms("heatmap in process, reading positions only"));
    std::printf("sitmap heatmap, whole process: %.3f s, peak %.0f MB: %s", process.seconds, process.peak_mb,
                process.output.c_str());
    if (peer.ran) {
      std::printf("numpy peer, whole process: %.3f s (its CSV load %.3f s, bincount + FFT %.3f s)\n", peer.wall,
                  peer.load, peer.compute);
      double ratio = peer.wall / process.seconds;
      if (ratio >= 1)
        std::printf("ratio: sitmap heatmap is %.2fx faster than the numpy pipeline (%.3f s vs %.3f s)\n", ratio,
                    process.seconds, peer.wall);
      else
        std::printf("ratio: sitmap heatmap takes %.2fx the numpy pipeline's time (%.3f s vs %.3f s)\n", 1 / ratio,
                    process.seconds, peer.wall);
      std::printf("medians of the %d runs: sitmap %.3f s, numpy %.3f s, ratio %.2fx\n", a->runs, median(sitmap_runs),
                  median(peer_runs), median(peer_runs) / median(sitmap_runs));
    } else if (!a->no_peer) {
      std::printf("numpy peer not run: %s\n", peer.line.c_str());
    }
  });
}

}  // namespace sitmap::bench
