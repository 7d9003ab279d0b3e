#include "sitmap/render/tessellate.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sitmap;
using namespace sitmap::render;

namespace {

double triangles_area(const Triangles& t) {
  double a = 0;
  for (size_t i = 0; i + 2 < t.indices.size(); i += 3) {
    XY p = t.vertices[t.indices[i]], q = t.vertices[t.indices[i + 1]], r = t.vertices[t.indices[i + 2]];
    a += ((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)) / 2;
  }
  return a;
}

bool all_ccw(const Triangles& t) {
  for (size_t i = 0; i + 2 < t.indices.size(); i += 3) {
    XY p = t.vertices[t.indices[i]], q = t.vertices[t.indices[i + 1]], r = t.vertices[t.indices[i + 2]];
    if ((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x) <= 0) return false;
  }
  return true;
}

double ring_area(const Ring& r) { return std::abs(signed_area(r)); }

Ring square(double x0, double y0, double x1, double y1, bool ccw = true) {
  Ring r{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
  if (!ccw) std::reverse(r.begin(), r.end());
  return r;
}

// Centroid of each triangle lies outside every hole.
bool nothing_in_holes(const Triangles& t, const std::vector<Ring>& rings) {
  for (size_t i = 0; i + 2 < t.indices.size(); i += 3) {
    XY c{(t.vertices[t.indices[i]].x + t.vertices[t.indices[i + 1]].x + t.vertices[t.indices[i + 2]].x) / 3,
         (t.vertices[t.indices[i]].y + t.vertices[t.indices[i + 1]].y + t.vertices[t.indices[i + 2]].y) / 3};
    for (size_t h = 1; h < rings.size(); ++h) {
      BBox b;
      for (XY p : rings[h]) b.expand(p);
      if (c.x > b.minx && c.x < b.maxx && c.y > b.miny && c.y < b.maxy) return false;
    }
  }
  return true;
}

}  // namespace

TEST(Tessellate, SquareInEitherOrientation) {
  for (bool ccw : {true, false}) {
    Triangles t;
    tessellate({square(0, 0, 10, 10, ccw)}, t);
    EXPECT_EQ(t.indices.size(), 6u);
    EXPECT_NEAR(triangles_area(t), 100, 1e-9);
    EXPECT_TRUE(all_ccw(t));
  }
}

TEST(Tessellate, ConcaveCombKeepsItsArea) {
  // A comb with five teeth: many reflex vertices.
  Ring comb{{0, 0}, {50, 0}, {50, 10}};
  for (int i = 4; i >= 0; --i) {
    double x = i * 10;
    comb.insert(comb.end(), {{x + 8, 10}, {x + 8, 30}, {x + 2, 30}, {x + 2, 10}});
  }
  comb.push_back({0, 10});
  Triangles t;
  tessellate({comb}, t);
  EXPECT_NEAR(triangles_area(t), ring_area(comb), 1e-9);
  EXPECT_TRUE(all_ccw(t));
  // At most n - 2 triangles: collinear runs left by clipped teeth add none.
  EXPECT_LE(t.indices.size() / 3, comb.size() - 2);
}

TEST(Tessellate, HoleIsLeftOpen) {
  std::vector<Ring> rings{square(0, 0, 10, 10), square(3, 3, 6, 6, true)};  // hole given counter-clockwise
  Triangles t;
  tessellate(rings, t);
  EXPECT_NEAR(triangles_area(t), 100 - 9, 1e-9);
  EXPECT_TRUE(all_ccw(t));
  EXPECT_TRUE(nothing_in_holes(t, rings));
}

TEST(Tessellate, SeveralHoles) {
  std::vector<Ring> rings{square(0, 0, 20, 10), square(2, 2, 4, 4, false), square(8, 3, 12, 7, false),
                          square(15, 1, 18, 9, false)};
  Triangles t;
  tessellate(rings, t);
  EXPECT_NEAR(triangles_area(t), 200 - 4 - 16 - 24, 1e-9);
  EXPECT_TRUE(nothing_in_holes(t, rings));
}

TEST(Tessellate, HoleTouchingTheShellVertexRow) {
  // The hole's rightmost vertex is level with a shell vertex: the bridge must still be valid.
  std::vector<Ring> rings{{{0, 0}, {10, 0}, {10, 5}, {12, 5}, {12, 10}, {0, 10}, {0, 0}}, square(4, 4, 6, 5, false)};
  Triangles t;
  tessellate(rings, t);
  EXPECT_NEAR(triangles_area(t), ring_area(rings[0]) - 2, 1e-9);
}

TEST(Tessellate, DegenerateRingsAddNothing) {
  Triangles t;
  tessellate({}, t);
  tessellate({Ring{}}, t);
  tessellate({Ring{{1, 1}, {1, 1}, {1, 1}}}, t);                  // one repeated point
  tessellate({Ring{{0, 0}, {5, 5}, {0, 0}}}, t);                  // two points
  tessellate({Ring{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {0, 0}}}, t);  // collinear
  EXPECT_TRUE(t.indices.empty());
}

TEST(Tessellate, RepeatedPointsCollinearRunsAndDegenerateHoles) {
  Ring shell{{0, 0}, {5, 0}, {5, 0}, {10, 0}, {10, 10}, {10, 10}, {5, 10}, {0, 10}, {0, 0}};
  Ring flat_hole{{2, 2}, {3, 3}, {4, 4}, {2, 2}};  // zero area: ignored
  Triangles t;
  tessellate({shell, flat_hole}, t);
  EXPECT_NEAR(triangles_area(t), 100, 1e-9);
  EXPECT_TRUE(all_ccw(t));
}

TEST(Tessellate, NonFiniteCoordinatesAreDropped) {
  Ring shell{{0, 0}, {10, 0}, {NAN, 3}, {10, 10}, {0, 10}, {0, 0}};
  Triangles t;
  tessellate({shell}, t);
  EXPECT_NEAR(triangles_area(t), 100, 1e-9);
}

TEST(Tessellate, AppendsWithIndexOffsets) {
  Triangles t;
  tessellate({square(0, 0, 1, 1)}, t);
  tessellate({square(5, 5, 7, 7)}, t);
  EXPECT_EQ(t.indices.size(), 12u);
  EXPECT_NEAR(triangles_area(t), 1 + 4, 1e-9);
  for (uint32_t i : t.indices) EXPECT_LT(i, t.vertices.size());
}

TEST(Tessellate, SelfTouchingRingTerminatesAndCoversMostOfIt) {
  // A bow-tie (self-intersecting): bad input must end without hanging or indexing out of range.
  Ring bow{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}};
  Triangles t;
  tessellate({bow}, t);
  for (uint32_t i : t.indices) EXPECT_LT(i, t.vertices.size());
  EXPECT_LE(t.indices.size(), 6u);
}

TEST(Tessellate, ManyVerticesCircleWithHole) {
  Ring outer, inner;
  for (int i = 0; i <= 360; ++i) {
    double a = i * M_PI / 180;
    outer.push_back({100 * std::cos(a), 100 * std::sin(a)});
    inner.push_back({40 * std::cos(-a), 40 * std::sin(-a)});
  }
  Triangles t;
  tessellate({outer, inner}, t);
  EXPECT_NEAR(triangles_area(t), ring_area(outer) - ring_area(inner), 1e-6);
  EXPECT_TRUE(all_ccw(t));
}
