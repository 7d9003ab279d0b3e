#include "sitmap/render/raster_layer.hpp"

#include <algorithm>
#include <cmath>

namespace sitmap::render {

RasterView raster_request(const Camera& cam) {
  BBox view = cam.visible_world();
  double mx = view.width() * kRasterMargin, my = view.height() * kRasterMargin;
  RasterView r;
  r.world = {view.minx - mx, view.miny - my, view.maxx + mx, view.maxy + my};
  double res = cam.resolution();
  r.width = std::clamp(int(std::lround(r.world.width() / res)), 1, kRasterMaxPixels);
  r.height = std::clamp(int(std::lround(r.world.height() / res)), 1, kRasterMaxPixels);
  return r;
}

bool raster_covers(const RasterView& have, const Camera& cam) {
  if (have.empty()) return false;
  BBox view = cam.visible_world();
  if (view.minx < have.world.minx || view.maxx > have.world.maxx || view.miny < have.world.miny ||
      view.maxy > have.world.maxy)
    return false;
  double ratio = (have.world.width() / have.width) / cam.resolution();
  return ratio >= 2.0 / 3 && ratio <= 1.5;
}

}  // namespace sitmap::render
