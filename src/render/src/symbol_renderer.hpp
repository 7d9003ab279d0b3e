// Point layers: symbols (tiled so a close view draws only what it sees) with camera field-of-view wedges,
// screen-grid clusters below a layer's cluster zoom (recomputed when the view changes, from the rows shown),
// and count badges of a counts layer.
#pragma once
#include "layer_renderer.hpp"

namespace sitmap::render {

class SymbolRenderer : public LayerRenderer {
 public:
  SymbolRenderer(const gpu::Programs& gl, const LayerInput& input);
  void draw(const gpu::Programs& gl, const Camera& cam, float opacity) override;
  std::span<const Cluster> clusters() const override { return clusters_; }
  size_t gpu_bytes() const override { return wedges_.bytes + points_.bytes; }

 private:
  void update_clusters(const Camera& cam);

  style::DrawKind kind_;
  float size_, cluster_cell_;
  double cluster_max_zoom_;
  style::Color halo_;
  XY origin_;
  std::shared_ptr<const Snapshot> data_;               // clusters are recomputed from it per view
  std::shared_ptr<const std::vector<uint32_t>> rows_;  // null: every row
  std::vector<gpu::PointTile> tiles_;                  // empty: draw all points at once
  gpu::IndexedBatch wedges_;
  gpu::InstancedBatch points_;  // symbols, count badges, every incident
  gpu::InstancedBatch clusters_gpu_;
  std::vector<Cluster> clusters_;  // of the last draw below the cluster zoom
};

}  // namespace sitmap::render
