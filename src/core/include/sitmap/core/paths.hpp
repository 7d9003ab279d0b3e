// Where sitmap finds its run-time files (shaders/, layers/, data/).
#pragma once
#include <filesystem>

namespace sitmap {
// $SITMAP_HOME when set, else the source tree the binary was built from.
std::filesystem::path resource_dir();
std::filesystem::path resource_path(const std::filesystem::path& relative);
}  // namespace sitmap
