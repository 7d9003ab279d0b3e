#include "fill_renderer.hpp"

#include <algorithm>

#include "sitmap/render/tessellate.hpp"

namespace sitmap::render {

FillRenderer::FillRenderer(const gpu::Programs& gl, const LayerInput& in)
    : origin_(in.origin), fill_(gpu::fill_batch()), outlines_(gpu::segment_batch(gl)) {
  const auto& s = in.layer.style;
  std::vector<gpu::FillVertex> fv;
  std::vector<uint32_t> fi;
  std::vector<gpu::Segment> segs;
  gpu::Rgba8 outline = gpu::rgba8(s.outline.get(in.theme));
  Triangles tri;
  for (size_t i = 0; i < in.layer.world.size(); ++i) {
    if (!in.row_shown(i)) continue;
    gpu::Rgba8 c = gpu::rgba8(in.color(i));
    for (auto& poly : in.layer.world[i].polygons) {
      tri.vertices.clear();
      tri.indices.clear();
      tessellate(poly.rings, tri);
      auto base = static_cast<uint32_t>(fv.size());
      for (XY v : tri.vertices) fv.push_back({float(v.x - origin_.x), float(v.y - origin_.y), c});
      for (uint32_t idx : tri.indices) fi.push_back(base + idx);
      if (s.outline_width > 0)
        for (auto& ring : poly.rings) gpu::add_segments(ring, origin_, s.outline_width, outline, segs);
    }
  }
  gpu::upload_fill(fill_, fv, fi);
  gpu::upload_segments(outlines_, segs);
}

void FillRenderer::draw(const gpu::Programs& gl, const Camera& cam, float opacity) {
  gpu::draw_fill(gl, fill_, cam, origin_, opacity);
  gpu::draw_segments(gl, outlines_, cam, origin_, std::min(1.0f, opacity * 1.6f), 0, {0, 0, 0, 0});
}

}  // namespace sitmap::render
