#include "sitmap/io/versions.hpp"

#include "gdal_api.hpp"

namespace sitmap::io {
std::string gdal_version() { return GDALVersionInfo("RELEASE_NAME"); }
}  // namespace sitmap::io
