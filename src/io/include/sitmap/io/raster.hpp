// Single-band float rasters (density surfaces, their differences) written as GeoTIFF through GDAL.
// The raster is north-up: row 0 is the northern edge. The file is written under a temporary name and
// renamed into place, so a failure leaves no half-written file.
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sitmap::io {

struct RasterSpec {
  int width = 0, height = 0;
  double minx = 0, maxy = 0;      // north-west corner, in the CRS's units
  double cell_x = 1, cell_y = 1;  // cell size, positive
  std::string crs = "EPSG:3857";  // anything PROJ/GDAL understands; recorded in the file
  std::string description;        // the band's description, e.g. "kernel density (quartic, 100 m)"
  std::string units;              // the band's unit type, e.g. "incidents/km2"
  std::vector<std::pair<std::string, std::string>> metadata;  // dataset metadata items (KERNEL, RADIUS_M, ...)
  bool overwrite = false;
};

// Writes values (width × height, row-major from the north) as a tiled Float32 GeoTIFF with the band's
// statistics (minimum, maximum, mean, standard deviation) in its metadata.
// Throws Error: BadInput (size mismatch, existing file without overwrite, unknown CRS), NotFound (no folder).
void write_geotiff(const std::filesystem::path& out, const RasterSpec& spec, std::span<const float> values);

}  // namespace sitmap::io
