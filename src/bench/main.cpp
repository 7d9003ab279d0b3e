// sitmap-bench: sitmap's benchmarks, each beside the peer a user would otherwise run, from the same run.
#include <cstdio>

#include "bench.hpp"
#include "sitmap/core/log.hpp"

int main(int argc, char** argv) {
  using namespace sitmap;
  CLI::App top{"sitmap-bench — sitmap's benchmarks, each printed beside the peer tool measured in the same run"};
  top.require_subcommand(1);
  bool verbose = false;
  top.add_flag("-v,--verbose", verbose, "log progress and timings");
  top.parse_complete_callback([&] { set_verbose(verbose); });
  bench::add_analysis(top);
  bench::add_heatmap(top);
  bench::add_import(top);
  bench::add_render(top);
  try {
    top.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return top.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sitmap-bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
