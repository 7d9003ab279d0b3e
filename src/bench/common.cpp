#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/paths.hpp"

extern char** environ;

namespace sitmap::bench {

namespace {

// The high-water mark of a running process's resident memory, in kB (0 once it is gone).
long resident_high_water_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

ProcessRun wait_child(pid_t pid, Clock::time_point started, const std::string& what) {
  int status = 0;
  long peak_kb = 0;
  // Polled rather than taken from wait4's ru_maxrss: a child spawned from this (large) process and then exec'd
  // reports the parent's resident size as its own maximum, since Linux keeps the pre-exec high-water mark.
  // VmHWM belongs to the exec'd program's own address space.
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done < 0) throw Error(ErrorKind::Internal, what + ": lost the child process");
    if (done == pid) break;
    peak_kb = std::max(peak_kb, resident_high_water_kb(pid));
    usleep(2000);
  }
  ProcessRun r;
  r.seconds = seconds_since(started);
  r.peak_mb = peak_kb / 1024.0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(ErrorKind::Internal, what + ": failed (status " + std::to_string(status) + ")");
  return r;
}

ProcessRun run_process(const std::vector<std::string>& argv, const std::string& what) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Output goes to a file rather than a pipe, so that reading it never slows the child down.
  fs::path log = fs::temp_directory_path() / ("sitmap-bench-" + std::to_string(::getpid()) + ".out");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::fflush(nullptr);
  auto started = Clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    fs::remove(log);
    throw Error(ErrorKind::NotFound, what + ": cannot run " + argv[0]);
  }
  std::string output;
  ProcessRun r;
  try {
    r = wait_child(pid, started, what);
  } catch (const Error& e) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    fs::remove(log);
    std::string tail = text.str().substr(text.str().size() > 400 ? text.str().size() - 400 : 0);
    throw Error(e.kind(), std::string(e.what()) + ": " + tail);
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  r.output = text.str();
  fs::remove(log);
  return r;
}

fs::path peer_script(const std::string& name) {
  return resource_path("../shared/bench/" + name).lexically_normal();
}

void ensure_points(const fs::path& dir, int64_t n) {
  std::string count = std::to_string(n);
  if (fs::exists(dir / ("incidents_" + count + ".csv")) && fs::exists(dir / ("incidents_" + count + ".geojson")))
    return;
  fs::create_directories(dir);
  std::printf("generating %s points in %s ...\n", count.c_str(), dir.c_str());
  run_process({"/usr/bin/python3", peer_script("make_points.py").string(), dir.string(), count},
              "generating the points (make_points.py needs python3-numpy)");
}

NumpyPeer run_numpy(const fs::path& csv) {
  NumpyPeer p;
  const fs::path script = peer_script("kde_numpy.py");
  if (!fs::exists(script) || !fs::exists("/usr/bin/python3")) {
    p.line = "needs /usr/bin/python3 with python3-numpy and " + script.string();
    return p;
  }
  ProcessRun r;
  try {
    r = run_process({"/usr/bin/python3", script.string(), csv.string()}, "kde_numpy.py");
  } catch (const Error& e) {
    p.line = e.what();
    return p;
  }
  p.wall = r.seconds;
  p.line = r.output;
  // "numpy load 0.512 s, bin+fft blur 1024x1024 sigma ... cells 0.214 s, total mass ..."
  auto load = p.line.find("numpy load "), cells = p.line.find("cells ");
  if (load == std::string::npos || cells == std::string::npos) return p;
  p.load = std::atof(p.line.c_str() + load + 11);
  p.compute = std::atof(p.line.c_str() + cells + 6);
  p.ran = p.compute > 0;
  return p;
}

}  // namespace sitmap::bench
