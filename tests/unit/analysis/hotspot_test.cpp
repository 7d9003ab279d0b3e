#include "sitmap/analysis/hotspot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::analysis {
namespace {

std::vector<uint32_t> neighbours_of(const SpatialWeights& w, size_t i) {
  std::vector<uint32_t> n(w.neighbours.begin() + w.offsets[i], w.neighbours.begin() + w.offsets[i + 1]);
  std::sort(n.begin(), n.end());
  return n;
}

// Five units 100 m apart on a line, values x = 6, 4, 2, 0, 0; distance band 100 m, so each unit's
// neighbourhood is itself and the units next to it (binary weights).
//   n = 5, x̄ = 12 / 5 = 2.4, Σx² = 36 + 16 + 4 = 56, S = √(56/5 − 2.4²) = √5.44 = 2.332381
//   unit 0: {0,1}     Σw = 2, Σw² = 2, Σwx = 10; var term (5·2 − 2²)/4 = 1.5
//           z = (10 − 2.4·2) / (2.332381 · √1.5) = 5.2 / 2.856571 = 1.820364, p = 0.068704 → hot_90
//   unit 1: {0,1,2}   Σw = 3, Σw² = 3, Σwx = 12; (5·3 − 9)/4 = 1.5; z = (12 − 7.2) / 2.856571 = 1.680336, p = 0.092892
//   unit 2: {1,2,3}   Σwx = 6;  z = (6 − 7.2) / 2.856571 = −0.420084, p = 0.674424 → not significant
//   unit 3: {2,3,4}   Σwx = 2;  z = (2 − 7.2) / 2.856571 = −1.820364 → cold_90
//   unit 4: {3,4}     Σwx = 0;  z = (0 − 4.8) / 2.856571 = −1.680336 → cold_90
TEST(GiStar, MatchesTheValuesWorkedByHand) {
  std::vector<XY> pts = {{0, 0}, {100, 0}, {200, 0}, {300, 0}, {400, 0}};
  std::vector<double> x = {6, 4, 2, 0, 0};
  auto w = distance_weights(pts, 100);
  EXPECT_EQ(neighbours_of(w, 0), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(neighbours_of(w, 2), (std::vector<uint32_t>{1, 2, 3}));
  auto gi = getis_ord_gi_star(x, w);
  const double z[] = {1.820364, 1.680336, -0.420084, -1.820364, -1.680336};
  const double p[] = {0.068704, 0.092892, 0.674424, 0.068704, 0.092892};
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(gi[i].z, z[i], 1e-6) << i;
    EXPECT_NEAR(gi[i].p, p[i], 1e-6) << i;
  }
  auto cls = classify_hotspots(gi, false);
  EXPECT_STREQ(hotspot_class_name(cls[0]), "hot_90");
  EXPECT_STREQ(hotspot_class_name(cls[1]), "hot_90");
  EXPECT_STREQ(hotspot_class_name(cls[2]), "not_significant");
  EXPECT_STREQ(hotspot_class_name(cls[3]), "cold_90");
  EXPECT_STREQ(hotspot_class_name(cls[4]), "cold_90");
  EXPECT_EQ(hotspot_bin(cls[0]), 1);
  EXPECT_EQ(hotspot_bin(cls[4]), -1);
}

// The straightforward definition: dense n × n binary weights by brute force, then the formula term by term.
std::vector<double> brute_gi(const std::vector<XY>& pts, const std::vector<double>& x, int k, double band) {
  size_t n = pts.size();
  std::vector<std::vector<double>> w(n, std::vector<double>(n, 0));
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, size_t>> d;
    for (size_t j = 0; j < n; ++j)
      if (j != i) d.emplace_back(std::hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y), j);
    std::sort(d.begin(), d.end());
    w[i][i] = 1;
    for (size_t m = 0; m < d.size(); ++m)
      if (k > 0 ? m < static_cast<size_t>(k) : d[m].first <= band) w[i][d[m].second] = 1;
  }
  double mean = std::accumulate(x.begin(), x.end(), 0.0) / n, ss = 0;
  for (double v : x) ss += v * v;
  double s = std::sqrt(ss / n - mean * mean);
  std::vector<double> z(n);
  for (size_t i = 0; i < n; ++i) {
    double a = 0, b = 0, c = 0;
    for (size_t j = 0; j < n; ++j) {
      a += w[i][j] * x[j];
      b += w[i][j];
      c += w[i][j] * w[i][j];
    }
    z[i] = (a - mean * b) / (s * std::sqrt((n * c - b * b) / (n - 1)));
  }
  return z;
}

