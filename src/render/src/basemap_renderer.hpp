// The raster basemap under every layer: one texture of the view plus a margin (raster_layer.hpp plans it),
// fetched again only when the view leaves it or the zoom changes enough.
#pragma once
#include "gpu.hpp"
#include "sitmap/render/raster_layer.hpp"

namespace sitmap::render {

class BasemapRenderer {
 public:
  BasemapRenderer(const gpu::Programs& gl, BasemapFetch fetch);
  // A fetch that throws switches the basemap off with a warning (the vector map stays usable).
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity);
  size_t gpu_bytes() const { return size_t(view_.width) * size_t(view_.height) * 4; }

 private:
  BasemapFetch fetch_;
  RasterView view_;  // what texture_ holds
  Texture texture_;
  VertexArray vao_;
};

}  // namespace sitmap::render
