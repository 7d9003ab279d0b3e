// One renderer per layer kind (fill, line, symbol; labels and the basemap apart), each built once from an
// immutable input and owning the GPU buffers it made; MapRenderer keeps the layer order and the frame.
// Private to render.
#pragma once
#include <memory>
#include <span>
#include <vector>

#include "gpu.hpp"
#include "sitmap/render/scene.hpp"

namespace sitmap::render {

// What a layer renderer is built from. Every part is immutable; a change to any (the filter's rows, the hot
// spot colours, the theme) builds a new renderer for that layer only.
struct LayerInput {
  const SceneLayer& layer;  // snapshot, style, world geometry; read while building, never kept
  std::shared_ptr<const std::vector<uint32_t>> rows;             // ascending; null: every row
  std::shared_ptr<const std::vector<style::Color>> fill_colors;  // one per row; null: the style's colours
  XY origin;                                                     // of the scene, see gpu::draw_fill
  style::Theme theme;

  bool row_shown(size_t row) const;
  style::Color color(size_t row) const { return feature_color(layer, row, theme, fill_colors.get()); }
};

class LayerRenderer {
 public:
  virtual ~LayerRenderer() = default;
  // Draws into the bound framebuffer for this camera (the layer is visible and in its zoom range).
  virtual void draw(const gpu::Programs& gl, const Camera& cam, float opacity) = 0;
  // Clusters drawn by the last draw(), for their count labels; none for most kinds.
  virtual std::span<const Cluster> clusters() const { return {}; }
  virtual size_t gpu_bytes() const = 0;
};

// The renderer for the input's draw kind.
std::unique_ptr<LayerRenderer> make_layer_renderer(const gpu::Programs& gl, const LayerInput& input);

}  // namespace sitmap::render
