// Labels of every layer, placed together each frame (collisions are across layers) and drawn as SDF glyphs
// from one atlas: names along streets and at points, count badges, cluster counts.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "layer_renderer.hpp"
#include "sitmap/render/glyphs.hpp"
#include "sitmap/render/labels.hpp"

namespace sitmap::render {

// One layer's label candidates, built once from its input (the rows shown, in its theme's colours).
struct LabelSet {
  struct Candidate {
    std::u32string text;
    XY world;                            // a point label's anchor
    std::vector<std::vector<XY>> lines;  // a line label's lines (world)
    BBox bbox;                           // of the feature, for a line label
    float priority = 0;
  };
  int source = 0;  // the layer's index, which also orders point labels
  style::DrawKind kind = style::DrawKind::Symbol;
  bool along_line = false;
  float size = 12;
  double min_zoom = 0;
  style::Color color, halo;
  std::vector<Candidate> candidates;
};
LabelSet make_label_set(const LayerInput& input, int source);

class LabelRenderer {
 public:
  explicit LabelRenderer(const gpu::Programs& gl);
  // Adds the set's glyphs to the atlas (uploaded again when it grew).
  void add_glyphs(const LabelSet& set);
  // A layer drawn this frame: its labels and the clusters its renderer drew.
  struct Layer {
    const LabelSet* labels;
    std::span<const Cluster> clusters;
  };
  // Places and draws the labels of these layers (bottom to top); returns how many were placed.
  size_t draw(const gpu::Programs& gl, const Camera& cam, const std::vector<Layer>& layers);

 private:
  LabelRequest request(const std::u32string& text, float size, float priority, int source);
  void upload_atlas();

  GlyphAtlas atlas_{find_cjk_font()};
  Texture atlas_tex_;
  gpu::InstancedBatch glyphs_;
};

}  // namespace sitmap::render
