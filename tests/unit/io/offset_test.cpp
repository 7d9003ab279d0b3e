#include "sitmap/io/offset.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sitmap;
using namespace sitmap::io;

namespace {

double metres_between(XY a, XY b) {
  double k = std::cos((a.y + b.y) / 2 * M_PI / 180);
  return std::hypot((a.x - b.x) * 111320.0 * k, (a.y - b.y) * 110574.0);
}

// Published pairs (lon, lat): eviltransform's tests (github.com/googollee/eviltransform) and coordtransform's
// (github.com/wandergis/coordtransform), both implementing the public GCJ-02 formula.
struct Pair {
  XY wgs, gcj;
};
const Pair kGcjPairs[] = {
    {{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}},  // Shanghai
    {{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}},  // Shenzhen
    {{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}},  // Beijing
    {{116.404, 39.915}, {116.41024449916938, 39.91640428150164}},        // coordtransform
};

TEST(Offset, Gcj02ForwardMatchesPublishedPairs) {
  for (auto& p : kGcjPairs) EXPECT_LT(metres_between(wgs84_to_gcj02(p.wgs), p.gcj), 0.05) << p.wgs.x;
}

TEST(Offset, Gcj02InverseRecoversPublishedWgs84) {
  for (auto& p : kGcjPairs) EXPECT_LT(metres_between(gcj02_to_wgs84(p.gcj), p.wgs), 0.5) << p.gcj.x;
}

TEST(Offset, Bd09MatchesPublishedPairs) {
  // coordtransform: gcj02tobd09(116.404, 39.915) and bd09togcj02(116.404, 39.915).
  EXPECT_LT(metres_between(gcj02_to_bd09({116.404, 39.915}), {116.41036949371029, 39.92133699351021}), 0.05);
  EXPECT_LT(metres_between(bd09_to_gcj02({116.404, 39.915}), {116.39762729119315, 39.90865673957631}), 0.05);
}

TEST(Offset, InverseRoundTripsAcrossShanghaiToUnderHalfAMetre) {
  double worst_gcj = 0, worst_bd = 0;
  for (double lon = 120.9; lon <= 122.1; lon += 0.0731)
    for (double lat = 30.7; lat <= 31.9; lat += 0.0677) {
      XY w{lon, lat};
      XY g = wgs84_to_gcj02(w);
      XY b = wgs84_to_bd09(w);
      EXPECT_GT(metres_between(g, w), 100.0);  // the shift is real (hundreds of metres)
      worst_gcj = std::max(worst_gcj, metres_between(gcj02_to_wgs84(g), w));
      worst_bd = std::max(worst_bd, metres_between(bd09_to_wgs84(b), w));
    }
  EXPECT_LT(worst_gcj, 0.5);
  EXPECT_LT(worst_bd, 0.5);
}

TEST(Offset, NoShiftOutsideChina) {
  XY paris{2.35, 48.85};
  EXPECT_EQ(wgs84_to_gcj02(paris), paris);
  EXPECT_EQ(bd09_to_wgs84(paris), paris);
}

TEST(Offset, GeometryAndNames) {
  Geometry g = Geometry::line({{121.47, 31.22}, {121.48, 31.23}});
  Geometry shifted = g;
  apply_offset(MapOffset::Gcj02, shifted);
  EXPECT_EQ(shifted.lines[0][1], wgs84_to_gcj02({121.48, 31.23}));
  remove_offset(MapOffset::Gcj02, shifted);
  EXPECT_LT(metres_between(shifted.lines[0][0], g.lines[0][0]), 0.5);
  EXPECT_EQ(parse_map_offset("BD09"), MapOffset::Bd09);
  EXPECT_EQ(parse_map_offset("gcj02"), MapOffset::Gcj02);
  EXPECT_FALSE(parse_map_offset("mars").has_value());
}

}  // namespace
