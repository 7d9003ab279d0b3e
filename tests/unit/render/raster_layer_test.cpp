// Basemap re-sampling plan: one image of the view plus a margin at screen resolution, fetched again only
// when the view leaves it or the zoom changes enough.
#include "sitmap/render/raster_layer.hpp"

#include <gtest/gtest.h>

namespace sitmap::render {
namespace {

Camera camera(double zoom = 16) {
  Camera c;
  c.center = {13520000, 3660000};
  c.zoom = zoom;
  c.width = 800;
  c.height = 600;
  return c;
}

TEST(RasterLayer, RequestIsTheViewPlusMarginAtScreenResolution) {
  Camera c = camera();
  RasterView r = raster_request(c);
  BBox view = c.visible_world();
  EXPECT_NEAR(r.world.minx, view.minx - view.width() * kRasterMargin, 1e-6);
  EXPECT_NEAR(r.world.maxy, view.maxy + view.height() * kRasterMargin, 1e-6);
  EXPECT_EQ(r.width, 1200);  // 800 * 1.5
  EXPECT_EQ(r.height, 900);
  EXPECT_NEAR(r.world.width() / r.width, c.resolution(), 1e-9);
}

TEST(RasterLayer, RequestIsCappedForHugeViews) {
  Camera c = camera();
  c.width = 7000;
  RasterView r = raster_request(c);
  EXPECT_EQ(r.width, kRasterMaxPixels);
}

TEST(RasterLayer, RefetchOnlyWhenViewLeavesOrZoomChanges) {
  Camera c = camera();
  RasterView have = raster_request(c);
  EXPECT_FALSE(raster_covers(RasterView{}, c));  // nothing fetched yet
  EXPECT_TRUE(raster_covers(have, c));
  c.pan_pixels(150, -100);  // within the 200 x 150 px margin
  EXPECT_TRUE(raster_covers(have, c));
  c.pan_pixels(100, 0);  // 250 px: beyond it
  EXPECT_FALSE(raster_covers(have, c));

  Camera z = camera();
  z.set_zoom(16.4);  // 1.32x magnified, still inside the box: kept
  EXPECT_TRUE(raster_covers(have, z));
  z.set_zoom(16.7);  // 1.62x: blurred, a sharper one is due
  EXPECT_FALSE(raster_covers(have, z));
  z.set_zoom(15.9);  // the view grows 1.07x, into the margin: kept
  EXPECT_TRUE(raster_covers(have, z));
  z.set_zoom(15.5);  // 1.41x: the view spans 1131 of the image's 1200 pixels, still covered
  EXPECT_TRUE(raster_covers(have, z));
  z.set_zoom(15.4);  // 1.52x: 1213 pixels, wider than the image
  EXPECT_FALSE(raster_covers(have, z));
}

}  // namespace
}  // namespace sitmap::render
