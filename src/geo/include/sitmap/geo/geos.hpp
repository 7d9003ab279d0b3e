// GEOS (C API, reentrant) behind small functions. GEOS handles never leave this module.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::geo {

// Empty when valid, else GEOS's reason ("Self-intersection[121.47 31.21]").
std::string invalid_reason(const Geometry& g);
Geometry make_valid(const Geometry& g);
Geometry intersection(const Geometry& a, const Geometry& b);
Geometry difference(const Geometry& a, const Geometry& b);
Geometry union_all(std::span<const Geometry> parts);
// The same with every coordinate on a grid of `grid_size` (GEOS fixed precision): parts whose shared sides
// differ by floating-point noise merge instead of leaving hairline slivers between them.
Geometry union_on_grid(std::span<const Geometry> parts, double grid_size);
Geometry buffer(const Geometry& g, double distance);
double area(const Geometry& g);       // in the units of the coordinates, squared
double length(const Geometry& g);
XY centroid(const Geometry& g);
XY point_on_surface(const Geometry& g);
bool intersects(const Geometry& a, const Geometry& b);
bool covers(const Geometry& a, const Geometry& b);
double distance(const Geometry& a, const Geometry& b);
// Voronoi cells of the sites (coincident sites give one cell), each clipped to the polygon `clip`; in no
// particular order (GEOS 3.11 does not keep the sites' order).
std::vector<Geometry> voronoi_cells(std::span<const XY> sites, const Geometry& clip);

// A polygon prepared once for many point-in-polygon tests.
class PreparedGeometry {
 public:
  explicit PreparedGeometry(const Geometry& g);
  ~PreparedGeometry();
  PreparedGeometry(PreparedGeometry&&) noexcept;
  PreparedGeometry& operator=(PreparedGeometry&&) noexcept;
  bool contains(XY p) const;   // strictly inside or on boundary excluded per GEOS "contains"
  bool covers(XY p) const;     // inside or on the boundary
  bool intersects(const Geometry& g) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string geos_version();

}  // namespace sitmap::geo
