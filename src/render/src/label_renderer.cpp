#include "label_renderer.hpp"

namespace sitmap::render {

using style::Color;
using style::DrawKind;

LabelSet make_label_set(const LayerInput& in, int source) {
  const SceneLayer& l = in.layer;
  const auto& s = l.style;
  LabelSet set;
  set.source = source;
  set.kind = s.draw;
  set.size = s.label_size;
  set.min_zoom = s.label_min_zoom;
  set.color = s.label_color.get(in.theme);
  set.halo = s.label_halo.get(in.theme);
  set.along_line = s.label_along_line;
  if (s.draw == DrawKind::Counts) {
    set.halo = s.color.get(in.theme);  // white figures on the badge's colour
    for (size_t i = 0; i < l.counts.size(); ++i)
      if (l.counts[i])
        set.candidates.push_back({utf8_to_u32(std::to_string(l.counts[i])), l.count_anchors[i], {}, {},
                                label_priority::kCountBadge});
    return set;
  }
  // Cluster layers label their clusters per view, never their rows.
  if (s.draw == DrawKind::Cluster || s.label_field.empty() || !l.data) return set;
  const Column* col = l.data->column(s.label_field);
  if (!col) return set;
  for (size_t i = 0; i < l.data->size(); ++i) {
    if (!in.row_shown(i)) continue;
    std::string text = col->text(i);
    if (text.empty()) continue;
    LabelSet::Candidate c;
    c.text = utf8_to_u32(text);
    if (s.label_along_line) {
      if (i >= l.world.size()) continue;
      c.lines = l.world[i].lines;
      c.bbox = l.world[i].bbox();
      c.priority = label_priority::kStreet + feature_width(l, i);
    } else {
      c.world = {l.data->x[i], l.data->y[i]};
      c.priority = label_priority::kPointName + float(source);
    }
    set.candidates.push_back(std::move(c));
  }
  return set;
}

LabelRenderer::LabelRenderer(const gpu::Programs& gl) : glyphs_(gpu::glyph_batch(gl)) {
  atlas_.add(U"0123456789");
  upload_atlas();
}

void LabelRenderer::add_glyphs(const LabelSet& set) {
  bool grew = false;
  for (auto& c : set.candidates) grew |= atlas_.add(c.text);
  if (grew) upload_atlas();
}

void LabelRenderer::upload_atlas() {
  if (!atlas_tex_) {
    GLuint t = 0;
    glGenTextures(1, &t);
    atlas_tex_ = Texture(t);
  }
  glBindTexture(GL_TEXTURE_2D, atlas_tex_.get());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, atlas_.width(), atlas_.height(), 0, GL_RED, GL_UNSIGNED_BYTE,
               atlas_.pixels().data());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

LabelRequest LabelRenderer::request(const std::u32string& text, float size, float priority, int source) {
  LabelRequest r;
  r.text = text;
  r.size = size;
  r.priority = priority;
  r.source = source;
  for (char32_t c : r.text) r.advances.push_back(atlas_.advance(c, size));
  return r;
}

size_t LabelRenderer::draw(const gpu::Programs& gl, const Camera& cam, const std::vector<Layer>& layers) {
  std::vector<LabelRequest> requests;
  std::vector<std::pair<Color, Color>> colours;  // per request: text, halo
  BBox view = cam.visible_world();
  const Color white{1, 1, 1, 1}, dark{0.04f, 0.1f, 0.18f, 0.9f};
  for (auto& layer : layers) {
    const LabelSet& set = *layer.labels;
    if (set.kind == DrawKind::Cluster) {
      for (auto& c : layer.clusters) {
        if (c.count < 2) continue;
        requests.push_back(request(utf8_to_u32(std::to_string(c.count)), 14,
                                   label_priority::kClusterCount + float(c.count), set.source));
        requests.back().anchor = cam.world_to_screen(c.world);
        colours.emplace_back(white, dark);
      }
      continue;
    }
    if (set.kind == DrawKind::Counts) {
      for (auto& c : set.candidates) {
        requests.push_back(request(c.text, 13, c.priority, set.source));
        requests.back().anchor = cam.world_to_screen(c.world);
        colours.emplace_back(white, set.halo);
      }
      continue;
    }
    if (cam.zoom < set.min_zoom) continue;
    for (auto& c : set.candidates) {
      if (set.along_line) {
        if (!c.bbox.intersects(view)) continue;
        for (auto& line : c.lines) {
          LabelRequest r = request(c.text, set.size, c.priority, set.source);
          for (XY p : line) r.line.push_back(cam.world_to_screen(p));
          requests.push_back(std::move(r));
          colours.emplace_back(set.color, set.halo);
        }
      } else {
        if (!view.contains(c.world)) continue;
        LabelRequest r = request(c.text, set.size, c.priority, set.source);
        r.anchor = cam.world_to_screen(c.world);
        requests.push_back(std::move(r));
        colours.emplace_back(set.color, set.halo);
      }
    }
  }
  CollisionIndex index(cam.width, cam.height);
  LabelOptions options;
  options.width = cam.width;
  options.height = cam.height;
  options.repeat_distance = 360;
  auto placed = place_labels(requests, options, index);
  std::vector<gpu::GlyphInstance> inst;
  inst.reserve(placed.size());
  const float atlas_h = GlyphAtlas::kPixelHeight;
  for (auto& pg : placed) {
    const Glyph* g = atlas_.find(pg.codepoint);
    if (!g || g->width == 0) continue;
    float k = pg.size / atlas_h;
    float baseline = float(pg.center.y) + 0.36f * pg.size;
    float left = float(pg.center.x) - g->advance * k / 2;
    inst.push_back({{left + g->xoff * k, baseline + g->yoff * k, g->width * k, g->height * k},
                    {g->u0, g->v0, g->u1, g->v1},
                    gpu::rgba8(colours[pg.label].first),
                    gpu::rgba8(colours[pg.label].second),
                    k});
  }
  gpu::upload(glyphs_.vbo, GL_ARRAY_BUFFER, inst, GL_STREAM_DRAW);
  if (!inst.empty()) {
    gl.text.use();
    glUniform2f(gl.text.uniform("u_viewport"), float(cam.width), float(cam.height));
    glUniform1f(gl.text.uniform("u_spread"), float(GlyphAtlas::kPadding));
    glUniform1f(gl.text.uniform("u_halo_px"), 1.6f);
    glUniform1i(gl.text.uniform("u_atlas"), 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, atlas_tex_.get());
    glBindVertexArray(glyphs_.vao.get());
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(inst.size()));
  }
  size_t labels = 0;
  int last = -1;
  for (auto& pg : placed)
    if (pg.label != last) {
      ++labels;
      last = pg.label;
    }
  return labels;
}

}  // namespace sitmap::render
