// Kernel density estimation on a regular grid: points in Web Mercator metres, bandwidth in ground metres,
// result in (weighted) incidents per square kilometre of ground.
//
// Method: the points are linearly binned to the cell centres (each point's weight shared between the four
// nearest centres, which keeps the total exactly), then convolved with the kernel sampled at the cell
// offsets in ground metres and normalised so that its taps sum to one. Hence the surface integrates to the
// weighted count of the points in the grid, less what the kernel carries past the grid's edge: grow the grid
// by the radius (GridSpec::covering's margin) to keep it all.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/analysis/grid.hpp"

namespace sitmap::analysis {

enum class Kernel {
  Quartic,       // (1 - d²/r²)², support r: QGIS's heatmap default
  Epanechnikov,  // 1 - d²/r², support r
  Gaussian,      // exp(-d² / 2r²): the radius is σ, cut at 4σ
};
const char* kernel_name(Kernel k);                          // "quartic", "epanechnikov", "gaussian"
std::optional<Kernel> parse_kernel(std::string_view name);  // also "biweight" for quartic

struct KdeOptions {
  Kernel kernel = Kernel::Quartic;
  double radius = 0;  // ground metres: the support radius, or σ for the Gaussian
  int threads = 0;    // 0: one per hardware thread
};

struct DensityGrid {
  GridSpec grid;
  std::vector<float> values;  // grid.size() values, row 0 at the north; per km² of ground
  std::string units = "incidents/km2";
  double cell_area_km2 = 0;   // ground area of one cell
  double weight_in_grid = 0;  // sum of the weights of the points that fell inside the grid
  int64_t points_in_grid = 0;
  int64_t points_outside = 0;  // outside the grid: not counted
  int64_t points_skipped = 0;  // weight NaN (a null weight field): not counted

  double integral() const;  // Σ value × cell area: the weighted count the surface holds
};

// The grid a density surface of a layer is computed on: square cells of `cell` ground metres covering the
// layer's extent (Web Mercator), grown by the kernel's reach (radius, or 4σ for the Gaussian) and one cell, so
// that no point's mass is cut off. Using the whole layer's extent, not the selection's, lets surfaces of
// different periods share one grid and be subtracted. Throws Error(BadInput) for an empty extent, a
// non-positive radius or cell, or an oversized grid.
GridSpec density_grid(const BBox& mercator_extent, Kernel kernel, double radius, double cell);

// x, y in Web Mercator metres; weights empty (each point counts 1) or one per point, finite and >= 0 (NaN
// skips the point). Throws Error(BadInput) for a bad radius, grid or a negative weight, naming its row.
DensityGrid kernel_density(std::span<const double> x, std::span<const double> y, std::span<const double> weights,
                           const GridSpec& grid, const KdeOptions& options);

// The kernel's taps for a grid (one row of 2·hx+1 values per row offset -hy..hy), normalised to sum to one;
// exposed so tests and the GPU renderer can compare shapes.
struct KernelTaps {
  int hx = 0, hy = 0;
  std::vector<double> taps;  // (2·hy+1) × (2·hx+1), row-major
  double at(int dx, int dy) const { return taps[static_cast<size_t>(dy + hy) * (2 * hx + 1) + (dx + hx)]; }
};
KernelTaps kernel_taps(const GridSpec& grid, const KdeOptions& options);

// after − before on the same grid (the two-period comparison surface); throws Error(BadInput) otherwise.
DensityGrid density_difference(const DensityGrid& before, const DensityGrid& after);

}  // namespace sitmap::analysis
