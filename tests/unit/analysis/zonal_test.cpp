#include "sitmap/analysis/zonal.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::analysis {
namespace {

Geometry square(double x0, double y0, double x1, double y1) {
  return Geometry::polygon({{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}});
}

TEST(PolygonLocator, SharedEdgesCountOnceAndHolesAreOutside) {
  Geometry with_hole = square(0, 0, 10, 10);
  with_hole.polygons[0].rings.push_back({{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}});
  Geometry multi;
  multi.type = GeomType::MultiPolygon;
  multi.polygons = {square(20, 0, 25, 5).polygons[0], square(20, 7, 25, 10).polygons[0]};
  std::vector<Geometry> polys = {with_hole, square(10, 0, 20, 10), multi};
  PolygonLocator loc(polys);
  EXPECT_EQ(loc.locate({2, 2}), 0);
  EXPECT_EQ(loc.locate({5, 5}), -1);  // in the hole
  EXPECT_EQ(loc.locate({15, 5}), 1);
  EXPECT_EQ(loc.locate({22, 2}), 2);
  EXPECT_EQ(loc.locate({22, 8}), 2);
  EXPECT_EQ(loc.locate({22, 6}), -1);  // between the parts
  EXPECT_EQ(loc.locate({-1, 5}), -1);
  // On the edge x = 10 shared by blocks 0 and 1: exactly one of them.
  for (double y : {0.5, 3.0, 9.5}) {
    int a = loc.locate({10, y});
    EXPECT_TRUE(a == 0 || a == 1) << y;
  }
  auto all = loc.locate_all(std::vector<double>{2, 15, 5}, std::vector<double>{2, 5, 5});
  EXPECT_EQ(all, (std::vector<int32_t>{0, 1, -1}));
  EXPECT_EQ(count_per_unit(all, 3), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(count_per_unit(all, 3, std::vector<uint32_t>{1}), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(count_per_unit(all, 3, std::vector<uint32_t>{}), (std::vector<int64_t>{0, 0, 0}));
}

// Jittered quadrilaterals tiling a lon/lat box (like the demo's grid blocks) and random points: every point
// is assigned where GEOS's prepared "contains" puts it.
TEST(PolygonLocator, AgreesWithGeosOnRandomPoints) {
  Random rng(3);
  const int nx = 12, ny = 6;
  const double lon0 = 121.455, lon1 = 121.485, lat0 = 31.205, lat1 = 31.228;
  std::vector<std::vector<XY>> v(ny + 1, std::vector<XY>(nx + 1));
  for (int j = 0; j <= ny; ++j)
    for (int i = 0; i <= nx; ++i) {
      double dx = (i == 0 || i == nx) ? 0 : rng.uniform(-0.3, 0.3) * (lon1 - lon0) / nx;
      double dy = (j == 0 || j == ny) ? 0 : rng.uniform(-0.3, 0.3) * (lat1 - lat0) / ny;
      v[j][i] = {lon0 + (lon1 - lon0) * i / nx + dx, lat0 + (lat1 - lat0) * j / ny + dy};
    }
  std::vector<Geometry> blocks;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i)
      blocks.push_back(Geometry::polygon({{{v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i], v[j][i]}}}));
  std::vector<geo::PreparedGeometry> prepared;
  for (auto& b : blocks) prepared.emplace_back(b);
  PolygonLocator loc(blocks);
  std::vector<double> x, y;
  for (int k = 0; k < 20000; ++k) {
    x.push_back(rng.uniform(lon0 - 0.002, lon1 + 0.002));
    y.push_back(rng.uniform(lat0 - 0.002, lat1 + 0.002));
  }
  auto mine = loc.locate_all(x, y, 2);
  int inside = 0;
  for (size_t k = 0; k < x.size(); ++k) {
    int geos = -1;
    for (size_t b = 0; b < prepared.size(); ++b)
      if (prepared[b].contains({x[k], y[k]})) {
        geos = static_cast<int>(b);
        break;
      }
    ASSERT_EQ(mine[k], geos) << k;
    inside += geos >= 0;
  }
  EXPECT_GT(inside, 15000);
}

TEST(Rates, PerHundredHouseholds) {
  auto r = rate_per_100_households(std::vector<int64_t>{5, 3, 0}, std::vector<double>{250, 0, 100});
  EXPECT_DOUBLE_EQ(r[0], 2.0);
  EXPECT_TRUE(std::isnan(r[1]));
  EXPECT_DOUBLE_EQ(r[2], 0.0);
  EXPECT_THROW(rate_per_100_households(std::vector<int64_t>{1}, std::vector<double>{}), Error);
}

TEST(PolygonLocator, RejectsNonPolygons) {
  std::vector<Geometry> g = {square(0, 0, 1, 1), Geometry::point({0, 0})};
  try {
    PolygonLocator loc(g);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("feature 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sitmap::analysis
