#include "sitmap/analysis/grid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <numeric>

#include "sitmap/analysis/kde.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::analysis {
namespace {

TEST(Grid, CellsAreHalfOpenWithRowZeroAtTheNorth) {
  GridSpec g;
  g.minx = 100;
  g.maxy = 50;
  g.cell_x = 10;
  g.cell_y = 5;
  g.nx = 4;
  g.ny = 3;
  EXPECT_EQ(g.cell_of(100, 50), 0);  // north-west corner: in
  EXPECT_EQ(g.cell_of(139.999, 50), 3);
  EXPECT_EQ(g.cell_of(140, 50), -1);      // east edge: out
  EXPECT_EQ(g.cell_of(100, 35.0001), 8);  // the southern row is row 2
  EXPECT_EQ(g.cell_of(100, 35), -1);      // south edge: out
  EXPECT_EQ(g.cell_of(std::nan(""), 40), -1);
  EXPECT_EQ(g.cell_center(0, 0), (XY{105, 47.5}));
  EXPECT_DOUBLE_EQ(g.miny(), 35);
  EXPECT_DOUBLE_EQ(g.maxx(), 140);
}

TEST(Grid, CoveringUsesGroundMetresAtTheCentreLatitude) {
  XY a = geo::to_web_mercator(XY{121.46, 31.21}), b = geo::to_web_mercator(XY{121.49, 31.23});
  BBox box;
  box.expand(a);
  box.expand(b);
  GridSpec g = GridSpec::covering(box, 25, 100);
  double lat = geo::from_web_mercator(box.center()).y;
  double scale = std::cos(lat * std::numbers::pi / 180);
  EXPECT_NEAR(g.cell_x, 25 / scale, 1e-6);
  EXPECT_NEAR(g.frame().scale, scale, 1e-15);
  EXPECT_LE(g.minx, box.minx - 100 / scale + 1e-6);  // the margin is in ground metres too
  EXPECT_GE(g.maxx(), box.maxx + 100 / scale - 1e-6);
  EXPECT_LE(g.miny(), box.miny - 100 / scale + 1e-6);
  EXPECT_NEAR((g.minx + g.maxx()) / 2, box.center().x, 1e-6);  // centred
  EXPECT_THROW(GridSpec::covering(BBox{}, 25), Error);
  EXPECT_THROW(GridSpec::covering(box, -1), Error);
  // Ground distance from Mercator: about 0.855 in Shanghai.
  std::vector<double> ys = {a.y, b.y};
  EXPECT_NEAR(LocalFrame::around(ys).scale, 0.855, 0.001);
  auto pts = LocalFrame::around(ys).ground_points(std::vector<double>{a.x, b.x}, ys);
  // Independently: on the Web Mercator sphere (R = 6378137 m), 0.03° of longitude at 31.22° and 0.02° of
  // latitude are 2855.4 m and 2226.4 m; their hypotenuse is 3620.8 m.
  const double rad = std::numbers::pi / 180, R = 6378137;
  double expect = std::hypot(0.03 * rad * R * std::cos(31.22 * rad), 0.02 * rad * R);
  EXPECT_NEAR(std::hypot(pts[1].x - pts[0].x, pts[1].y - pts[0].y), expect, 2.0);
}

TEST(Grid, KernelTapsSumToOne) {
  XY c = geo::to_web_mercator(XY{121.47, 31.215});
  BBox box;
  box.expand(c);
  GridSpec g = GridSpec::covering(box, 4, 300);
  for (Kernel k : {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Gaussian}) {
    KernelTaps t = kernel_taps(g, {k, 30, 1});
    EXPECT_NEAR(std::accumulate(t.taps.begin(), t.taps.end(), 0.0), 1.0, 1e-12) << kernel_name(k);
    EXPECT_EQ(t.hx, k == Kernel::Gaussian ? 30 : 7);  // 4σ = 120 m or r = 30 m over 4 m cells
    EXPECT_GT(t.at(0, 0), t.at(1, 0));
    EXPECT_DOUBLE_EQ(t.at(3, 2), t.at(-3, -2));
  }
  // A radius under half a cell: all of the weight stays in the point's cell.
  KernelTaps tiny = kernel_taps(g, {Kernel::Quartic, 1, 1});
  EXPECT_EQ(tiny.hx, 0);
  EXPECT_DOUBLE_EQ(tiny.at(0, 0), 1.0);
}

}  // namespace
}  // namespace sitmap::analysis
