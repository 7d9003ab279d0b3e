#include "sitmap/io/versions.hpp"

#include <gdal.h>

namespace sitmap::io {
std::string gdal_version() { return GDALVersionInfo("RELEASE_NAME"); }
}  // namespace sitmap::io
