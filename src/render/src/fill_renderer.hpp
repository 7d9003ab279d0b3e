// Polygons filled (tessellated once) with their outlines.
#pragma once
#include "layer_renderer.hpp"

namespace sitmap::render {

class FillRenderer : public LayerRenderer {
 public:
  FillRenderer(const gpu::Programs& gl, const LayerInput& input);
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity) override;
  size_t gpu_bytes() const override { return fill_.bytes + outlines_.bytes; }

 private:
  XY origin_;
  gpu::IndexedBatch fill_;
  gpu::InstancedBatch outlines_;
};

}  // namespace sitmap::render
