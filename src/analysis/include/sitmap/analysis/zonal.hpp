// Points counted in polygons (incidents per grid block) and rates per household.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

// Polygons (Polygon or MultiPolygon, holes respected) prepared for many point look-ups, in any one planar
// coordinate system shared with the points (lon/lat as stored, or metres).
class PolygonLocator {
 public:
  explicit PolygonLocator(std::span<const Geometry> polygons);
  // Index of the first polygon containing p, or -1. Crossing-number test with half-open edges: a point on an
  // edge shared by two polygons belongs to exactly one of them, so tiling blocks count every point once.
  int locate(XY p) const;
  // locate() for every point (multi-threaded); x and y of equal length.
  std::vector<int32_t> locate_all(std::span<const double> x, std::span<const double> y, int threads = 0) const;
  size_t size() const { return polys_.size(); }

 private:
  struct Prepared {
    BBox box;
    std::vector<std::vector<XY>> rings;  // every ring of every part: even-odd over all of them
  };
  std::vector<Prepared> polys_;
  BBox extent_;
  int gx_ = 1, gy_ = 1;
  std::vector<std::vector<int32_t>> buckets_;  // polygons whose box meets each bucket of a gx × gy grid
};

// How many rows fall in each of `units` units (unit index per row, -1 for none): all rows, or only those
// listed in `rows` (an empty list counts nothing).
std::vector<int64_t> count_per_unit(std::span<const int32_t> unit_of_row, size_t units,
                                    std::optional<std::span<const uint32_t>> rows = std::nullopt);

// count per 100 households; NaN where households is 0, negative or NaN.
std::vector<double> rate_per_100_households(std::span<const int64_t> counts, std::span<const double> households);

}  // namespace sitmap::analysis
