// Shared pieces of sitmap-bench: timing, child processes, the peers' scripts and data in shared/bench.
#pragma once
#include <sys/types.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sitmap::bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The best of `runs` timings of fn: machines here are shared, and the minimum is the least disturbed.
template <class Fn>
double best_of(int runs, Fn&& fn) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    auto t = Clock::now();
    fn();
    best = std::min(best, seconds_since(t));
  }
  return best;
}

struct ProcessRun {
  double seconds = 0;  // wall time from start to exit
  double peak_mb = 0;  // its maximum resident set
  std::string output;  // stdout and stderr
};
// Runs argv[0] (looked up in PATH) as a child process and waits; throws Error naming `what` when it cannot
// start or exits non-zero (with the end of its output).
ProcessRun run_process(const std::vector<std::string>& argv, const std::string& what);
// Waits for a forked child; throws Error naming `what` when it fails.
ProcessRun wait_child(pid_t pid, Clock::time_point started, const std::string& what);

// A peer's script, in shared/bench beside the project.
fs::path peer_script(const std::string& name);
// DIR/incidents_N.csv and .geojson, made by shared/bench/make_points.py when missing.
void ensure_points(const fs::path& dir, int64_t n);

// The numpy kernel density peer (kde_numpy.py: CSV load, bincount, FFT blur) on a CSV with lon, lat.
struct NumpyPeer {
  bool ran = false;
  double wall = 0, load = 0, compute = 0;  // seconds: whole process, and its own figures for load and compute
  std::string line;                        // what it printed
};
NumpyPeer run_numpy(const fs::path& csv);

void add_analysis(CLI::App& top);
void add_heatmap(CLI::App& top);
void add_import(CLI::App& top);
void add_render(CLI::App& top);

}  // namespace sitmap::bench
