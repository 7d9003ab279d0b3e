#include "gpu.hpp"

#include <algorithm>
#include <cmath>

namespace sitmap::render::gpu {

Rgba8 rgba8(style::Color c) {
  auto q = [](float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  return {q(c.r), q(c.g), q(c.b), q(c.a)};
}

void attrib(GLuint loc, int n, GLenum type, size_t stride, size_t offset, bool instanced) {
  glEnableVertexAttribArray(loc);
  glVertexAttribPointer(loc, n, type, type == GL_UNSIGNED_BYTE ? GL_TRUE : GL_FALSE, static_cast<GLsizei>(stride),
                        reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(loc, instanced ? 1 : 0);
}

Programs::Programs(const std::filesystem::path& shader_dir)
    : fill(Program::load(shader_dir, "fill")),
      line(Program::load(shader_dir, "line")),
      point(Program::load(shader_dir, "point")),
      text(Program::load(shader_dir, "text")),
      raster(Program::load(shader_dir, "raster")) {
  const float line_c[] = {0, -1, 1, -1, 0, 1, 1, 1};
  const float point_c[] = {-1, -1, 1, -1, -1, 1, 1, 1};
  const float text_c[] = {0, 0, 1, 0, 0, 1, 1, 1};
  quad_line = make_buffer();
  quad_point = make_buffer();
  quad_text = make_buffer();
  upload(quad_line, GL_ARRAY_BUFFER, std::vector<float>(line_c, line_c + 8));
  upload(quad_point, GL_ARRAY_BUFFER, std::vector<float>(point_c, point_c + 8));
  upload(quad_text, GL_ARRAY_BUFFER, std::vector<float>(text_c, text_c + 8));
}

IndexedBatch fill_batch() {
  IndexedBatch b;
  b.vao = make_vertex_array();
  b.vbo = make_buffer();
  b.ibo = make_buffer();
  glBindVertexArray(b.vao.get());
  glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
  attrib(0, 2, GL_FLOAT, sizeof(FillVertex), offsetof(FillVertex, x), false);
  attrib(1, 4, GL_UNSIGNED_BYTE, sizeof(FillVertex), offsetof(FillVertex, color), false);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, b.ibo.get());
  glBindVertexArray(0);
  return b;
}

InstancedBatch segment_batch(const Programs& p) {
  InstancedBatch b;
  b.vao = make_vertex_array();
  b.vbo = make_buffer();
  glBindVertexArray(b.vao.get());
  glBindBuffer(GL_ARRAY_BUFFER, p.quad_line.get());
  attrib(0, 2, GL_FLOAT, 8, 0, false);
  glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
  attrib(1, 2, GL_FLOAT, sizeof(Segment), offsetof(Segment, ax), true);
  attrib(2, 2, GL_FLOAT, sizeof(Segment), offsetof(Segment, bx), true);
  attrib(3, 1, GL_FLOAT, sizeof(Segment), offsetof(Segment, width), true);
  attrib(4, 4, GL_UNSIGNED_BYTE, sizeof(Segment), offsetof(Segment, color), true);
  glBindVertexArray(0);
  return b;
}

InstancedBatch point_batch(const Programs& p) {
  InstancedBatch b;
  b.vao = make_vertex_array();
  b.vbo = make_buffer();
  glBindVertexArray(b.vao.get());
  glBindBuffer(GL_ARRAY_BUFFER, p.quad_point.get());
  attrib(0, 2, GL_FLOAT, 8, 0, false);
  glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
  attrib(1, 2, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, x), true);
  attrib(2, 4, GL_UNSIGNED_BYTE, sizeof(PointInstance), offsetof(PointInstance, color), true);
  attrib(3, 1, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, size), true);
  attrib(4, 1, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, shape), true);
  glBindVertexArray(0);
  return b;
}

InstancedBatch glyph_batch(const Programs& p) {
  InstancedBatch b;
  b.vao = make_vertex_array();
  b.vbo = make_buffer();
  glBindVertexArray(b.vao.get());
  glBindBuffer(GL_ARRAY_BUFFER, p.quad_text.get());
  attrib(0, 2, GL_FLOAT, 8, 0, false);
  glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
  attrib(1, 4, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, rect), true);
  attrib(2, 4, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, uv), true);
  attrib(3, 4, GL_UNSIGNED_BYTE, sizeof(GlyphInstance), offsetof(GlyphInstance, color), true);
  attrib(4, 4, GL_UNSIGNED_BYTE, sizeof(GlyphInstance), offsetof(GlyphInstance, halo), true);
  attrib(5, 1, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, scale), true);
  glBindVertexArray(0);
  return b;
}

void upload_fill(IndexedBatch& b, const std::vector<FillVertex>& vertices, const std::vector<uint32_t>& indices) {
  glBindVertexArray(0);
  upload(b.vbo, GL_ARRAY_BUFFER, vertices);
  upload(b.ibo, GL_ELEMENT_ARRAY_BUFFER, indices);
  b.count = static_cast<GLsizei>(indices.size());
  b.bytes = vertices.size() * sizeof(FillVertex) + indices.size() * 4;
}

void upload_segments(InstancedBatch& b, const std::vector<Segment>& segments) {
  upload(b.vbo, GL_ARRAY_BUFFER, segments);
  b.count = static_cast<GLsizei>(segments.size());
  b.bytes = segments.size() * sizeof(Segment);
}

void upload_points(InstancedBatch& b, const std::vector<PointInstance>& points, GLenum usage) {
  upload(b.vbo, GL_ARRAY_BUFFER, points, usage);
  b.count = static_cast<GLsizei>(points.size());
  b.bytes = points.size() * sizeof(PointInstance);
}