TEST(GiStar, AgreesWithABruteForceImplementationOnRandomData) {
  Random rng(42);
  std::vector<XY> pts;
  std::vector<double> x;
  for (int i = 0; i < 400; ++i) {
    pts.push_back({rng.uniform(0, 3000), rng.uniform(0, 2500)});
    x.push_back(static_cast<double>(rng.integer(0, 30)) + (pts.back().x < 800 ? 20 : 0));
  }
  for (int k : {1, 8, 20}) {
    auto gi = getis_ord_gi_star(x, knn_weights(pts, k));
    auto ref = brute_gi(pts, x, k, 0);
    for (size_t i = 0; i < pts.size(); ++i) ASSERT_NEAR(gi[i].z, ref[i], 1e-9) << "k " << k << " unit " << i;
  }
  for (double band : {150.0, 400.0}) {
    auto gi = getis_ord_gi_star(x, distance_weights(pts, band));
    auto ref = brute_gi(pts, x, 0, band);
    for (size_t i = 0; i < pts.size(); ++i) ASSERT_NEAR(gi[i].z, ref[i], 1e-9) << "band " << band << " unit " << i;
  }
  // The planted high values in the west make hot spots there and none in the east.
  auto cls = classify_hotspots(getis_ord_gi_star(x, knn_weights(pts, 8)), true);
  int hot_west = 0, hot_east = 0;
  for (size_t i = 0; i < pts.size(); ++i)
    if (cls[i] <= HotspotClass::Hot90) (pts[i].x < 800 ? hot_west : hot_east)++;
  EXPECT_GT(hot_west, 50);
  EXPECT_EQ(hot_east, 0);
}

TEST(SpatialWeights, EightNearestOnARegularGridAreTheSurroundingCells) {
  std::vector<XY> pts;
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) pts.push_back({c * 50.0, r * 50.0});
  auto w = knn_weights(pts, 8);
  EXPECT_EQ(neighbours_of(w, 5 * 10 + 5), (std::vector<uint32_t>{44, 45, 46, 54, 55, 56, 64, 65, 66}));
  // A corner has 3 cells at distance ≤ √2·50 and then ties at 100 m: broken by the lower index.
  EXPECT_EQ(neighbours_of(w, 0), (std::vector<uint32_t>{0, 1, 2, 10, 11, 12, 20, 21, 22}));
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(w.offsets[i + 1] - w.offsets[i], 9u);
  EXPECT_EQ(knn_weights(pts, 500).offsets[1], 100u);  // k larger than n − 1: everything
  EXPECT_THROW(knn_weights(pts, 0), Error);
  EXPECT_THROW(distance_weights(pts, 0), Error);
}

