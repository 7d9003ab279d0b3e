#include "sitmap/analysis/cluster.hpp"

#include <gtest/gtest.h>

#include "sitmap/analysis/knox.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"

namespace sitmap::analysis {
namespace {

// Two groups and strays, eps 10 m, min_points 4 (a point counts itself):
//   A: a 3 × 3 lattice at 5 m spacing around (0, 0): every point has ≥ 4 within 10 m → one cluster of 9.
//   B: four corners of a 6 m square at (100, 0) plus (115, 6), 9 m east of the corner (106, 6) and farther
//      than 10 m from the others, so it has only 2 within 10 m itself: a border point → one cluster of 5.
//      Counts within 10 m (itself included): corners 4, (106, 6) 5.
//   Strays at (50, 50) and (200, 200) → noise.
TEST(Dbscan, FindsTheConstructedClustersAndNoise) {
  std::vector<XY> pts;
  for (int j = -1; j <= 1; ++j)
    for (int i = -1; i <= 1; ++i) pts.push_back({i * 5.0, j * 5.0});
  pts.insert(pts.end(), {{100, 0}, {106, 0}, {106, 6}, {100, 6}, {115, 6}, {50, 50}, {200, 200}});
  auto r = dbscan(pts, 10, 4);
  ASSERT_EQ(r.clusters.size(), 2u);
  EXPECT_EQ(r.clusters[0].count, 9);
  EXPECT_EQ(r.clusters[1].count, 5);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(r.labels[i], 0);
  for (int i = 9; i < 14; ++i) EXPECT_EQ(r.labels[i], 1);
  EXPECT_EQ(r.labels[14], -1);
  EXPECT_EQ(r.labels[15], -1);
  EXPECT_NEAR(r.clusters[0].centroid.x, 0, 1e-12);
  // Hull of A: the lattice's four corners, counter-clockwise, closed.
  auto& hull = r.clusters[0].hull;
  ASSERT_EQ(hull.size(), 5u);
  EXPECT_EQ(hull.front(), hull.back());
  EXPECT_EQ(hull[0], (XY{-5, -5}));
  EXPECT_EQ(hull[1], (XY{5, -5}));
  EXPECT_EQ(hull[2], (XY{5, 5}));
  EXPECT_EQ(hull[3], (XY{-5, 5}));
  EXPECT_EQ(r.clusters[1].hull.size(), 5u);  // (100,0) (106,0) (115,6) (100,6): (106,6) lies on an edge
  // With min_points 6 no point of B is core (at most 5), while every point of A still is (a corner of the
  // lattice has 2 at 5 m, 1 at 7.07 m and 2 at exactly 10 m: 6 with itself).
  auto strict = dbscan(pts, 10, 6);
  ASSERT_EQ(strict.clusters.size(), 1u);
  EXPECT_EQ(strict.clusters[0].count, 9);
  for (int i = 9; i < 14; ++i) EXPECT_EQ(strict.labels[i], -1);
  EXPECT_THROW(dbscan(pts, 0, 4), Error);
  EXPECT_THROW(dbscan(pts, 10, 0), Error);
}

TEST(ConvexHull, DegenerateInputs) {
  EXPECT_TRUE(convex_hull({}).empty());
  EXPECT_EQ(convex_hull({{1, 1}, {1, 1}}).size(), 2u);  // one point, closed
  auto line = convex_hull({{0, 0}, {1, 1}, {2, 2}});
  EXPECT_EQ(line.size(), 3u);  // the two ends, closed
}

// Ten pairs of incidents at one place within the same day, pairs 1 km and 30 days apart from each other:
// with bands 0-50 m and 0-2 days, exactly the 10 pairs are close in both. Shuffling the times over the
// places almost never reunites them, so the p-value is the smallest possible.
TEST(Knox, DetectsConstructedNearRepeats) {
  std::vector<XY> pts;
  std::vector<int64_t> times;
  for (int k = 0; k < 10; ++k) {
    pts.push_back({k * 1000.0, 0});
    pts.push_back({k * 1000.0 + 20, 0});
    times.push_back(k * 30 * 86400);
    times.push_back(k * 30 * 86400 + 3600);
  }
  KnoxOptions o;
  o.space_bands = {50, 2000};
  o.time_bands = {2 * 86400};
  o.permutations = 199;
  o.seed = 7;
  auto r = knox_test(pts, times, o);
  EXPECT_EQ(r.observed[r.index(0, 0)], 10);
  EXPECT_EQ(r.observed[r.index(1, 0)], 0);  // pairs 1-2 km apart are 30 days apart or more
  EXPECT_LT(r.expected[r.index(0, 0)], 1.5);
  EXPECT_GT(r.ratio[r.index(0, 0)], 6);
  EXPECT_DOUBLE_EQ(r.p[r.index(0, 0)], 1.0 / 200);
  EXPECT_DOUBLE_EQ(r.p[r.index(1, 0)], 1.0);  // 0 observed: every permutation has at least as many
  // Seeded: the same run gives the same numbers, whatever the threads.
  o.threads = 1;
  auto again = knox_test(pts, times, o);
  EXPECT_EQ(again.expected, r.expected);
  EXPECT_EQ(again.p, r.p);
}

TEST(Knox, NoInteractionWhenTimesAreIndependentOfPlace) {
  Random rng(9);
  std::vector<XY> pts;
  std::vector<int64_t> times;
  for (int k = 0; k < 600; ++k) {
    pts.push_back({rng.uniform(0, 2000), rng.uniform(0, 2000)});
    times.push_back(static_cast<int64_t>(rng.uniform(0, 365 * 86400.0)));
  }
  KnoxOptions o;
  o.space_bands = {100};
  o.time_bands = {14 * 86400};
  o.permutations = 99;
  auto r = knox_test(pts, times, o);
  EXPECT_GT(r.p[0], 0.01);
  EXPECT_NEAR(r.ratio[0], 1.0, 0.5);
  o.space_bands = {100, 50};
  EXPECT_THROW(knox_test(pts, times, o), Error);
}

}  // namespace
}  // namespace sitmap::analysis
