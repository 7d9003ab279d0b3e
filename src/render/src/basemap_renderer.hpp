// The raster basemap under every layer: one texture of the view plus a margin (raster_layer.hpp plans it),
// fetched again only when the view leaves it or the zoom changes enough. The fetch (a GDAL re-sample, tens
// to hundreds of milliseconds) runs on a worker thread; the map keeps drawing the previous texture until
// the new image has arrived, and the upload happens here on the GL thread.
#pragma once
#include <future>

#include "gpu.hpp"
#include "sitmap/render/raster_layer.hpp"

namespace sitmap::render {

class BasemapRenderer {
 public:
  BasemapRenderer(const gpu::Programs& gl, BasemapFetch fetch);
  ~BasemapRenderer();  // waits for a fetch in flight
  // Uploads a fetched image that has arrived, starts a fetch when the view needs one, and draws what it has.
  // A fetch that throws switches the basemap off with a warning (the vector map stays usable).
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity);
  // Blocks until a fetch in flight has arrived; the next draw() shows it.
  void wait() const;
  bool fetching() const { return pending_.valid(); }  // the window keeps drawing until the image is shown
  size_t gpu_bytes() const { return size_t(view_.width) * size_t(view_.height) * 4; }

 private:
  struct Fetched {
    std::vector<uint8_t> pixels;
    double ms = 0;
  };
  void take_fetched();

  BasemapFetch fetch_;
  RasterView view_;  // what texture_ holds
  RasterView pending_view_;
  std::future<Fetched> pending_;
  Texture texture_;
  VertexArray vao_;
};

}  // namespace sitmap::render
