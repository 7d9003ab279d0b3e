#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"

using namespace sitmap;
using namespace sitmap::geo;

TEST(Proj, WebMercatorMatchesTheClosedFormAndRoundTrips) {
  XY m = to_web_mercator({121.475, 31.218});
  const double R = 6378137.0;
  EXPECT_NEAR(m.x, R * 121.475 * M_PI / 180, 1e-6);
  EXPECT_NEAR(m.y, R * std::log(std::tan(M_PI / 4 + 31.218 * M_PI / 360)), 1e-6);
  XY back = from_web_mercator(m);
  EXPECT_NEAR(back.x, 121.475, 1e-10);
  EXPECT_NEAR(back.y, 31.218, 1e-10);
}

TEST(Proj, CgcsGaussKrugerZoneRoundTripsWithLonFirstAxes) {
  Transformer t("EPSG:4326", "EPSG:4549");  // CGCS2000 / 3-degree Gauss-Kruger CM 120E
  XY p = t.forward({121.475, 31.218});
  EXPECT_NEAR(p.x, 640000, 20000);    // easting: about 140 km east of 120E plus the 500 km false easting
  EXPECT_NEAR(p.y, 3455000, 20000);   // northing
  XY back = t.inverse(p);
  EXPECT_NEAR(back.x, 121.475, 1e-9);
  EXPECT_NEAR(back.y, 31.218, 1e-9);
}

TEST(Proj, UnknownCrsNamesTheCrs) {
  try {
    Transformer t("EPSG:999999", "EPSG:4326");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("EPSG:999999"), std::string::npos);
  }
  EXPECT_EQ(crs_identify_epsg("EPSG:32651"), "EPSG:32651");
}

TEST(Geos, ValidityRepairAndOverlay) {
  Geometry bowtie = Geometry::polygon(Polygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}});
  EXPECT_NE(invalid_reason(bowtie), "");
  Geometry fixed = make_valid(bowtie);
  EXPECT_EQ(invalid_reason(fixed), "");
  EXPECT_NEAR(area(fixed), 2.0, 1e-12);
  Geometry a = Geometry::polygon(Polygon{{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}});
  Geometry b = Geometry::polygon(Polygon{{{{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}}});
  EXPECT_NEAR(area(intersection(a, b)), 1.0, 1e-12);
  EXPECT_NEAR(area(difference(a, b)), 3.0, 1e-12);
  std::vector<Geometry> parts = {a, b};
  EXPECT_NEAR(area(union_all(parts)), 7.0, 1e-12);
  XY c = centroid(a);
  EXPECT_NEAR(c.x, 1.0, 1e-12);
  PreparedGeometry prepared(a);
  EXPECT_TRUE(prepared.contains({1, 1}));
  EXPECT_FALSE(prepared.contains({2, 1}));  // on the boundary: not contained
  EXPECT_TRUE(prepared.covers({2, 1}));
  EXPECT_FALSE(prepared.covers({2.5, 1}));
}
