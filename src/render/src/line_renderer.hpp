// Lines (and polygon rings drawn as lines) as instanced segments, with an optional casing under them.
#pragma once
#include "layer_renderer.hpp"

namespace sitmap::render {

class LineRenderer : public LayerRenderer {
 public:
  LineRenderer(const gpu::Programs& gl, const LayerInput& input);
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity) override;
  size_t gpu_bytes() const override { return segments_.bytes; }

 private:
  XY origin_;
  float casing_width_;
  style::Color casing_;
  gpu::InstancedBatch segments_;
};

}  // namespace sitmap::render
