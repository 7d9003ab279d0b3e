// `sitmap-bench import`: imports N points from CSV and from GeoJSON (spatial index included) and runs the
// peer a user would otherwise run, ogr2ogr to SpatiaLite with its best settings, on the same files in the
// same run. Each import runs in a child process so that its peak memory is its own.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "bench.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/import.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::bench {
namespace {

// In a forked child, so that its peak memory is its own.
ProcessRun sitmap_import(const fs::path& db, const fs::path& file, int64_t expected) {
  std::fflush(nullptr);
  auto started = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    try {
      auto store = store::open_spatialite(db, store::OpenMode::Create);
      io::ImportOptions o;
      o.layer = "incidents";
      auto r = io::import_file(*store, file, o);
      if (r.written != expected || store->layer("incidents").count != expected) {
        std::fprintf(stderr, "sitmap: %s: wrote %lld rows, expected %lld\n", file.c_str(),
                     static_cast<long long>(r.written), static_cast<long long>(expected));
        _exit(2);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sitmap: error: %s\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  return wait_child(pid, started, "sitmap import " + file.string());
}

}  // namespace

void add_import(CLI::App& top) {
  struct Args {
    std::string data = (fs::temp_directory_path() / "sitmap-bench").string();
    int64_t n = 1000000;
    bool no_peer = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand(
      "import", "import N points from CSV and GeoJSON, beside ogr2ogr to SpatiaLite / 导入性能");
  cmd->add_option("--data", a->data, "folder with incidents_N.csv and .geojson (generated there when missing)");
  cmd->add_option("-n,--points", a->n, "number of points (default 1000000)");
  cmd->add_flag("--no-peer", a->no_peer, "skip ogr2ogr");
  cmd->callback([a] {
    fs::path data = a->data;
    std::string n = std::to_string(a->n);
    fs::path csv = data / ("incidents_" + n + ".csv"), geojson = data / ("incidents_" + n + ".geojson");
    ensure_points(data, a->n);
    fs::path work = data / ("run-" + std::to_string(::getpid()));
    fs::create_directories(work);
    std::printf("what,sitmap_s,ogr2ogr_s,speedup,sitmap_peak_mb,ogr2ogr_peak_mb\n");
    try {
      for (auto& [label, file] : {std::pair<std::string, fs::path>{"csv", csv}, {"geojson", geojson}}) {
        ProcessRun ours = sitmap_import(work / ("sitmap_" + label + ".sqlite"), file, a->n);
        fs::remove_all(work);
        fs::create_directories(work);
        ProcessRun peer;
        if (!a->no_peer) {
          std::vector<std::string> argv = {
              "ogr2ogr",   "-f",       "SQLite",           "-dsco", "SPATIALITE=YES", "-gt",
              "unlimited", "--config", "OGR_SQLITE_CACHE", "1024",  "--config",       "OGR_SQLITE_SYNCHRONOUS",
              "OFF"};
          if (label == "csv")
            argv.insert(argv.end(),
                        {"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326"});
          argv.insert(argv.end(),
                      {"-nln", "incidents", (work / ("peer_" + label + ".sqlite")).string(), file.string()});
          peer = run_process(argv, "ogr2ogr " + file.string());
          fs::remove_all(work);
          fs::create_directories(work);
        }
        std::printf("%s %s,%.2f,%.2f,%.2f,%.0f,%.0f\n", label.c_str(), n.c_str(), ours.seconds, peer.seconds,
                    peer.seconds > 0 ? peer.seconds / ours.seconds : 0.0, ours.peak_mb, peer.peak_mb);
        std::fflush(stdout);
      }
    } catch (...) {
      fs::remove_all(work);
      throw;
    }
    fs::remove_all(work);
  });
}

}  // namespace sitmap::bench
