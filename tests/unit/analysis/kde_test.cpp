#include "sitmap/analysis/kde.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <thread>

#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::analysis {
namespace {

const XY kCentre = geo::to_web_mercator(XY{121.47, 31.215});  // the middle of the sub-district

double quartic(double u) { return u < 1 ? (1 - u * u) * (1 - u * u) : 0; }

// A grid of 1-ground-metre cells around kCentre, with the point put on the centre of the middle cell.
struct OnePoint {
  GridSpec grid;
  XY point;
  int col, row;
};
OnePoint one_point(double margin) {
  BBox box;
  box.expand(kCentre);
  OnePoint o;
  o.grid = GridSpec::covering(box, 1.0, margin);
  o.col = o.grid.nx / 2;
  o.row = o.grid.ny / 2;
  o.point = o.grid.cell_center(o.col, o.row);
  return o;
}

float value_at(const DensityGrid& d, int col, int row) { return d.values[static_cast<size_t>(row) * d.grid.nx + col]; }

TEST(Kde, CellsAndRadiusAreGroundMetresNotMercatorMetres) {
  OnePoint o = one_point(150);
  // At 31.215°N a ground metre is 1 / cos(31.215°) = 1.1694 Web Mercator metres.
  double lat = geo::from_web_mercator(o.grid.cell_center(0, o.grid.ny / 2)).y;
  EXPECT_NEAR(o.grid.cell_x, 1.0 / std::cos(lat * std::numbers::pi / 180), 1e-6);
  EXPECT_NEAR(o.grid.cell_x, 1.1694, 1e-3);
  double x = o.point.x, y = o.point.y;
  auto d = kernel_density({&x, 1}, {&y, 1}, {}, o.grid, {Kernel::Quartic, 100.0, 1});
  // 94 ground metres (110 Mercator metres) east is inside the 100 m radius; 102 ground metres (119 Mercator
  // metres) is outside it.
  float centre = value_at(d, o.col, o.row);
  EXPECT_NEAR(value_at(d, o.col + 94, o.row) / centre, quartic(0.94), 1e-4);
  EXPECT_LT(value_at(d, o.col + 101, o.row), 1e-6 * centre);
  EXPECT_LT(value_at(d, o.col + 102, o.row), 1e-6 * centre);
  EXPECT_LT(102 * o.grid.cell_x, 120.0);
  // Read as Mercator metres the radius would have reached 100 / 1.1694 = 85 cells only.
  EXPECT_GT(value_at(d, o.col + 90, o.row), 0.01f * centre);
}

TEST(Kde, QuarticShapeAndPeakMatchTheFormula) {
  OnePoint o = one_point(60);
  double x = o.point.x, y = o.point.y;
  const double r = 40;
  auto d = kernel_density({&x, 1}, {&y, 1}, {}, o.grid, {Kernel::Quartic, r, 2});
  float centre = value_at(d, o.col, o.row);
  // Continuous quartic: 3 / (π r²) per m², ×1e6 per km²; the discrete kernel on 1 m cells is within 0.5 %.
  EXPECT_NEAR(centre, 3 / (std::numbers::pi * r * r) * 1e6, 0.005 * centre);
  for (int dx : {1, 5, 10, 20, 30, 39})
    EXPECT_NEAR(value_at(d, o.col + dx, o.row) / centre, quartic(dx / r), 1e-5) << dx;
  for (auto [dx, dy] : {std::pair{24, 32}, {12, 16}, {30, 10}})  // along a diagonal: radial symmetry
    EXPECT_NEAR(value_at(d, o.col + dx, o.row - dy) / centre, quartic(std::hypot(dx, dy) / r), 1e-5);
  // The point sits on a cell centre up to rounding, so linear binning leaks ~1e-8 of it to a neighbour.
  EXPECT_LT(value_at(d, o.col + 24, o.row + 32), 1e-6 * centre);  // exactly 40 m away: the support's edge
  EXPECT_LT(value_at(d, o.col - 41, o.row), 1e-6 * centre);
}

TEST(Kde, EpanechnikovAndGaussianShapes) {
  OnePoint o = one_point(120);
  double x = o.point.x, y = o.point.y;
  auto e = kernel_density({&x, 1}, {&y, 1}, {}, o.grid, {Kernel::Epanechnikov, 30, 1});
  float ce = value_at(e, o.col, o.row);
  EXPECT_NEAR(ce, 2 / (std::numbers::pi * 900) * 1e6, 0.01 * ce);
  for (int dx : {3, 15, 29}) EXPECT_NEAR(value_at(e, o.col + dx, o.row) / ce, 1 - dx * dx / 900.0, 1e-5);
  EXPECT_LT(value_at(e, o.col + 30, o.row), 1e-6 * ce);

  auto g = kernel_density({&x, 1}, {&y, 1}, {}, o.grid, {Kernel::Gaussian, 20, 1});
  float cg = value_at(g, o.col, o.row);
  EXPECT_NEAR(cg, 1 / (2 * std::numbers::pi * 400) * 1e6, 0.005 * cg);
  for (int dx : {5, 20, 40, 60}) EXPECT_NEAR(value_at(g, o.col, o.row + dx) / cg, std::exp(-dx * dx / 800.0), 1e-5);
  EXPECT_LT(value_at(g, o.col + 82, o.row), 1e-6 * cg);  // cut at 4 σ
}

// Random points well inside the grid (which is grown by the kernel's reach): the surface holds exactly the
// weighted count, for every kernel, multi-threaded or not.
TEST(Kde, IntegratesToTheWeightedCount) {
  Random rng(5);
  std::vector<double> x, y, w;
  double total = 0;
  for (int i = 0; i < 3000; ++i) {
    x.push_back(kCentre.x + rng.uniform(-1500, 1500));
    y.push_back(kCentre.y + rng.uniform(-1200, 1200));
    w.push_back(static_cast<double>(rng.integer(1, 5)));
    total += w.back();
  }
  BBox box;
  for (size_t i = 0; i < x.size(); ++i) box.expand(XY{x[i], y[i]});
  for (Kernel k : {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Gaussian}) {
    double reach = k == Kernel::Gaussian ? 4 * 50 : 50;
    GridSpec g = GridSpec::covering(box, 7.5, reach + 10);
    for (int threads : {1, 2}) {
      auto d = kernel_density(x, y, w, g, {k, 50, threads});
      EXPECT_EQ(d.points_in_grid, 3000);
      EXPECT_NEAR(d.weight_in_grid, total, 1e-9);
      EXPECT_NEAR(d.integral(), total, total * 2e-6) << kernel_name(k) << " threads " << threads;
      auto unweighted = kernel_density(x, y, {}, g, {k, 50, threads});
      EXPECT_NEAR(unweighted.integral(), 3000, 3000 * 2e-6);
    }
  }
}

// Points on cell centres are binned without spreading, so the surface must equal the direct sum of the
// normalised kernel over the points at every cell, including the cells near the grid's edges.
TEST(Kde, ConvolutionEqualsDirectSumOverPoints) {
  BBox box;
  box.expand(kCentre);
  GridSpec g = GridSpec::covering(box, 5, 200);  // 80 x 80 cells of 5 m
  Random rng(11);
  std::vector<double> x, y, w;
  std::vector<std::pair<int, int>> at;
  for (int i = 0; i < 60; ++i) {
    int c = static_cast<int>(rng.integer(0, g.nx - 1)), r = static_cast<int>(rng.integer(0, g.ny - 1));
    XY p = g.cell_center(c, r);
    x.push_back(p.x);
    y.push_back(p.y);
    w.push_back(rng.uniform(0.5, 3));
    at.emplace_back(c, r);
  }
  const double radius = 33;
  auto d = kernel_density(x, y, w, g, {Kernel::Quartic, radius, 2});
  double gx = g.frame().to_ground(g.cell_x), gy = g.frame().to_ground(g.cell_y);
  double norm = 0;  // sum of the kernel over all cell offsets
  for (int j = -10; j <= 10; ++j)
    for (int i = -10; i <= 10; ++i) norm += quartic(std::hypot(i * gx, j * gy) / radius);
  for (int r = 0; r < g.ny; r += 3)
    for (int c = 0; c < g.nx; c += 3) {
      double expect = 0;
      for (size_t p = 0; p < at.size(); ++p)
        expect += w[p] * quartic(std::hypot((c - at[p].first) * gx, (r - at[p].second) * gy) / radius);
      expect = expect / norm / (gx * gy / 1e6);
      ASSERT_NEAR(value_at(d, c, r), expect, 1e-3 + 1e-5 * expect) << c << "," << r;
    }
}

// Enough points for the binning in two halves: the same surface, bit for bit, on one thread as on two, since
// the halves are fixed and added in one order whoever bins them.
TEST(Kde, ThreadedBinningGivesTheSameSurface) {
  Random rng(8);
  std::vector<double> x, y;
  for (int i = 0; i < 150000; ++i) {
    x.push_back(kCentre.x + rng.normal() * 600);
    y.push_back(kCentre.y + rng.normal() * 600);
  }
  BBox box;
  box.expand(XY{kCentre.x - 1500, kCentre.y - 1500});
  box.expand(XY{kCentre.x + 1500, kCentre.y + 1500});
  GridSpec g = GridSpec::covering(box, 10, 0);
  for (Kernel k : {Kernel::Quartic, Kernel::Gaussian}) {
    auto one = kernel_density(x, y, {}, g, {k, 60, 1});
    auto two = kernel_density(x, y, {}, g, {k, 60, 2});
    EXPECT_EQ(one.points_in_grid, two.points_in_grid);
    EXPECT_EQ(one.points_outside, two.points_outside);
    EXPECT_GT(one.points_outside, 0);
    EXPECT_EQ(one.values, two.values) << kernel_name(k);
  }
}

// The parallel loops run on workers the process keeps: callers on several threads at once each get their own
// surface, as computed alone, and one whose input is refused fails alone, naming its first bad row.
TEST(Kde, CallersOnSeveralThreadsShareTheWorkersAndGetTheirOwnSurfaces) {
  Random rng(9);
  std::vector<double> x, y, w;
  for (int i = 0; i < 120000; ++i) {
    x.push_back(kCentre.x + rng.normal() * 500);
    y.push_back(kCentre.y + rng.normal() * 500);
    w.push_back(1 + i % 3);
  }
  BBox box;
  box.expand(XY{kCentre.x - 1200, kCentre.y - 1200});
  box.expand(XY{kCentre.x + 1200, kCentre.y + 1200});
  GridSpec g = GridSpec::covering(box, 10, 0);
  auto alone = [&](int k) { return kernel_density(x, y, k == 1 ? w : std::vector<double>{}, g, {Kernel::Quartic, 40 + 10.0 * k, 2}); };
  std::vector<DensityGrid> expected;
  for (int k = 0; k < 4; ++k) expected.push_back(alone(k));
  std::vector<double> bad = w;
  bad[70000] = -1;
  bad[90000] = -1;
  std::vector<DensityGrid> got(4);
  std::string refused;
  std::vector<std::thread> callers;
  for (int k = 0; k < 4; ++k) callers.emplace_back([&, k] { got[k] = alone(k); });
  callers.emplace_back([&] {
    try {
      kernel_density(x, y, bad, g, {Kernel::Quartic, 50, 2});
    } catch (const Error& e) {
      refused = e.what();
    }
  });
  for (auto& c : callers) c.join();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(got[k].values, expected[k].values) << "caller " << k;
  EXPECT_NE(refused.find("row 70001"), std::string::npos) << refused;
}

TEST(Kde, PointsOutsideTheGridAndNullWeightsAreNotCounted) {
  BBox box;
  box.expand(kCentre);
  GridSpec g = GridSpec::covering(box, 10, 500);
  std::vector<double> x = {kCentre.x, kCentre.x + 5000, kCentre.x + 10, kCentre.x};
  std::vector<double> y = {kCentre.y, kCentre.y, kCentre.y - 10, kCentre.y + 20};
  std::vector<double> w = {2, 1, std::nan(""), 3};
  auto d = kernel_density(x, y, w, g, {Kernel::Quartic, 50, 1});
  EXPECT_EQ(d.points_in_grid, 2);
  EXPECT_EQ(d.points_outside, 1);
  EXPECT_EQ(d.points_skipped, 1);
  EXPECT_DOUBLE_EQ(d.weight_in_grid, 5);
  EXPECT_NEAR(d.integral(), 5, 1e-4);
}

TEST(Kde, LinearBinningSplitsAPointBetweenTwoCellsSymmetrically) {
  BBox box;
  box.expand(kCentre);
  GridSpec g = GridSpec::covering(box, 2, 100);
  XY a = g.cell_center(40, 50), b = g.cell_center(41, 50);
  double x = (a.x + b.x) / 2, y = a.y;
  auto d = kernel_density({&x, 1}, {&y, 1}, {}, g, {Kernel::Quartic, 20, 1});
  for (int k = 0; k < 15; ++k) EXPECT_NEAR(value_at(d, 40 - k, 50), value_at(d, 41 + k, 50), 1e-3) << k;
  EXPECT_NEAR(d.integral(), 1, 1e-5);
}

TEST(Kde, RejectsBadInputWithClearMessages) {
  BBox box;
  box.expand(kCentre);
  GridSpec g = GridSpec::covering(box, 10, 100);
  std::vector<double> x = {kCentre.x, kCentre.x, kCentre.x}, y = x;
  y = {kCentre.y, kCentre.y, kCentre.y};
  std::vector<double> w = {1, 1, -2};
  try {
    kernel_density(x, y, w, g, {Kernel::Quartic, 30, 1});
    FAIL() << "negative weight accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("row 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(kernel_density(x, y, {}, g, {Kernel::Quartic, 0, 1}), Error);
  EXPECT_THROW(kernel_density(x, y, {}, g, {Kernel::Quartic, -5, 1}), Error);
  EXPECT_THROW(kernel_density(x, y, {}, g, {Kernel::Quartic, 1e6, 1}), Error);  // radius spans too many cells
  EXPECT_THROW(kernel_density(x, {y.data(), 2}, {}, g, {Kernel::Quartic, 30, 1}), Error);
  EXPECT_THROW(GridSpec::covering(box, 0.001, 10000), Error);
  EXPECT_EQ(parse_kernel("Gaussian"), Kernel::Gaussian);
  EXPECT_EQ(parse_kernel("biweight"), Kernel::Quartic);
  EXPECT_FALSE(parse_kernel("triangle"));
}

TEST(Kde, DifferenceOfTwoPeriodsOnOneGrid) {
  BBox box;
  box.expand(kCentre);
  GridSpec g = GridSpec::covering(box, 5, 200);
  std::vector<double> xa = {kCentre.x}, ya = {kCentre.y}, xb = {kCentre.x, kCentre.x}, yb = {kCentre.y, kCentre.y};
  auto a = kernel_density(xa, ya, {}, g, {Kernel::Quartic, 50, 1});
  auto b = kernel_density(xb, yb, {}, g, {Kernel::Quartic, 50, 1});
  auto diff = density_difference(a, b);
  EXPECT_NEAR(diff.integral(), 1, 1e-5);
  for (size_t i = 0; i < diff.values.size(); i += 97) EXPECT_FLOAT_EQ(diff.values[i], a.values[i]);
  GridSpec other = GridSpec::covering(box, 6, 200);
  EXPECT_THROW(density_difference(a, kernel_density(xa, ya, {}, other, {Kernel::Quartic, 50, 1})), Error);
}

// The heatmap's grid: cells of the asked ground size, the extent grown on every side by the kernel's reach (the
// radius, 4σ for the Gaussian) and one cell, so that the surface holds every point's whole weight.
TEST(DensityGrid, GrowsTheExtentByTheKernelsReachAndOneCell) {
  XY sw = geo::to_web_mercator(XY{121.455, 31.205}), ne = geo::to_web_mercator(XY{121.485, 31.225});
  BBox box;
  box.expand(sw);
  box.expand(ne);
  for (Kernel k : {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Gaussian}) {
    GridSpec g = density_grid(box, k, 150, 25);
    LocalFrame f = g.frame();
    EXPECT_NEAR(f.to_ground(g.cell_x), 25, 1e-3) << kernel_name(k);
    double reach = (k == Kernel::Gaussian ? 600 : 150) + 25;
    // Every side keeps at least `reach` ground metres beyond the extent, and less than one more cell.
    for (double margin : {box.minx - g.minx, g.maxx() - box.maxx, g.maxy - box.maxy, box.miny - g.miny()}) {
      EXPECT_GE(f.to_ground(margin), reach - 1e-6) << kernel_name(k);
      EXPECT_LT(f.to_ground(margin), reach + 25) << kernel_name(k);
    }
    // Points at the extent's corners lose nothing off the grid's edge.
    std::vector<double> x = {box.minx, box.maxx}, y = {box.miny, box.maxy};
    auto d = kernel_density(x, y, {}, g, {k, 150, 1});
    EXPECT_NEAR(d.integral(), 2.0, 1e-6) << kernel_name(k);
  }
  EXPECT_THROW(density_grid(BBox{}, Kernel::Quartic, 150, 25), Error);
  EXPECT_THROW(density_grid(box, Kernel::Quartic, 0, 25), Error);
  EXPECT_THROW(density_grid(box, Kernel::Quartic, 150, -1), Error);
  EXPECT_THROW(density_grid(box, Kernel::Quartic, std::nan(""), 25), Error);
}

}  // namespace
}  // namespace sitmap::analysis
