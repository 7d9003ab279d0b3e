// `sitmap bench ...`: the parent of the benchmark commands (render, import, analysis), each of which
// registers itself under it and prints sitmap's figure beside the peer's from the same run.
#include "commands.hpp"

namespace {
sitmap::app::CommandRegistrar reg("bench", [](CLI::App& top) {
  auto* bench = top.add_subcommand("bench", "benchmarks against the tools a user would otherwise run / 性能测试");
  bench->require_subcommand(1);
});
}  // namespace