TEST(Fdr, BenjaminiHochbergAdjustedPValues) {
  // Sorted p: 0.005 (rank 1) → 4·0.005/1 = 0.02; 0.01 (2) → 0.02; 0.03 (3) → 0.04; 0.04 (4) → 0.04;
  // then the running minimum from the largest rank down.
  auto q = benjamini_hochberg(std::vector<double>{0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NEAR(q[0], 0.02, 1e-12);
  EXPECT_NEAR(q[1], 0.04, 1e-12);
  EXPECT_NEAR(q[2], 0.04, 1e-12);
  EXPECT_NEAR(q[3], 0.02, 1e-12);
  auto capped = benjamini_hochberg(std::vector<double>{0.9, 0.8});
  EXPECT_NEAR(capped[0], 0.9, 1e-12);  // 2·0.8/1 = 1.6 capped by the running minimum from 0.9
  EXPECT_NEAR(capped[1], 0.9, 1e-12);
}

TEST(Fdr, CorrectionDemotesClassesAsArcGisDoes) {
  // p = 0.009 alone among large p-values: 99 % without correction, q = 5 · 0.009 = 0.045 → 95 % with it.
  std::vector<GiStar> gi = {{2.61, 0.009}, {0.67, 0.5}, {-0.52, 0.6}, {0.38, 0.7}, {-2.0, 0.045}};
  auto raw = classify_hotspots(gi, false);
  auto fdr = classify_hotspots(gi, true);
  EXPECT_EQ(raw[0], HotspotClass::Hot99);
  EXPECT_EQ(fdr[0], HotspotClass::Hot95);
  EXPECT_EQ(raw[4], HotspotClass::Cold95);
  EXPECT_EQ(fdr[4], HotspotClass::NotSignificant);  // rank 2: q = 5 · 0.045 / 2 = 0.1125 > 0.10
  EXPECT_EQ(fdr[1], HotspotClass::NotSignificant);
}

TEST(GiStar, DegenerateInputs) {
  std::vector<XY> pts = {{0, 0}, {1, 0}, {2, 0}, {3, 0}};
  auto w = knn_weights(pts, 1);
  auto flat = getis_ord_gi_star(std::vector<double>{3, 3, 3, 3}, w);
  for (auto g : flat) {
    EXPECT_EQ(g.z, 0);
    EXPECT_EQ(g.p, 1);
  }
  EXPECT_THROW(getis_ord_gi_star(std::vector<double>{1, 2}, knn_weights(std::vector<XY>{{0, 0}, {1, 0}}, 1)), Error);
  EXPECT_THROW(getis_ord_gi_star(std::vector<double>{1, 2, 3}, w), Error);  // 4 weight rows, 3 values
  EXPECT_THROW(getis_ord_gi_star(std::vector<double>{1, std::nan(""), 3, 4}, w), Error);
  // Everyone neighbours everyone: no contrast, z = 0.
  auto all = getis_ord_gi_star(std::vector<double>{1, 5, 2, 8}, knn_weights(pts, 3));
  for (auto g : all) EXPECT_EQ(g.z, 0);
}

// The hand-worked line of five units (above) as Web Mercator centres on the equator, where a Mercator metre is a
// ground metre, plus a sixth unit without households: with rates it has no value and stays out.
TEST(HotspotTable, RatesLeaveUnitsWithoutAValueOutAsNoData) {
  HotspotUnits u;
  u.ids = {11, 12, 13, 14, 15, 16};
  u.centres = {{0, 0}, {100, 0}, {200, 0}, {300, 0}, {400, 0}, {150, 0}};
  u.counts = {60, 40, 20, 0, 0, 9};
  u.rates = {6, 4, 2, 0, 0, std::nan("")};
  HotspotOptions o;
  o.knn = 0;
  o.distance = 100;
  o.use_rate = true;
  auto rows = hotspot_table(u, o);
  ASSERT_EQ(rows.size(), 6u);
  const double z[] = {1.820364, 1.680336, -0.420084, -1.820364, -1.680336};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rows[i].id, u.ids[i]);
    EXPECT_EQ(rows[i].count, u.counts[i]);
    EXPECT_EQ(rows[i].rate, u.rates[i]);
    EXPECT_NEAR(rows[i].z, z[i], 1e-6) << i;
    ASSERT_TRUE(rows[i].cls.has_value()) << i;
  }
  EXPECT_EQ(*rows[0].cls, HotspotClass::Hot90);
  EXPECT_EQ(*rows[2].cls, HotspotClass::NotSignificant);
  EXPECT_EQ(*rows[3].cls, HotspotClass::Cold90);
  EXPECT_EQ(rows[5].id, 16);
  EXPECT_EQ(rows[5].count, 9);
  EXPECT_TRUE(std::isnan(rows[5].rate));
  EXPECT_TRUE(std::isnan(rows[5].z));
  EXPECT_TRUE(std::isnan(rows[5].p));
  EXPECT_FALSE(rows[5].cls.has_value());

  // By count the sixth unit has a value (9, between units 1 and 2): now every unit is classed.
  o.use_rate = false;
  rows = hotspot_table(u, o);
  for (const auto& r : rows) EXPECT_TRUE(r.cls.has_value() && std::isfinite(r.z)) << r.id;
}

