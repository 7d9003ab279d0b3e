#include <cstdlib>

#include "sitmap/core/log.hpp"
#include "sitmap/core/paths.hpp"

namespace sitmap {

void set_verbose(bool verbose) { spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn); }

std::filesystem::path resource_dir() {
  if (const char* home = std::getenv("SITMAP_HOME"); home && *home) return home;
  return SITMAP_SOURCE_DIR;
}

std::filesystem::path resource_path(const std::filesystem::path& relative) { return resource_dir() / relative; }

}  // namespace sitmap
