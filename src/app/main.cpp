#include <malloc.h>

#include <cstdio>
#include <map>

#include "commands.hpp"
#include "dashboard.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::app {

namespace {
std::map<std::string, CommandSetup>& registry() {
  static std::map<std::string, CommandSetup> commands;
  return commands;
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return 3;
    case ErrorKind::BadInput: return 4;
    case ErrorKind::NotSitmap: return 5;
    case ErrorKind::NewerSchema: return 6;
    case ErrorKind::Locked: return 7;
    case ErrorKind::ReadOnly: return 8;
    case ErrorKind::Denied: return 9;
    case ErrorKind::Cancelled: return 10;
    case ErrorKind::Internal: return 1;
  }
  return 1;
}
}  // namespace

CommandRegistrar::CommandRegistrar(const char* name, CommandSetup setup) { registry()[name] = std::move(setup); }

void setup_all_commands(CLI::App& top) {
  for (auto& [name, setup] : registry()) setup(top);
}

GlobalOptions& global_options() {
  static GlobalOptions options;
  return options;
}

}  // namespace sitmap::app

int main(int argc, char** argv) {
  using namespace sitmap;
  CLI::App top{"sitmap — 淮海中路街道综治中心态势图 / situational map dashboard of a sub-district governance centre.\n"
               "With no sub-command it opens the dashboard window; sub-commands run headless."};
  top.set_help_all_flag("--help-all", "all sub-commands' help");
  auto& dashboard = app::dashboard_options();
  top.add_option("--db", dashboard.database, "workspace database to open (default data/demo/huaihai.sqlite)");
  top.add_option("--basemap", dashboard.basemap, "raster basemap for the window: GeoTIFF, MBTiles, any GDAL raster");
  top.add_flag("-v,--verbose", app::global_options().verbose, "log progress and timings (English)");
  top.parse_complete_callback([&top] {
    set_verbose(app::global_options().verbose);
    // A headless command is short-lived: memory it frees is kept for its next allocations rather than handed back
    // and faulted in again, page by page (a sixth fewer page faults in a million-point heatmap).
    if (!top.get_subcommands().empty()) {
      mallopt(M_MMAP_THRESHOLD, 32 << 20);
      mallopt(M_TRIM_THRESHOLD, 512 << 20);
    }
  });
  app::setup_all_commands(top);
  try {
    top.parse(argc, argv);
    if (top.get_subcommands().empty()) return app::run_dashboard(dashboard);
  } catch (const CLI::ParseError& e) {
    return top.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "sitmap: error: %s\n", e.what());
    return app::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sitmap: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
