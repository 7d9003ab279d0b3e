// Export of a layer through GDAL: GeoPackage, Shapefile (UTF-8 with .cpg and .prj), GeoJSON, CSV and XLSX.
// Who may export what is decided before this is called (services::export_layer asks access). The output
// is written under a temporary name and renamed into place, so a failed or cancelled export leaves no
// half-written file.
#pragma once
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sitmap/io/offset.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::io {

struct ExportOptions {
  std::string format;   // "GPKG", "ESRI Shapefile", "GeoJSON", "CSV", "XLSX" (or gpkg/shp/geojson/csv/xlsx);
                        // default: from the output's extension
  std::string where;    // a store::Query filter over the layer's fields
  std::string dst_srs;  // default EPSG:4326
  MapOffset offset = MapOffset::None;  // shift to a Chinese web map's coordinates (applied in lon/lat)
  bool overwrite = false;
  // The rows to write instead of the store's (a sensitive layer's, opened in memory by services::export_layer,
  // which then applies `where` itself).
  std::function<void(const std::function<bool(Feature&&)>& write_row)> rows;
};

struct ExportResult {
  std::string format;  // the GDAL driver used
  int64_t written = 0;
  std::vector<std::filesystem::path> files;  // what was created (a shapefile is several)
};

// The GDAL driver for a --format value or, when empty, for the output's extension; throws Error(BadInput).
std::string export_driver(const std::string& format, const std::filesystem::path& out);

ExportResult export_layer(const store::Store& store, std::string_view layer, const std::filesystem::path& out,
                          const ExportOptions& options, const std::function<void(int64_t done)>& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace sitmap::io
