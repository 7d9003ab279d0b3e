#include "line_renderer.hpp"

#include <algorithm>

namespace sitmap::render {

LineRenderer::LineRenderer(const gpu::Programs& gl, const LayerInput& in)
    : origin_(in.origin),
      casing_width_(in.layer.style.casing_width),
      casing_(in.layer.style.casing.get(in.theme)),
      segments_(gpu::segment_batch(gl)) {
  std::vector<gpu::Segment> segs;
  for (size_t i = 0; i < in.layer.world.size(); ++i) {
    if (!in.row_shown(i)) continue;
    gpu::Rgba8 c = gpu::rgba8(in.color(i));
    float w = feature_width(in.layer, i);
    for (auto& line : in.layer.world[i].lines) gpu::add_segments(line, origin_, w, c, segs);
    for (auto& poly : in.layer.world[i].polygons)
      for (auto& ring : poly.rings) gpu::add_segments(ring, origin_, w, c, segs);
  }
  // Wider roads drawn last so they pass over minor ones at crossings.
  std::stable_sort(segs.begin(), segs.end(),
                   [](const gpu::Segment& a, const gpu::Segment& b) { return a.width < b.width; });
  gpu::upload_segments(segments_, segs);
}

void LineRenderer::draw(const gpu::Programs& gl, const Camera& cam, float opacity) {
  if (casing_width_ > 0) gpu::draw_segments(gl, segments_, cam, origin_, opacity, casing_width_, casing_);
  gpu::draw_segments(gl, segments_, cam, origin_, opacity, 0, {0, 0, 0, 0});
}

}  // namespace sitmap::render
