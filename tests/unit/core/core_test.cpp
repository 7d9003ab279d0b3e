#include <gtest/gtest.h>

#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/core/wkb.hpp"

using namespace sitmap;

TEST(Wkb, RoundTripsEveryGeometryKind) {
  Polygon square{{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 1}}}};
  std::vector<Geometry> cases = {Geometry::point({121.47, 31.22}), Geometry::line({{0, 0}, {1, 2}, {3, 5}}),
                                 Geometry::polygon(square)};
  Geometry mp;
  mp.type = GeomType::MultiPoint;
  mp.points = {{1, 2}, {3, 4}};
  cases.push_back(mp);
  Geometry ml;
  ml.type = GeomType::MultiLineString;
  ml.lines = {{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 4}}};
  cases.push_back(ml);
  Geometry mpoly;
  mpoly.type = GeomType::MultiPolygon;
  mpoly.polygons = {square, square};
  cases.push_back(mpoly);
  for (auto& g : cases) {
    Geometry back = from_wkb(to_wkb(g));
    EXPECT_EQ(back.type, g.type);
    EXPECT_EQ(back.points, g.points);
    EXPECT_EQ(back.lines, g.lines);
    ASSERT_EQ(back.polygons.size(), g.polygons.size());
    for (size_t i = 0; i < g.polygons.size(); ++i) EXPECT_EQ(back.polygons[i].rings, g.polygons[i].rings);
  }
}

TEST(Wkb, ReadsBigEndianAndDropsZ) {
  // POINT Z (1 2 3), big-endian ISO WKB (type 1001).
  std::vector<uint8_t> wkb = {0, 0, 0, 0x03, 0xE9, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0,
                              0x40, 0x08, 0, 0, 0, 0, 0, 0};
  Geometry g = from_wkb(wkb);
  EXPECT_EQ(g.type, GeomType::Point);
  EXPECT_EQ(g.points.at(0), (XY{1, 2}));
}

TEST(Wkb, RejectsTruncatedAndUnknownInput) {
  auto wkb = to_wkb(Geometry::line({{0, 0}, {1, 1}}));
  wkb.resize(wkb.size() - 3);
  EXPECT_THROW(from_wkb(wkb), Error);
  std::vector<uint8_t> unknown = {1, 99, 0, 0, 0};
  EXPECT_THROW(from_wkb(unknown), Error);
  EXPECT_THROW(from_wkb(std::vector<uint8_t>{}), Error);
}

TEST(Time, ParsesAndFormatsIsoTimestamps) {
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:00"), 0);
  EXPECT_EQ(parse_iso_time("2026-11-28T16:40:05"), days_from_civil(2026, 11, 28) * 86400 + 16 * 3600 + 40 * 60 + 5);
  EXPECT_EQ(parse_iso_time("2026-11-28 16:40"), parse_iso_time("2026-11-28T16:40:00"));
  EXPECT_EQ(parse_iso_time("2026-11-28"), days_from_civil(2026, 11, 28) * 86400);
  EXPECT_EQ(format_iso_time(*parse_iso_time("2024-02-29T23:59:59")), "2024-02-29T23:59:59");
  EXPECT_EQ(format_iso_time(-1), "1969-12-31T23:59:59");
  for (const char* bad : {"", "2026", "2026-13-01", "2026-11-28T25:00", "28/11/2026", "2026-11-28X10:00"})
    EXPECT_FALSE(parse_iso_time(bad).has_value()) << bad;
}

TEST(Time, WeekdaysAndHalfOpenRanges) {
  EXPECT_EQ(weekday(*parse_iso_time("2026-11-30")), 0);  // a Monday
  EXPECT_EQ(weekday(*parse_iso_time("2026-11-29T23:59:59")), 6);
  EXPECT_EQ(hour_of_day(*parse_iso_time("2026-11-29T23:59:59")), 23);
  EXPECT_EQ(hour_of_day(*parse_iso_time("2026-11-30T00:00:00")), 0);
  EXPECT_EQ(hour_of_day(-1), 23);  // 1969-12-31T23:59:59: the hour of times before 1970 floors, not truncates
  EXPECT_EQ(weekday(-1), 2);       // a Wednesday
  for (int64_t day : {-719468LL, -1LL, 0LL, 11016LL, 20420LL, 2932896LL}) {  // 0000-03-01 .. 9999-12-31
    CivilDate c = civil_from_days(day);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), day) << day;
  }
  CivilDate leap = civil_from_days(days_from_civil(2024, 2, 29));
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  TimeRange r{100, 200};
  EXPECT_TRUE(r.contains(100));
  EXPECT_FALSE(r.contains(200));
}

TEST(Random, IsDeterministicAndInRange) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    double x = a.uniform();
    EXPECT_EQ(x, b.uniform());
    differs |= x != c.uniform();
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
    int64_t k = a.integer(3, 5);
    b.integer(3, 5);
    EXPECT_GE(k, 3);
    EXPECT_LE(k, 5);
  }
  EXPECT_TRUE(differs);
  Random n(7);
  double sum = 0, sq = 0;
  for (int i = 0; i < 20000; ++i) {
    double v = n.normal();
    sum += v;
    sq += v * v;
  }
  EXPECT_NEAR(sum / 20000, 0.0, 0.05);
  EXPECT_NEAR(sq / 20000, 1.0, 0.05);
}
