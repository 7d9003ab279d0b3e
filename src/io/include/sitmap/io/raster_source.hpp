// A raster basemap read through GDAL (GeoTIFF, MBTiles, anything GDAL opens, in any CRS), re-sampled on
// request into an RGBA8 image of a Web Mercator box. GDAL types stay inside src/io.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::io {

class RasterSource {
 public:
  // Opens the file; throws Error naming it: NotFound (missing), BadInput (not a raster GDAL reads, no CRS,
  // bands that are not 8-bit grey, paletted, RGB or RGBA).
  explicit RasterSource(const std::filesystem::path& file);
  ~RasterSource();
  RasterSource(const RasterSource&) = delete;
  RasterSource& operator=(const RasterSource&) = delete;

  const std::filesystem::path& path() const;
  BBox extent() const;  // the raster's footprint in EPSG:3857 metres

  // The box `world` (EPSG:3857) warped bilinearly (paletted sources: nearest, then the palette) into
  // width x height RGBA8 pixels, row 0 at the north edge. Nodata and areas outside the raster have alpha 0.
  std::vector<uint8_t> render(const BBox& world, int width, int height) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sitmap::io
