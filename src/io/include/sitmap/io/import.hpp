// Import of vector files through GDAL into a workspace: Shapefile, GeoJSON, GeoPackage, CSV, XLSX,
// KML/KMZ, GPX, FileGDB, FlatGeobuf and OSM PBF, also zipped (a .zip is read through GDAL's /vsizip/).
// Encodings and CRSs are detected (or named by the caller), coordinates are stored as EPSG:4326, invalid
// polygons are repaired or refused, and each import is one transaction that leaves a row in the import log.
// Features are read one at a time: a file is never held in memory.
#pragma once
#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"
#include "sitmap/io/offset.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::io {

enum class ImportMode { Create, Append, Replace };
const char* import_mode_name(ImportMode m);
std::optional<ImportMode> parse_import_mode(std::string_view name);

// Which family of geometries to keep from a file that mixes them (the others are skipped and counted).
enum class GeometryFamily { Any, Point, Line, Polygon };
std::optional<GeometryFamily> parse_geometry_family(std::string_view name);  // "point", "line", "polygon"

struct ImportOptions {
  std::string layer;              // target layer; default: from the file name (and the source layer's, if several)
  std::string source_layer;       // layer inside a multi-layer file (GeoPackage, GPX, FileGDB); default: its only layer
  std::optional<LayerKind> kind;  // default: operational for a new layer, unchanged for --mode replace
  std::string src_srs;            // overrides the file's CRS: "EPSG:4549", WKT or a PROJ string
  std::string encoding;           // overrides detection: "UTF-8", "GBK", "GB18030", ...
  std::string x_field, y_field;   // coordinate columns of a table (CSV, XLSX); default: found by name
  std::string wkt_field;          // a WKT geometry column of a table; default: found by name
  MapOffset offset = MapOffset::None;  // the coordinates come from a Chinese web map
  ImportMode mode = ImportMode::Create;
  GeometryFamily only = GeometryFamily::Any;
  bool repair_invalid = true;  // false: an invalid polygon fails the import (naming the feature)
  // Called in the import's transaction after each layer's import log row, before the commit: what must
  // commit with the rows or not at all (access checks, the audit row). Throwing rolls the import back.
  std::function<void(store::Writer&, const store::ImportLogEntry&)> before_commit;
  // Seals the rows of a sensitive target layer (access::row_sealer with the signed-in user's data key); such
  // an import is refused without one, before anything is written.
  store::RowSealer seal;
};

// A file's format and layers, read from its content (whatever its name says), for choosing what to import.
struct SourceLayer {
  std::string name;
  std::string geometry;        // GDAL's name of the declared type: "Point", "Multi Polygon", "TIN Z", "Unknown (any)"
  int64_t feature_count = -1;  // -1 when the format cannot tell without reading the whole file
};
struct SourceInfo {
  std::string file;
  std::string format;  // GDAL driver: "GPKG", "ESRI Shapefile", "OSM", ...
  std::vector<SourceLayer> layers;
  bool is_osm() const { return format == "OSM"; }  // import with import_osm
};
// Throws Error naming the file when it cannot be read (NotFound, BadInput).
SourceInfo inspect_source(const std::filesystem::path& file);
// An OpenStreetMap extract (XML or PBF), by its first bytes as GDAL's OSM driver tells them, whatever its
// name: such a file goes to import_osm. Cheap: the file is not opened as a dataset.
bool is_osm_file(const std::filesystem::path& file);

// What a file looks like before importing it, for the import dialog and `sitmap import --preview`.
struct ImportPreview {
  std::string file;
  std::string format;               // GDAL driver: "CSV", "ESRI Shapefile", ...
  std::vector<SourceLayer> layers;  // every layer in the file
  std::string source_layer;         // the one that would be imported (the first unless chosen)
  std::string layer;                // the target layer name
  std::string crs;                  // "EPSG:4549", else the CRS's WKT; empty when none
  std::string crs_note;             // "declared by the file", "--src-srs", "assumed lon/lat (no CRS)", ...
  enum class CrsOrigin { Given, File, None } crs_origin = CrsOrigin::File;  // the note's gist, for the window
  bool needs_src_srs = false;  // no CRS and coordinates that are not plainly lon/lat
  std::string encoding, declared_encoding;
  bool encoding_declared_wrong = false;
  std::string x_field, y_field, wkt_field;     // for tables
  GeomType geom_type = GeomType::Point;        // what the layer would hold
  std::vector<FieldDef> fields;                // attribute columns, as they would be stored
  std::vector<std::vector<std::string>> rows;  // the first rows' attribute values as text (UTF-8)
  int64_t feature_count = -1;                  // -1 when the format cannot tell without reading it all
  std::vector<std::string> warnings;
};

// Reads the first `max_rows` features (and enough more to detect types and the encoding). Throws Error
// naming the file when it cannot be read.
ImportPreview preview_import(const std::filesystem::path& file, const ImportOptions& options, int max_rows = 20);

struct ImportResult {
  std::string layer, format, crs, encoding;
  int64_t read = 0, written = 0, repaired = 0;
  int64_t skipped_null = 0;          // null or empty geometries (and rows with empty coordinates)
  int64_t skipped_other_family = 0;  // geometries of another family than the layer's (see ImportOptions::only)
  int64_t skipped_invalid = 0;       // invalid polygons whose repair left no polygon
  int64_t converted = 0;             // curves made lines, TINs and polyhedral surfaces made polygons (also in warnings)
  double seconds = 0;
  BBox extent;                        // of what was written, lon/lat
  std::vector<std::string> warnings;  // e.g. "outside the Shanghai area", "declared UTF-8 but is GB18030"
  bool outside_region = false;        // the data lies outside expected_region(): a wrong CRS or offset?
  int64_t skipped() const { return skipped_null + skipped_other_family + skipped_invalid; }
};

// Called now and then with the features read so far and the file's total (-1 when unknown); the cancel flag
// is checked as often. Cancelling throws Error(Cancelled) and leaves the store as it was.
using ImportProgress = std::function<void(int64_t done, int64_t total)>;

// Imports one file (one layer of it) in one Store::write transaction: on any error, or cancel, the store is
// unchanged. Errors (Error(BadInput) and others) name the file and, where there is one, the row and field.
ImportResult import_file(store::Store& store, const std::filesystem::path& file, const ImportOptions& options,
                         const ImportProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

// OpenStreetMap extracts (.osm.pbf, .osm): streets (ways with a highway tag) and buildings (with a building
// tag) into two basemap layers, `streets` and `buildings` (names from options.layer as a prefix when set),
// in one transaction.
std::vector<ImportResult> import_osm(store::Store& store, const std::filesystem::path& file,
                                     const ImportOptions& options, const ImportProgress& progress = {},
                                     const std::atomic<bool>* cancel = nullptr);

// The Shanghai area (lon/lat) against which imports are checked: data outside it is probably in the wrong
// CRS or offset, and the import warns.
BBox expected_region();

}  // namespace sitmap::io