// Counts in Shanghai with k nearest neighbours: z, p and classes are getis_ord_gi_star's and classify_hotspots'
// over the units' centres in ground metres.
TEST(HotspotTable, EqualsGiStarOnTheUnitsInGroundMetres) {
  Random rng(7);
  HotspotUnits u;
  XY origin = geo::to_web_mercator(XY{121.46, 31.21});
  for (int i = 0; i < 60; ++i) {
    u.ids.push_back(1000 + i);
    u.centres.push_back({origin.x + rng.uniform() * 2000, origin.y + rng.uniform() * 2000});
    u.counts.push_back(static_cast<int64_t>(rng.uniform() * 50) + (i % 7 == 0 ? 80 : 0));
    u.rates.push_back(std::nan(""));
  }
  for (bool fdr : {false, true}) {
    HotspotOptions o;
    o.knn = 6;
    o.fdr = fdr;
    auto rows = hotspot_table(u, o);
    std::vector<double> x, y, v;
    for (int i = 0; i < 60; ++i) {
      x.push_back(u.centres[i].x);
      y.push_back(u.centres[i].y);
      v.push_back(static_cast<double>(u.counts[i]));
    }
    auto [lo, hi] = std::minmax_element(y.begin(), y.end());
    double scale = geo::mercator_scale(geo::from_web_mercator({0, (*lo + *hi) / 2}).y);
    std::vector<XY> ground;
    for (int i = 0; i < 60; ++i) ground.push_back({x[i] * scale, y[i] * scale});
    auto gi = getis_ord_gi_star(v, knn_weights(ground, 6));
    auto cls = classify_hotspots(gi, fdr);
    for (int i = 0; i < 60; ++i) {
      EXPECT_NEAR(rows[i].z, gi[i].z, 1e-9) << i;
      EXPECT_NEAR(rows[i].p, gi[i].p, 1e-9) << i;
      EXPECT_EQ(rows[i].cls, cls[i]) << i;
    }
  }
}

TEST(HotspotTable, RefusesBadUnitsAndOptions) {
  HotspotUnits u;
  u.ids = {1, 2, 3};
  u.centres = {{0, 0}, {1, 0}, {2, 0}};
  u.counts = {1, 2, 3};
  u.rates = {1, 2};
  EXPECT_THROW(hotspot_table(u, {}), Error);  // 2 rates for 3 units
  u.rates = {std::nan(""), 2, 3};
  HotspotOptions o;
  o.knn = 1;
  EXPECT_NO_THROW(hotspot_table(u, o));
  o.use_rate = true;
  EXPECT_THROW(hotspot_table(u, o), Error);  // 2 units with a value: too few
  o.use_rate = false;
  o.knn = -1;
  EXPECT_THROW(hotspot_table(u, o), Error);
  o.knn = 0;
  EXPECT_THROW(hotspot_table(u, o), Error);  // neither k nor a distance
  o.distance = 1.5;
  EXPECT_NO_THROW(hotspot_table(u, o));
}

