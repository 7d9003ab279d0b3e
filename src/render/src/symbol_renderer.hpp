// Point layers: symbols (tiled so a close view draws only what it sees) with camera field-of-view wedges from the
// wedges' zoom, symbols whose category has a minimum zoom in batches of their own, screen-grid clusters below a
// layer's cluster zoom (recomputed when the view changes, from the rows shown), and count badges of a counts layer.
#pragma once
#include "layer_renderer.hpp"

namespace sitmap::render {

class SymbolRenderer : public LayerRenderer {
 public:
  SymbolRenderer(const gpu::Programs& gl, const LayerInput& input);
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity) override;
  std::span<const Cluster> clusters() const override { return clusters_; }
  size_t gpu_bytes() const override;

 private:
  void update_clusters(const Camera& cam);

  style::LayerStyle style_;  // a copy: the input's layer is read while building, never kept
  style::Theme theme_;
  style::DrawKind kind_;
  float size_, cluster_cell_;
  double cluster_max_zoom_;
  style::Color halo_;
  XY origin_;
  std::shared_ptr<const Snapshot> data_;               // clusters are recomputed from it per view
  std::shared_ptr<const std::vector<uint32_t>> rows_;  // null: every row
  std::vector<gpu::Rgba8> row_colors_;                 // cluster layers: a lone point's own colour, per row
  std::vector<gpu::PointTile> tiles_;                  // empty: draw all points at once
  gpu::IndexedBatch wedges_;
  gpu::InstancedBatch points_;  // symbols, count badges, every incident
  // Symbols drawn only from a zoom (their category's min_zoom), one batch per zoom; few, so never tiled.
  std::vector<std::pair<double, gpu::InstancedBatch>> zoomed_points_;
  gpu::InstancedBatch clusters_gpu_;
  std::vector<Cluster> clusters_;  // of the last draw below the cluster zoom
};

}  // namespace sitmap::render
