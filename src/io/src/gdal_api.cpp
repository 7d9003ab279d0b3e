#include "gdal_api.hpp"

#include <dlfcn.h>

#include <string>

#include "sitmap/core/error.hpp"
#include "sitmap/io/gdal.hpp"

namespace sitmap::io {

namespace {

void* gdal_library() {
  static void* const library = [] {
    void* handle = dlopen(SITMAP_GDAL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      throw Error(ErrorKind::Internal, std::string("cannot load GDAL (" SITMAP_GDAL_LIBRARY "): ") + dlerror() +
                                           " (install it again with ./scripts/run)");
    return handle;
  }();
  return library;
}

}  // namespace

void* gdal_function(const char* name) {
  void* function = dlsym(gdal_library(), name);
  if (!function) throw Error(ErrorKind::Internal, std::string("GDAL (" SITMAP_GDAL_LIBRARY ") has no ") + name);
  return function;
}

void load_gdal() { gdal_library(); }

}  // namespace sitmap::io