Geometry square(double x, double y, double d) {
  return Geometry::polygon({{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}});
}

TEST(BlockUnits, CountSelectedRowsAndRatesPerHousehold) {
  // Two blocks side by side in lon/lat; points inside the first, the second and neither.
  std::vector<Geometry> blocks = {square(121.46, 31.21, 0.01), square(121.47, 31.21, 0.01)};
  std::vector<int64_t> ids = {501, 502};
  std::vector<double> lon = {121.465, 121.475, 121.476, 121.50, 121.461};
  std::vector<double> lat = {31.215, 31.215, 31.219, 31.215, 31.211};
  auto all = locate_blocks(blocks, lon, lat);
  EXPECT_EQ(all, (std::vector<int32_t>{0, 1, 1, -1, 0}));
  std::vector<uint32_t> rows = {1, 3, 4};
  EXPECT_EQ(locate_blocks(blocks, lon, lat, rows), (std::vector<int32_t>{1, -1, 0}));
  std::vector<uint32_t> bad = {5};
  EXPECT_THROW(locate_blocks(blocks, lon, lat, bad), Error);

  std::vector<double> households = {200, std::nan("")};
  auto u = block_hotspot_units(ids, blocks, true, households, all);
  EXPECT_EQ(u.ids, ids);
  EXPECT_EQ(u.counts, (std::vector<int64_t>{2, 2}));
  EXPECT_DOUBLE_EQ(u.rates[0], 1.0);  // 2 per 200 households
  EXPECT_TRUE(std::isnan(u.rates[1]));
  XY c = geo::to_web_mercator({121.465, 31.215});
  EXPECT_NEAR(u.centres[0].x, c.x, 1e-6);
  EXPECT_NEAR(u.centres[0].y, c.y, 1);  // the lon/lat centroid, projected: within a metre of the middle
  u = block_hotspot_units(ids, blocks, true, {}, all, rows);
  EXPECT_EQ(u.counts, (std::vector<int64_t>{1, 1}));
  EXPECT_TRUE(std::isnan(u.rates[0]) && std::isnan(u.rates[1]));

  // Blocks already in Web Mercator keep their centroids as they are.
  std::vector<Geometry> merc = {square(1000, 2000, 100)};
  std::vector<int64_t> one = {7};
  std::vector<int32_t> none;
  u = block_hotspot_units(one, merc, false, {}, none);
  EXPECT_EQ(u.centres[0], (XY{1050, 2050}));
  EXPECT_EQ(u.counts, (std::vector<int64_t>{0}));
  EXPECT_THROW(block_hotspot_units(ids, merc, false, {}, none), Error);
  std::vector<double> three = {1, 2, 3};
  EXPECT_THROW(block_hotspot_units(ids, blocks, true, three, none), Error);
}

TEST(GridUnits, OnePerCellRowMajorFromTheNorth) {
  GridSpec g;
  g.minx = 0;
  g.maxy = 300;
  g.cell_x = g.cell_y = 100;
  g.nx = 3;
  g.ny = 2;
  std::vector<double> x = {50, 250, 260, 150, 999};
  std::vector<double> y = {250, 150, 110, 280, 150};
  std::vector<uint32_t> rows = {0, 1, 2, 4};  // row 3 is not selected; row 4 falls outside
  auto u = grid_hotspot_units(g, x, y, rows);
  EXPECT_EQ(u.ids, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(u.counts, (std::vector<int64_t>{1, 0, 0, 0, 0, 2}));
  EXPECT_EQ(u.centres[5], (XY{250, 150}));
  EXPECT_EQ(u.centres[1], (XY{150, 250}));
  for (double r : u.rates) EXPECT_TRUE(std::isnan(r));
  std::vector<uint32_t> bad = {9};
  EXPECT_THROW(grid_hotspot_units(g, x, y, bad), Error);
}

}  // namespace
}  // namespace sitmap::analysis
