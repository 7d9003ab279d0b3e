#include "sitmap/render/camera.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/geo/proj.hpp"

using namespace sitmap;
using namespace sitmap::render;

namespace {
Camera district_camera() {
  Camera c;
  c.center = geo::to_web_mercator(XY{121.468, 31.219});
  c.zoom = 16;
  c.width = 1600;
  c.height = 900;
  return c;
}
}  // namespace

TEST(Camera, ScreenWorldRoundTrip) {
  Camera c = district_camera();
  for (XY s : {XY{0, 0}, XY{800, 450}, XY{1599, 899}, XY{123.5, 777.25}}) {
    XY back = c.world_to_screen(c.screen_to_world(s));
    EXPECT_NEAR(back.x, s.x, 1e-6);
    EXPECT_NEAR(back.y, s.y, 1e-6);
  }
  XY centre = c.world_to_screen(c.center);
  EXPECT_DOUBLE_EQ(centre.x, 800);
  EXPECT_DOUBLE_EQ(centre.y, 450);
  // Screen y grows downwards, world y (north) upwards.
  EXPECT_GT(c.screen_to_world({800, 0}).y, c.center.y);
}

TEST(Camera, LonLatThroughMercatorAndScreenRoundTrip) {
  Camera c = district_camera();
  XY lonlat{121.4712345, 31.2201234};
  XY screen = c.world_to_screen(geo::to_web_mercator(lonlat));
  XY back = geo::from_web_mercator(c.screen_to_world(screen));
  EXPECT_NEAR(back.x, lonlat.x, 1e-9);
  EXPECT_NEAR(back.y, lonlat.y, 1e-9);
}

TEST(Camera, ResolutionHalvesPerZoomLevel) {
  Camera c = district_camera();
  double r16 = c.resolution();
  c.set_zoom(17);
  EXPECT_NEAR(c.resolution() * 2, r16, 1e-9);
  EXPECT_NEAR(r16, 156543.03392804097 / 65536, 1e-9);
}

TEST(Camera, ZoomAroundCursorKeepsThePointUnderTheCursor) {
  Camera c = district_camera();
  for (XY cursor : {XY{100, 50}, XY{1500, 820}, XY{800, 450}}) {
    for (double dz : {1.0, -0.5, 0.25}) {
      XY before = c.screen_to_world(cursor);
      c.zoom_around(cursor, dz);
      XY after = c.screen_to_world(cursor);
      EXPECT_NEAR(after.x, before.x, 1e-6);
      EXPECT_NEAR(after.y, before.y, 1e-6);
    }
  }
}

TEST(Camera, ZoomIsClampedToLimits) {
  Camera c = district_camera();
  c.zoom_around({10, 10}, 100);
  EXPECT_EQ(c.zoom, c.max_zoom);
  c.zoom_around({10, 10}, -100);
  EXPECT_EQ(c.zoom, c.min_zoom);
}

TEST(Camera, PanMovesTheMapWithThePointer) {
  Camera c = district_camera();
  XY grabbed = c.screen_to_world({400, 300});
  c.pan_pixels(50, -20);
  XY now = c.world_to_screen(grabbed);
  EXPECT_NEAR(now.x, 450, 1e-6);
  EXPECT_NEAR(now.y, 280, 1e-6);
}

TEST(Camera, FitShowsTheWholeBox) {
  Camera c = district_camera();
  BBox box{c.center.x - 2000, c.center.y - 500, c.center.x + 1000, c.center.y + 1500};
  c.fit(box, 20);
  for (XY corner : {XY{box.minx, box.miny}, XY{box.maxx, box.maxy}}) {
    XY s = c.world_to_screen(corner);
    EXPECT_GE(s.x, 19.999);
    EXPECT_LE(s.x, 1580.001);
    EXPECT_GE(s.y, 19.999);
    EXPECT_LE(s.y, 880.001);
  }
}

TEST(Camera, FlyToStartsAndEndsAtItsCameras) {
  Camera a = district_camera(), b = a;
  b.center.x += 3000;
  b.zoom = 18;
  FlyTo fly{a, b, 0.6};
  Camera start = fly.at(0), end = fly.at(0.6), mid = fly.at(0.3);
  EXPECT_DOUBLE_EQ(start.center.x, a.center.x);
  EXPECT_DOUBLE_EQ(start.zoom, a.zoom);
  EXPECT_DOUBLE_EQ(end.center.x, b.center.x);
  EXPECT_DOUBLE_EQ(end.zoom, b.zoom);
  EXPECT_GT(mid.center.x, a.center.x);
  EXPECT_LT(mid.center.x, b.center.x);
  EXPECT_TRUE(fly.done(0.61));
  EXPECT_FALSE(fly.done(0.3));
}
