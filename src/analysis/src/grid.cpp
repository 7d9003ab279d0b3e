#include "sitmap/analysis/grid.hpp"

#include <cmath>
#include <string>

#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {
// More than this many cells is a typo in --cell rather than a wish (a 16384 x 16384 float grid is 1 GiB).
constexpr double kMaxCells = 16384.0 * 16384.0;
}  // namespace

// cos φ at a northing of EPSG:3857, the Mercator of a sphere of radius 6378137 m, whose latitude is the
// Gudermannian of y/R: cos(gd(y/R)) = 1/cosh(y/R). A scale, not a transform of data: the closed form agrees
// with PROJ's inverse to the last bits (tested) and spares a command that only needs it from loading PROJ.
LocalFrame LocalFrame::at(double mercator_y) {
  constexpr double kSphereRadius = 6378137.0;
  return {1.0 / std::cosh(mercator_y / kSphereRadius)};
}

LocalFrame LocalFrame::around(std::span<const double> y) {
  if (y.empty()) return {};
  double lo = y[0], hi = y[0];
  for (double v : y) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return at((lo + hi) / 2);
}

std::vector<XY> LocalFrame::ground_points(std::span<const double> x, std::span<const double> y) const {
  std::vector<XY> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = {x[i] * scale, y[i] * scale};
  return out;
}

long GridSpec::cell_of(double x, double y) const {
  double fc = (x - minx) / cell_x, fr = (maxy - y) / cell_y;
  if (!(fc >= 0 && fr >= 0 && fc < nx && fr < ny)) return -1;
  return static_cast<long>(fr) * nx + static_cast<long>(fc);
}

void GridSpec::validate() const {
  if (!(cell_x > 0 && cell_y > 0 && std::isfinite(minx) && std::isfinite(maxy)) || nx <= 0 || ny <= 0)
    throw Error(ErrorKind::BadInput,
                "the grid is empty or not finite (" + std::to_string(nx) + " x " + std::to_string(ny) + " cells)");
  if (static_cast<double>(nx) * ny > kMaxCells)
    throw Error(ErrorKind::BadInput, "a grid of " + std::to_string(nx) + " x " + std::to_string(ny) +
                                         " cells is too large: use larger cells");
}

GridSpec GridSpec::covering(const BBox& box, double cell_ground, double margin_ground) {
  if (box.empty()) throw Error(ErrorKind::BadInput, "no data to lay a grid over");
  if (!(cell_ground > 0)) throw Error(ErrorKind::BadInput, "the cell size must be a positive number of metres");
  LocalFrame f = LocalFrame::at(box.center().y);
  double cell = f.to_mercator(cell_ground), margin = f.to_mercator(std::max(0.0, margin_ground));
  double w = box.width() + 2 * margin, h = box.height() + 2 * margin;
  double nxd = std::max(1.0, std::ceil(w / cell)), nyd = std::max(1.0, std::ceil(h / cell));
  if (nxd * nyd > kMaxCells)
    throw Error(ErrorKind::BadInput, "cells of " + std::to_string(cell_ground) + " m make a grid of " +
                                         std::to_string(static_cast<long long>(nxd)) + " x " +
                                         std::to_string(static_cast<long long>(nyd)) + ": too large");
  GridSpec g;
  g.nx = static_cast<int>(nxd);
  g.ny = static_cast<int>(nyd);
  g.cell_x = g.cell_y = cell;
  // Centre the data in the grid so that the leftover of the last partial cell is shared by both sides.
  g.minx = box.center().x - g.nx * cell / 2;
  g.maxy = box.center().y + g.ny * cell / 2;
  return g;
}

GridSpec GridSpec::fit(const BBox& box, int nx, int ny) {
  if (box.empty() || !(box.width() > 0) || !(box.height() > 0) || nx <= 0 || ny <= 0)
    throw Error(ErrorKind::BadInput, "cannot fit a grid over an empty box");
  GridSpec g;
  g.nx = nx;
  g.ny = ny;
  g.minx = box.minx;
  g.maxy = box.maxy;
  g.cell_x = box.width() / nx;
  g.cell_y = box.height() / ny;
  return g;
}

}  // namespace sitmap::analysis
