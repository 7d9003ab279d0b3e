// Regular grids in Web Mercator metres, and the ground-metre frame that every distance is measured in.
//
// Web Mercator metres are not ground metres: at latitude φ, ground = mercator × cos φ (geo::mercator_scale),
// about 0.855 in Shanghai. Users give radii, cell sizes and distances in ground metres. Over a sub-district
// (a few km north to south) the scale changes by under 0.03 %, so each analysis takes one scale, at the
// centre latitude of its grid or its data, and converts with it.
#pragma once
#include <cstddef>
#include <span>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

struct LocalFrame {
  double scale = 1;  // ground metres per Web Mercator metre

  static LocalFrame at(double mercator_y);              // the scale at one northing
  static LocalFrame around(std::span<const double> y);  // at the middle of the northings' range
  double to_ground(double mercator) const { return mercator * scale; }
  double to_mercator(double ground) const { return ground / scale; }
  // Points in ground metres (x, y scaled by `scale`), for distance-based analysis.
  std::vector<XY> ground_points(std::span<const double> x, std::span<const double> y) const;
};

// A north-up grid in Web Mercator metres, stored row-major with row 0 at the northern edge and column 0 at
// the western edge (as in GeoTIFF and GDAL).
struct GridSpec {
  double minx = 0, maxy = 0;      // north-west corner
  double cell_x = 1, cell_y = 1;  // cell size in Mercator metres
  int nx = 0, ny = 0;

  double maxx() const { return minx + cell_x * nx; }
  double miny() const { return maxy - cell_y * ny; }
  size_t size() const { return static_cast<size_t>(nx) * static_cast<size_t>(ny); }
  XY cell_center(int col, int row) const { return {minx + (col + 0.5) * cell_x, maxy - (row + 0.5) * cell_y}; }
  // Cell index (row * nx + col) holding a point, -1 outside. Cells are half-open: west and north edges in.
  long cell_of(double x, double y) const;
  LocalFrame frame() const { return LocalFrame::at(maxy - cell_y * ny / 2); }

  // Square cells of `cell_ground` ground metres covering `mercator` grown by `margin_ground` on each side.
  static GridSpec covering(const BBox& mercator, double cell_ground, double margin_ground = 0);
  // Exactly nx × ny cells over `mercator`.
  static GridSpec fit(const BBox& mercator, int nx, int ny);
  void validate() const;  // throws Error(BadInput) for empty, non-finite or oversized grids
};

}  // namespace sitmap::analysis
