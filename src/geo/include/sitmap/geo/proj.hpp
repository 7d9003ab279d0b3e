// PROJ behind a small RAII wrapper. Every coordinate transform in sitmap goes through here.
#pragma once
#include <memory>
#include <span>
#include <string>

#include "sitmap/core/types.hpp"

namespace sitmap::geo {

// Transforms between two CRSs given as anything PROJ understands ("EPSG:4549", WKT, a PROJ string).
// Axis order is normalised for GIS use: longitude/easting first. Not thread-safe: one per thread.
class Transformer {
 public:
  Transformer(const std::string& from_crs, const std::string& to_crs);  // throws Error(BadInput) naming the CRS
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;

  XY forward(XY p) const;
  XY inverse(XY p) const;
  void forward(std::span<XY> points) const;  // in place; non-finite results for points PROJ cannot map
  void inverse(std::span<XY> points) const;
  Geometry forward(const Geometry& g) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A CRS's canonical description, e.g. for a .prj file or the import log. Throws Error(BadInput).
std::string crs_to_wkt(const std::string& crs);
// "EPSG:4549" when PROJ can identify the CRS with confidence, else empty.
std::string crs_identify_epsg(const std::string& crs);

// EPSG:4326 lon/lat <-> EPSG:3857 Web Mercator metres, through a PROJ transformer cached per thread.
XY to_web_mercator(XY lonlat);
XY from_web_mercator(XY metres);
void to_web_mercator(std::span<XY> points);  // in place

// Scale of Web Mercator at a latitude: ground metres = mercator metres * mercator_scale(lat).
double mercator_scale(double lat_deg);

std::string proj_version();  // of the PROJ loaded (loading it)
// The PROJ sitmap was built against ("9.1.1"), known without loading it: what the store stamps the Web Mercator
// positions of its packed copies with (a copy stamped otherwise is computed again).
std::string proj_build_version();

}  // namespace sitmap::geo
