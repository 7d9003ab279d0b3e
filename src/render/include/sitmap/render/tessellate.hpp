// Polygon triangulation by ear clipping, holes joined to the shell by bridges. GL-free and unit-tested.
// Polygons are tessellated once per data load, never per frame.
#pragma once
#include <cstdint>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::render {

struct Triangles {
  std::vector<XY> vertices;       // every usable ring vertex, rings concatenated
  std::vector<uint32_t> indices;  // three per triangle, counter-clockwise
};

// rings[0] is the shell, the rest are holes; rings may be closed (first == last) or open, in either
// orientation. Repeated points, rings with fewer than three distinct points and collinear runs are
// tolerated: they add no triangles. Triangles are appended to `out` (indices offset accordingly).
void tessellate(const std::vector<Ring>& rings, Triangles& out);

double signed_area(const std::vector<XY>& ring);  // positive when counter-clockwise (y up)

}  // namespace sitmap::render
