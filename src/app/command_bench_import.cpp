// `sitmap bench import`: imports N points from CSV and from GeoJSON (spatial index included) and runs the
// peer a user would otherwise run, ogr2ogr to SpatiaLite with its best settings, on the same files in the
// same run. Each import runs in a child process so that its peak memory is its own.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/io/import.hpp"

extern char** environ;

namespace sitmap::app {
namespace {

namespace fs = std::filesystem;

struct Run {
  double seconds = 0;
  double peak_mb = 0;
};

Run wait_child(pid_t pid, std::chrono::steady_clock::time_point started, const std::string& what) {
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) < 0) throw Error(ErrorKind::Internal, what + ": lost the child process");
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.peak_mb = usage.ru_maxrss / 1024.0;  // kilobytes on Linux
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(ErrorKind::Internal, what + ": failed (status " + std::to_string(status) + ")");
  return r;
}

Run spawn(const std::vector<std::string>& argv, const std::string& what) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  auto started = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ErrorKind::NotFound, what + ": cannot run " + argv[0]);
  return wait_child(pid, started, what);
}

Run sitmap_import(const fs::path& db, const fs::path& file, int64_t expected) {
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

CommandRegistrar reg("bench.import", [](CLI::App& top) {
  struct Args {
    std::string data = (fs::temp_directory_path() / "sitmap-bench").string();
    // The peers' data generator lives in shared/, beside the project.
    std::string generator = sitmap::resource_path("../shared/bench/make_points.py").lexically_normal().string();
    int64_t n = 1000000;
    bool no_peer = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.get_subcommand("bench")->add_subcommand(
      "import", "import N points from CSV and GeoJSON, beside ogr2ogr to SpatiaLite / 导入性能");
  cmd->add_option("--data", a->data, "folder with incidents_N.csv and .geojson (generated there when missing)");
  cmd->add_option("--generator", a->generator, "make_points.py, run with /usr/bin/python3 DIR N when data is missing");
  cmd->add_option("-n,--points", a->n, "number of points (default 1000000)");
  cmd->add_flag("--no-peer", a->no_peer, "skip ogr2ogr");
  cmd->callback([a] {
    fs::path data = a->data;
    std::string n = std::to_string(a->n);
    fs::path csv = data / ("incidents_" + n + ".csv"), geojson = data / ("incidents_" + n + ".geojson");
    if (!fs::exists(csv) || !fs::exists(geojson)) {
      fs::create_directories(data);
      std::printf("generating %s points in %s ...\n", n.c_str(), data.c_str());
      spawn({"/usr/bin/python3", a->generator, data.string(), n}, "generating the points");
    }
    fs::path work = data / ("run-" + std::to_string(::getpid()));
    fs::create_directories(work);
    std::printf("what,sitmap_s,ogr2ogr_s,speedup,sitmap_peak_mb,ogr2ogr_peak_mb\n");
    try {
      for (auto& [label, file] : {std::pair<std::string, fs::path>{"csv", csv}, {"geojson", geojson}}) {
        Run ours = sitmap_import(work / ("sitmap_" + label + ".sqlite"), file, a->n);
        fs::remove_all(work);
        fs::create_directories(work);
        Run peer;
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
          peer = spawn(argv, "ogr2ogr " + file.string());
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
});

}  // namespace
}  // namespace sitmap::app
