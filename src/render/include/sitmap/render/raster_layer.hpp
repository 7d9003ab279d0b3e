// A raster basemap under every vector layer. Its pixels come from a caller-supplied function (the app
// passes io::RasterSource, so render never sees GDAL), called on a worker thread; re-sampling is planned
// here, GL-free and unit-tested:
// one image of the view plus a margin at screen resolution, fetched again only when the view leaves it or
// the zoom changes enough to blur or waste it — never per frame.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "sitmap/core/types.hpp"
#include "sitmap/render/camera.hpp"

namespace sitmap::render {

// width x height RGBA8 pixels of an EPSG:3857 box, row 0 at the north edge. May throw. Called on a worker
// thread, never two calls at once.
using BasemapFetch = std::function<std::vector<uint8_t>(const BBox& world, int width, int height)>;

struct RasterView {
  BBox world;  // EPSG:3857
  int width = 0, height = 0;
  bool empty() const { return width <= 0 || height <= 0; }
};

inline constexpr double kRasterMargin = 0.25;  // of the view's size, on each side
inline constexpr int kRasterMaxPixels = 4096;  // per side (the smallest GL 3.3 texture limit we meet)

// The image to fetch for this camera: the visible box plus the margin, at the camera's resolution.
RasterView raster_request(const Camera& cam);
// Whether `have` still serves the camera: it covers the whole view and its pixels are between 2/3 and 3/2
// of a screen pixel (beyond that the image visibly blurs or a sharper one is due).
bool raster_covers(const RasterView& have, const Camera& cam);

}  // namespace sitmap::render
