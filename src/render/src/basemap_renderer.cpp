#include "basemap_renderer.hpp"

#include <chrono>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::render {

BasemapRenderer::BasemapRenderer(const gpu::Programs& gl, BasemapFetch fetch)
    : fetch_(std::move(fetch)), vao_(make_vertex_array()) {
  GLuint t = 0;
  glGenTextures(1, &t);
  texture_ = Texture(t);
  glBindVertexArray(vao_.get());
  glBindBuffer(GL_ARRAY_BUFFER, gl.quad_text.get());
  gpu::attrib(0, 2, GL_FLOAT, 8, 0, false);
  glBindVertexArray(0);
}

BasemapRenderer::~BasemapRenderer() { wait(); }

void BasemapRenderer::wait() const {
  if (pending_.valid()) pending_.wait();
}

void BasemapRenderer::take_fetched() {
  RasterView want = pending_view_;
  Fetched f;
  try {
    f = pending_.get();
    if (f.pixels.size() != size_t(want.width) * size_t(want.height) * 4)
      throw Error(ErrorKind::Internal, "basemap returned " + std::to_string(f.pixels.size()) + " bytes for " +
                                           std::to_string(want.width) + " x " + std::to_string(want.height));
  } catch (const std::exception& e) {
    // Retrying every frame would only repeat the failure.
    spdlog::warn("basemap switched off: {}", e.what());
    fetch_ = nullptr;
    view_ = {};
    return;
  }
  glBindTexture(GL_TEXTURE_2D, texture_.get());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, want.width, want.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, f.pixels.data());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  view_ = want;
  spdlog::info("basemap re-sampled on a worker: {} x {} px in {:.0f} ms", want.width, want.height, f.ms);
}

void BasemapRenderer::draw(const gpu::Programs& gl, const Camera& cam, float opacity) {
  if (pending_.valid() && pending_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) take_fetched();
  if (fetch_ && !pending_.valid() && !raster_covers(view_, cam)) {
    pending_view_ = raster_request(cam);
    pending_ = std::async(std::launch::async, [fetch = fetch_, want = pending_view_] {
      auto t0 = std::chrono::steady_clock::now();
      Fetched f;
      f.pixels = fetch(want.world, want.width, want.height);
      f.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return f;
    });
  }
  if (view_.empty()) return;
  const BBox& w = view_.world;
  double res = cam.resolution();
  gl.raster.use();
  glUniform4f(gl.raster.uniform("u_rect"), float(w.minx - cam.center.x), float(w.miny - cam.center.y),
              float(w.maxx - cam.center.x), float(w.maxy - cam.center.y));
  glUniform2f(gl.raster.uniform("u_scale"), float(2.0 / (cam.width * res)), float(2.0 / (cam.height * res)));
  glUniform1f(gl.raster.uniform("u_opacity"), opacity);
  glUniform1i(gl.raster.uniform("u_image"), 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, texture_.get());
  glBindVertexArray(vao_.get());
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

}  // namespace sitmap::render