void add_segments(const std::vector<XY>& line, XY origin, float width, Rgba8 color, std::vector<Segment>& out) {
  for (size_t k = 1; k < line.size(); ++k) {
    XY a{line[k - 1].x - origin.x, line[k - 1].y - origin.y}, b{line[k].x - origin.x, line[k].y - origin.y};
    if (a == b) continue;
    out.push_back({float(a.x), float(a.y), float(b.x), float(b.y), width, color});
  }
}

void tile_points(std::vector<PointInstance>& pts, std::vector<PointTile>& tiles) {
  const int n = 64;
  BBox ext;
  for (auto& p : pts) ext.expand(XY{p.x, p.y});
  double w = std::max(ext.width(), 1e-6) / n, h = std::max(ext.height(), 1e-6) / n;
  auto cell = [&](const PointInstance& p) {
    int cx = std::min(n - 1, static_cast<int>((p.x - ext.minx) / w)),
        cy = std::min(n - 1, static_cast<int>((p.y - ext.miny) / h));
    return cy * n + cx;
  };
  // Counting sort by cell.
  std::vector<GLint> start(n * n + 1, 0);
  for (auto& p : pts) ++start[cell(p) + 1];
  for (int i = 0; i < n * n; ++i) start[i + 1] += start[i];
  std::vector<PointInstance> sorted(pts.size());
  std::vector<GLint> fill(start.begin(), start.end() - 1);
  for (auto& p : pts) sorted[fill[cell(p)]++] = p;
  pts.swap(sorted);
  tiles.clear();
  for (int i = 0; i < n * n; ++i) {
    if (start[i + 1] == start[i]) continue;
    BBox b;
    for (GLint k = start[i]; k < start[i + 1]; ++k) b.expand(XY{pts[k].x, pts[k].y});
    tiles.push_back({b, start[i], start[i + 1] - start[i]});
  }
}

namespace {

void set_camera_uniforms(const Program& p, const Camera& cam, XY origin) {
  double res = cam.resolution();
  glUniform2f(p.uniform("u_offset"), float(origin.x - cam.center.x), float(origin.y - cam.center.y));
  glUniform2f(p.uniform("u_scale"), float(2.0 / (cam.width * res)), float(2.0 / (cam.height * res)));
  glUniform2f(p.uniform("u_viewport"), float(cam.width), float(cam.height));
}

}  // namespace

void draw_fill(const Programs& p, const IndexedBatch& b, const Camera& cam, XY origin, float opacity) {
  if (!b.count) return;
  p.fill.use();
  set_camera_uniforms(p.fill, cam, origin);
  glUniform1f(p.fill.uniform("u_opacity"), opacity);
  glBindVertexArray(b.vao.get());
  glDrawElements(GL_TRIANGLES, b.count, GL_UNSIGNED_INT, nullptr);
}

void draw_segments(const Programs& p, const InstancedBatch& b, const Camera& cam, XY origin, float opacity, float extra,
                   style::Color override_color) {
  if (!b.count) return;
  p.line.use();
  set_camera_uniforms(p.line, cam, origin);
  glUniform1f(p.line.uniform("u_opacity"), opacity);
  glUniform1f(p.line.uniform("u_extra"), extra);
  glUniform4f(p.line.uniform("u_override"), override_color.r, override_color.g, override_color.b, override_color.a);
  glBindVertexArray(b.vao.get());
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, b.count);
}

void draw_points(const Programs& p, const InstancedBatch& b, const Camera& cam, XY origin, float opacity,
                 style::Color halo, float halo_px, const std::vector<PointTile>& tiles, float max_size) {
  if (!b.count) return;
  p.point.use();
  set_camera_uniforms(p.point, cam, origin);
  glUniform1f(p.point.uniform("u_opacity"), opacity);
  glUniform1f(p.point.uniform("u_halo"), halo_px);
  glUniform4f(p.point.uniform("u_halo_color"), halo.r, halo.g, halo.b, halo.a);
  glBindVertexArray(b.vao.get());
  if (tiles.empty()) {
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, b.count);
    return;
  }
  // Visible cells only, merging neighbours in buffer order into one draw; the instance offset is applied
  // by re-pointing the attributes (GL 3.3 has no base instance).
  BBox view = cam.visible_world();
  double margin = (max_size / 2 + halo_px + 1) * cam.resolution();
  BBox rel_view{view.minx - origin.x - margin, view.miny - origin.y - margin, view.maxx - origin.x + margin,
                view.maxy - origin.y + margin};
  glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
  auto draw_run = [&](GLint first, GLsizei count) {
    size_t base = static_cast<size_t>(first) * sizeof(PointInstance);
    attrib(1, 2, GL_FLOAT, sizeof(PointInstance), base + offsetof(PointInstance, x), true);
    attrib(2, 4, GL_UNSIGNED_BYTE, sizeof(PointInstance), base + offsetof(PointInstance, color), true);
    attrib(3, 1, GL_FLOAT, sizeof(PointInstance), base + offsetof(PointInstance, size), true);
    attrib(4, 1, GL_FLOAT, sizeof(PointInstance), base + offsetof(PointInstance, shape), true);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, count);
  };
  GLint run_first = -1;
  GLsizei run_count = 0;
  for (auto& t : tiles) {
    if (!t.world.intersects(rel_view)) continue;
    if (run_first >= 0 && run_first + run_count == t.first) {
      run_count += t.count;
      continue;
    }
    if (run_first >= 0) draw_run(run_first, run_count);
    run_first = t.first;
    run_count = t.count;
  }
  if (run_first >= 0) draw_run(run_first, run_count);
  draw_run(0, 0);  // leave the attributes pointing at the start of the buffer
}

}  // namespace sitmap::render::gpu
