// Versions of the libraries io wraps, for `sitmap info`.
#pragma once
#include <string>

namespace sitmap::io {
std::string gdal_version();  // "3.6.2"
}
