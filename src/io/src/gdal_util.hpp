// GDAL plumbing shared by import and export. GDAL types stay inside src/io.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gdal_api.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::io::detail {

void register_gdal();  // once per process

struct DatasetCloser {
  void operator()(void* h) const {
    if (h) GDALClose(h);
  }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;
struct FeatureDeleter {
  void operator()(void* h) const {
    if (h) OGR_F_Destroy(h);
  }
};
using OgrFeature = std::unique_ptr<void, FeatureDeleter>;
struct GeometryDeleter {
  void operator()(void* h) const {
    if (h) OGR_G_DestroyGeometry(h);
  }
};
using OgrGeometry = std::unique_ptr<void, GeometryDeleter>;
struct SrsDeleter {
  void operator()(void* h) const {
    if (h) OSRRelease(h);
  }
};
using OgrSrs = std::unique_ptr<void, SrsDeleter>;

// A zip archive by its content (the local file header), whatever its name: how shapefiles arrive by e-mail.
bool is_zip(const std::filesystem::path& file);

// Collects GDAL's messages while it lives (GDAL reports most read errors through CPLError, not return
// values), so that they can be turned into one Error that names the file.
class ErrorCapture {
 public:
  ErrorCapture();
  ~ErrorCapture();
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  // The first failure since the last call ("" when none), cleared.
  std::string take_failure();
  std::string last_message() const;  // failure or warning, for messages when a call returned nothing

 private:
  static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
  std::string failure_, last_;
};

// The GDAL geometry as a sitmap Geometry, 2D, collections of one family made multi. Curves become lines
// and TINs, triangles and polyhedral surfaces multi-polygons (GDAL's own conversions); `converted`, when
// given, is set to whether that happened. Empty optional for a null or empty geometry; throws
// Error(BadInput) for a collection of mixed families.
std::optional<Geometry> from_ogr(OGRGeometryH g, bool* converted = nullptr);
OgrGeometry to_ogr(const Geometry& g);
OGRwkbGeometryType ogr_type(GeomType t);
std::string ascii_lower(std::string_view s);  // file extensions and format names

// For the writers (export, tables, features): the output's folder, after checking that it exists (NotFound)
// and that `out` does not unless overwrite (BadInput); messages name the file.
std::filesystem::path check_output(const std::filesystem::path& out, bool overwrite);
// A fresh folder beside the output, so that the final rename stays on one file system.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent);
// Renames every file of `tmp_dir` into `parent` (a shapefile is several) and removes the folder.
std::vector<std::filesystem::path> move_into_place(const std::filesystem::path& tmp_dir,
                                                   const std::filesystem::path& parent);
// Throws Error(BadInput) naming `what` when GDAL refuses the field.
void create_field(OGRLayerH layer, const std::string& name, OGRFieldType type, const std::string& what);
// Sets field i from a value; a null or a non-finite number becomes a null field.
void set_field(OGRFeatureH feature, int i, const Value& value);

}  // namespace sitmap::io::detail
