#include "sitmap/render/map_renderer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/render/glyphs.hpp"
#include "sitmap/render/labels.hpp"
#include "sitmap/render/tessellate.hpp"

namespace sitmap::render {

using style::Color;
using style::DrawKind;

namespace {

struct Rgba8 {
  uint8_t r, g, b, a;
};
Rgba8 rgba8(Color c) {
  auto q = [](float v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  return {q(c.r), q(c.g), q(c.b), q(c.a)};
}

struct FillVertex {
  float x, y;
  Rgba8 color;
};
struct Segment {
  float ax, ay, bx, by;
  float width;
  Rgba8 color;
};
struct PointInstance {
  float x, y;
  Rgba8 color;
  float size, shape;
};
struct GlyphInstance {
  float rect[4];
  float uv[4];
  Rgba8 color, halo;
  float scale;
};

// Vertex attribute helper: float or normalised-byte attributes at `offset` in a `stride`-byte record.
void attrib(GLuint loc, int n, GLenum type, size_t stride, size_t offset, bool instanced) {
  glEnableVertexAttribArray(loc);
  glVertexAttribPointer(loc, n, type, type == GL_UNSIGNED_BYTE ? GL_TRUE : GL_FALSE, static_cast<GLsizei>(stride),
                        reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(loc, instanced ? 1 : 0);
}

template <typename T>
void upload(const Buffer& b, GLenum target, const std::vector<T>& data, GLenum usage = GL_STATIC_DRAW) {
  glBindBuffer(target, b.get());
  glBufferData(target, static_cast<GLsizeiptr>(data.size() * sizeof(T)), data.empty() ? nullptr : data.data(), usage);
}

struct InstancedBatch {
  VertexArray vao;
  Buffer vbo;
  GLsizei count = 0;
  size_t bytes = 0;
};

struct IndexedBatch {
  VertexArray vao;
  Buffer vbo, ibo;
  GLsizei count = 0;
  size_t bytes = 0;
};

// A run of point instances whose positions fall in one cell of a coarse grid over the layer, so a close
// view draws only the cells it sees (a million instances cost even off screen on a software rasteriser).
struct PointTile {
  BBox world;  // relative to the scene origin
  GLint first;
  GLsizei count;
};

struct GpuLayer {
  const SceneLayer* layer = nullptr;
  std::vector<PointTile> tiles;  // empty: draw all points at once
  IndexedBatch fill;             // polygons, wedges
  InstancedBatch segments;       // lines, outlines
  InstancedBatch points;         // symbols, count badges, every incident
  InstancedBatch clusters;       // rebuilt when the view changes
  Color casing, halo, label_color, label_halo;
};

}  // namespace

struct MapRenderer::Impl {
  Program fill, line, point, text, raster;
  Buffer quad_line, quad_point, quad_text;
  GlyphAtlas atlas{find_cjk_font()};
  Texture atlas_tex;
  InstancedBatch glyphs;
  std::vector<GpuLayer> layers;
  const Scene* scene = nullptr;
  style::Theme theme = style::Theme::Dark;
  BasemapFetch basemap;
  RasterView basemap_view;  // what basemap_tex holds
  Texture basemap_tex;
  VertexArray basemap_vao;
  bool basemap_visible = true;
  float basemap_opacity = 1;
  const HeatmapLayer* heatmap = nullptr;
  std::optional<HeatmapParams> heatmap_params;

  void make_quads() {
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

  void setup_fill(IndexedBatch& b) {
    b.vao = make_vertex_array();
    b.vbo = make_buffer();
    b.ibo = make_buffer();
    glBindVertexArray(b.vao.get());
    glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
    attrib(0, 2, GL_FLOAT, sizeof(FillVertex), offsetof(FillVertex, x), false);
    attrib(1, 4, GL_UNSIGNED_BYTE, sizeof(FillVertex), offsetof(FillVertex, color), false);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, b.ibo.get());
  }
  void setup_segments(InstancedBatch& b) {
    b.vao = make_vertex_array();
    b.vbo = make_buffer();
    glBindVertexArray(b.vao.get());
    glBindBuffer(GL_ARRAY_BUFFER, quad_line.get());
    attrib(0, 2, GL_FLOAT, 8, 0, false);
    glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
    attrib(1, 2, GL_FLOAT, sizeof(Segment), offsetof(Segment, ax), true);
    attrib(2, 2, GL_FLOAT, sizeof(Segment), offsetof(Segment, bx), true);
    attrib(3, 1, GL_FLOAT, sizeof(Segment), offsetof(Segment, width), true);
    attrib(4, 4, GL_UNSIGNED_BYTE, sizeof(Segment), offsetof(Segment, color), true);
  }
  void setup_points(InstancedBatch& b) {
    b.vao = make_vertex_array();
    b.vbo = make_buffer();
    glBindVertexArray(b.vao.get());
    glBindBuffer(GL_ARRAY_BUFFER, quad_point.get());
    attrib(0, 2, GL_FLOAT, 8, 0, false);
    glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
    attrib(1, 2, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, x), true);
    attrib(2, 4, GL_UNSIGNED_BYTE, sizeof(PointInstance), offsetof(PointInstance, color), true);
    attrib(3, 1, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, size), true);
    attrib(4, 1, GL_FLOAT, sizeof(PointInstance), offsetof(PointInstance, shape), true);
  }
  void setup_glyphs(InstancedBatch& b) {
    b.vao = make_vertex_array();
    b.vbo = make_buffer();
    glBindVertexArray(b.vao.get());
    glBindBuffer(GL_ARRAY_BUFFER, quad_text.get());
    attrib(0, 2, GL_FLOAT, 8, 0, false);
    glBindBuffer(GL_ARRAY_BUFFER, b.vbo.get());
    attrib(1, 4, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, rect), true);
    attrib(2, 4, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, uv), true);
    attrib(3, 4, GL_UNSIGNED_BYTE, sizeof(GlyphInstance), offsetof(GlyphInstance, color), true);
    attrib(4, 4, GL_UNSIGNED_BYTE, sizeof(GlyphInstance), offsetof(GlyphInstance, halo), true);
    attrib(5, 1, GL_FLOAT, sizeof(GlyphInstance), offsetof(GlyphInstance, scale), true);
  }

  XY rel(XY w) const { return {w.x - scene->origin.x, w.y - scene->origin.y}; }

  void add_segments(const std::vector<XY>& line, float width, Rgba8 color, std::vector<Segment>& out) const {
    for (size_t k = 1; k < line.size(); ++k) {
      XY a = rel(line[k - 1]), b = rel(line[k]);
      if (a == b) continue;
      out.push_back({float(a.x), float(a.y), float(b.x), float(b.y), width, color});
    }
  }

  void build(GpuLayer& g) {
    const SceneLayer& l = *g.layer;
    const auto& s = l.style;
    g.casing = s.casing.get(theme);
    g.halo = s.halo.get(theme);
    g.label_color = s.label_color.get(theme);
    g.label_halo = s.label_halo.get(theme);
    setup_fill(g.fill);
    setup_segments(g.segments);
    setup_points(g.points);
    setup_points(g.clusters);
    std::vector<FillVertex> fv;
    std::vector<uint32_t> fi;
    std::vector<Segment> segs;
    std::vector<PointInstance> pts;
    if (s.draw == DrawKind::Fill) {
      Rgba8 outline = rgba8(s.outline.get(theme));
      Triangles tri;
      for (size_t i = 0; i < l.world.size(); ++i) {
        Rgba8 c = rgba8(feature_color(l, i, theme));
        for (auto& poly : l.world[i].polygons) {
          tri.vertices.clear();
          tri.indices.clear();
          tessellate(poly.rings, tri);
          auto base = static_cast<uint32_t>(fv.size());
          for (XY v : tri.vertices) {
            XY r = rel(v);
            fv.push_back({float(r.x), float(r.y), c});
          }
          for (uint32_t idx : tri.indices) fi.push_back(base + idx);
          if (s.outline_width > 0)
            for (auto& ring : poly.rings) add_segments(ring, s.outline_width, outline, segs);
        }
      }
    } else if (s.draw == DrawKind::Line) {
      for (size_t i = 0; i < l.world.size(); ++i) {
        Rgba8 c = rgba8(feature_color(l, i, theme));
        float w = feature_width(l, i);
        for (auto& line : l.world[i].lines) add_segments(line, w, c, segs);
        for (auto& poly : l.world[i].polygons)
          for (auto& ring : poly.rings) add_segments(ring, w, c, segs);
      }
      // Wider roads drawn last so they pass over minor ones at crossings.
      std::stable_sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.width < b.width; });
    } else if (s.draw == DrawKind::Symbol || s.draw == DrawKind::Cluster) {
      const Snapshot& d = *l.data;
      const size_t n = l.shown ? l.shown->size() : d.size();
      pts.reserve(n);
      for (size_t k = 0; k < n; ++k) {
        size_t i = l.shown ? (*l.shown)[k] : k;
        if (!std::isfinite(d.x[i])) continue;
        XY r = rel({d.x[i], d.y[i]});
        pts.push_back(
            {float(r.x), float(r.y), rgba8(feature_color(l, i, theme)), s.size, float(static_cast<int>(s.symbol))});
      }
      if (pts.size() > kTiledPoints) tile_points(pts, g.tiles);
      if (s.has_wedge()) build_wedges(l, fv, fi);
    } else if (s.draw == DrawKind::Counts) {
      for (size_t i = 0; i < l.counts.size(); ++i) {
        if (l.counts[i] == 0) continue;
        XY r = rel(l.count_anchors[i]);
        float size = s.size + 4 * std::log10(float(l.counts[i]));
        pts.push_back({float(r.x), float(r.y), rgba8(s.color.get(theme)), size, float(static_cast<int>(s.symbol))});
      }
    }
    glBindVertexArray(0);
    upload(g.fill.vbo, GL_ARRAY_BUFFER, fv);
    upload(g.fill.ibo, GL_ELEMENT_ARRAY_BUFFER, fi);
    g.fill.count = static_cast<GLsizei>(fi.size());
    g.fill.bytes = fv.size() * sizeof(FillVertex) + fi.size() * 4;
    upload(g.segments.vbo, GL_ARRAY_BUFFER, segs);
    g.segments.count = static_cast<GLsizei>(segs.size());
    g.segments.bytes = segs.size() * sizeof(Segment);
    upload(g.points.vbo, GL_ARRAY_BUFFER, pts);
    g.points.count = static_cast<GLsizei>(pts.size());
    g.points.bytes = pts.size() * sizeof(PointInstance);
  }

  static constexpr size_t kTiledPoints = 20000;

  // Sorts instances by the cell of a 64 x 64 grid over their extent (counting sort) and records each cell's run.
  static void tile_points(std::vector<PointInstance>& pts, std::vector<PointTile>& tiles) {
    const int n = 64;
    BBox ext;
    for (auto& p : pts) ext.expand(XY{p.x, p.y});
    double w = std::max(ext.width(), 1e-6) / n, h = std::max(ext.height(), 1e-6) / n;
    auto cell = [&](const PointInstance& p) {
      int cx = std::min(n - 1, static_cast<int>((p.x - ext.minx) / w)),
          cy = std::min(n - 1, static_cast<int>((p.y - ext.miny) / h));
      return cy * n + cx;
    };
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

  // Field-of-view wedges as triangle fans in world metres (range is ground metres, scaled to Mercator).
  void build_wedges(const SceneLayer& l, std::vector<FillVertex>& fv, std::vector<uint32_t>& fi) {
    const auto& s = l.style;
    const Snapshot& d = *l.data;
    const Column* dir = d.column(s.wedge_direction_field);
    const Column* fov = d.column(s.wedge_fov_field);
    const Column* range = d.column(s.wedge_range_field);
    if (!dir || !fov || !range) return;
    Color wedge = s.wedge_color.get(theme);
    Color dim = s.dim_color.get(theme);
    dim.a = wedge.a * 0.6f;
    for (size_t i = 0; i < d.size(); ++i) {
      if (!l.row_shown(i)) continue;
      double az = dir->number(i), fv_deg = fov->number(i), r_m = range->number(i);
      if (!std::isfinite(az) || !std::isfinite(fv_deg) || !std::isfinite(r_m) || r_m <= 0) continue;
      double r = r_m / geo::mercator_scale(d.lat[i]);
      Rgba8 c = rgba8(feature_dimmed(l, i) ? dim : wedge);
      XY o = rel({d.x[i], d.y[i]});
      auto base = static_cast<uint32_t>(fv.size());
      fv.push_back({float(o.x), float(o.y), c});
      const int steps = 12;
      for (int k = 0; k <= steps; ++k) {
        // Direction is a compass bearing: 0 north, clockwise.
        double a = (az - fv_deg / 2 + fv_deg * k / steps) * M_PI / 180;
        fv.push_back({float(o.x + r * std::sin(a)), float(o.y + r * std::cos(a)), c});
        if (k > 0) fi.insert(fi.end(), {base, base + k + 0u, base + k + 1u});
      }
    }
  }

  void set_camera_uniforms(const Program& p, const Camera& cam) const {
    double res = cam.resolution();
    // The camera centre is subtracted here in double; the GPU only sees small float offsets.
    glUniform2f(p.uniform("u_offset"), float(scene->origin.x - cam.center.x), float(scene->origin.y - cam.center.y));
    glUniform2f(p.uniform("u_scale"), float(2.0 / (cam.width * res)), float(2.0 / (cam.height * res)));
    glUniform2f(p.uniform("u_viewport"), float(cam.width), float(cam.height));
  }

  void draw_fill(const IndexedBatch& b, const Camera& cam, float opacity) {
    if (!b.count) return;
    fill.use();
    set_camera_uniforms(fill, cam);
    glUniform1f(fill.uniform("u_opacity"), opacity);
    glBindVertexArray(b.vao.get());
    glDrawElements(GL_TRIANGLES, b.count, GL_UNSIGNED_INT, nullptr);
  }
  void draw_segments(const InstancedBatch& b, const Camera& cam, float opacity, float extra, Color override_color) {
    if (!b.count) return;
    line.use();
    set_camera_uniforms(line, cam);
    glUniform1f(line.uniform("u_opacity"), opacity);
    glUniform1f(line.uniform("u_extra"), extra);
    glUniform4f(line.uniform("u_override"), override_color.r, override_color.g, override_color.b, override_color.a);
    glBindVertexArray(b.vao.get());
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, b.count);
  }
  void draw_points(const InstancedBatch& b, const Camera& cam, float opacity, Color halo, float halo_px,
                   const std::vector<PointTile>* tiles = nullptr, float max_size = 0) {
    if (!b.count) return;
    point.use();
    set_camera_uniforms(point, cam);
    glUniform1f(point.uniform("u_opacity"), opacity);
    glUniform1f(point.uniform("u_halo"), halo_px);
    glUniform4f(point.uniform("u_halo_color"), halo.r, halo.g, halo.b, halo.a);
    glBindVertexArray(b.vao.get());
    if (!tiles || tiles->empty()) {
      glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, b.count);
      return;
    }
    // Visible cells only, merging neighbours in buffer order into one draw; the instance offset is applied
    // by re-pointing the attributes (GL 3.3 has no base instance).
    BBox view = cam.visible_world();
    double margin = (max_size / 2 + halo_px + 1) * cam.resolution();
    BBox rel_view{view.minx - scene->origin.x - margin, view.miny - scene->origin.y - margin,
                  view.maxx - scene->origin.x + margin, view.maxy - scene->origin.y + margin};
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
    for (auto& t : *tiles) {
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

  // Clusters for the current view: circles sized and coloured by count (yellow to red).
  std::vector<Cluster> update_clusters(GpuLayer& g, const Camera& cam) {
    const SceneLayer& l = *g.layer;
    auto clusters = screen_grid_clusters(*l.data, cam, l.style.cluster_cell, l.shown.get());
    int64_t max_count = 1;
    for (auto& c : clusters) max_count = std::max(max_count, c.count);
    const Color ramp[] = {*style::parse_color("#FDE047"), *style::parse_color("#FB923C"),
                          *style::parse_color("#EF4444")};
    std::vector<PointInstance> pts;
    for (auto& c : clusters) {
      float t = max_count > 1 ? float(std::log(double(c.count)) / std::log(double(max_count))) : 0;
      Color col = t < 0.5f ? style::mix(ramp[0], ramp[1], t * 2) : style::mix(ramp[1], ramp[2], t * 2 - 1);
      col.a = 0.78f;  // translucent so the basemap and symbols beneath stay readable
      float size =
          c.count == 1 ? l.style.size : std::min(l.style.cluster_cell * 0.6f, 12 + 9 * std::log10(float(c.count)));
      XY r = rel(c.world);
      pts.push_back({float(r.x), float(r.y), rgba8(col), size, 0});
    }
    upload(g.clusters.vbo, GL_ARRAY_BUFFER, pts, GL_STREAM_DRAW);
    g.clusters.count = static_cast<GLsizei>(pts.size());
    return clusters;
  }

  LabelRequest request(const std::string& text, float size, float priority, int source) {
    LabelRequest r;
    r.text = utf8_to_u32(text);
    r.size = size;
    r.priority = priority;
    r.source = source;
    for (char32_t c : r.text) r.advances.push_back(atlas.advance(c, size));
    return r;
  }

  FrameInfo draw_labels(const Camera& cam, const std::vector<std::vector<Cluster>>& clusters) {
    std::vector<LabelRequest> requests;
    std::vector<std::pair<Color, Color>> colours;  // per request: text, halo
    BBox view = cam.visible_world();
    Color white{1, 1, 1, 1}, dark{0.04f, 0.1f, 0.18f, 0.9f};
    for (size_t li = 0; li < layers.size(); ++li) {
      const GpuLayer& g = layers[li];
      const SceneLayer& l = *g.layer;
      const auto& s = l.style;
      if (!l.visible || !in_zoom_range(s, cam.zoom)) continue;
      if (s.draw == DrawKind::Cluster) {
        for (auto& c : clusters[li]) {
          if (c.count < 2) continue;
          XY p = cam.world_to_screen(c.world);
          requests.push_back(request(std::to_string(c.count), 14, 1000 + float(c.count), int(li)));
          requests.back().anchor = p;
          colours.emplace_back(white, dark);
        }
        continue;
      }
      if (s.draw == DrawKind::Counts) {
        for (size_t i = 0; i < l.counts.size(); ++i) {
          if (!l.counts[i]) continue;
          requests.push_back(request(std::to_string(l.counts[i]), 13, 900, int(li)));
          requests.back().anchor = cam.world_to_screen(l.count_anchors[i]);
          colours.emplace_back(white, s.color.get(theme));
        }
        continue;
      }
      if (s.label_field.empty() || cam.zoom < s.label_min_zoom || !l.data) continue;
      const Column* col = l.data->column(s.label_field);
      if (!col) continue;
      for (size_t i = 0; i < l.data->size(); ++i) {
        if (!l.row_shown(i)) continue;
        std::string text = col->text(i);
        if (text.empty()) continue;
        if (s.label_along_line) {
          if (i >= l.world.size() || !l.world[i].bbox().intersects(view)) continue;
          float width = feature_width(l, i);
          for (auto& line : l.world[i].lines) {
            LabelRequest r = request(text, s.label_size, 5000 + width, int(li));  // street names before cluster counts
            for (XY p : line) r.line.push_back(cam.world_to_screen(p));
            requests.push_back(std::move(r));
            colours.emplace_back(g.label_color, g.label_halo);
          }
        } else {
          XY w{l.data->x[i], l.data->y[i]};
          if (!view.contains(w)) continue;
          LabelRequest r = request(text, s.label_size, 50 + float(li), int(li));
          r.anchor = cam.world_to_screen(w);
          requests.push_back(std::move(r));
          colours.emplace_back(g.label_color, g.label_halo);
        }
      }
    }
    CollisionIndex index(cam.width, cam.height);
    LabelOptions options;
    options.width = cam.width;
    options.height = cam.height;
    options.repeat_distance = 360;
    auto placed = place_labels(requests, options, index);
    std::vector<GlyphInstance> inst;
    inst.reserve(placed.size());
    const float atlas_h = GlyphAtlas::kPixelHeight;
    for (auto& pg : placed) {
      const Glyph* gl = atlas.find(pg.codepoint);
      if (!gl || gl->width == 0) continue;
      float k = pg.size / atlas_h;
      float baseline = float(pg.center.y) + 0.36f * pg.size;
      float left = float(pg.center.x) - gl->advance * k / 2;
      GlyphInstance gi{{left + gl->xoff * k, baseline + gl->yoff * k, gl->width * k, gl->height * k},
                       {gl->u0, gl->v0, gl->u1, gl->v1},
                       rgba8(colours[pg.label].first),
                       rgba8(colours[pg.label].second),
                       k};
      inst.push_back(gi);
    }
    upload(glyphs.vbo, GL_ARRAY_BUFFER, inst, GL_STREAM_DRAW);
    if (!inst.empty()) {
      text.use();
      glUniform2f(text.uniform("u_viewport"), float(cam.width), float(cam.height));
      glUniform1f(text.uniform("u_spread"), float(GlyphAtlas::kPadding));
      glUniform1f(text.uniform("u_halo_px"), 1.6f);
      glUniform1i(text.uniform("u_atlas"), 0);
      glActiveTexture(GL_TEXTURE0);
      glBindTexture(GL_TEXTURE_2D, atlas_tex.get());
      glBindVertexArray(glyphs.vao.get());
      glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(inst.size()));
    }
    size_t labels = 0;
    int last = -1;
    for (auto& pg : placed)
      if (pg.label != last) {
        ++labels;
        last = pg.label;
      }
    return {labels, 0};
  }

  void draw_basemap(const Camera& cam) {
    if (!basemap || !basemap_visible || basemap_opacity <= 0) return;
    if (!raster_covers(basemap_view, cam)) {
      RasterView want = raster_request(cam);
      std::vector<uint8_t> px;
      auto t0 = std::chrono::steady_clock::now();
      try {
        px = basemap(want.world, want.width, want.height);
        if (px.size() != size_t(want.width) * size_t(want.height) * 4)
          throw Error(ErrorKind::Internal, "basemap returned " + std::to_string(px.size()) + " bytes for " +
                                               std::to_string(want.width) + " x " + std::to_string(want.height));
      } catch (const std::exception& e) {
        // The vector map stays usable; retrying every frame would only repeat the failure.
        spdlog::warn("basemap switched off: {}", e.what());
        basemap = nullptr;
        return;
      }
      if (!basemap_tex) {
        GLuint t = 0;
        glGenTextures(1, &t);
        basemap_tex = Texture(t);
        basemap_vao = make_vertex_array();
        glBindVertexArray(basemap_vao.get());
        glBindBuffer(GL_ARRAY_BUFFER, quad_text.get());
        attrib(0, 2, GL_FLOAT, 8, 0, false);
      }
      glBindTexture(GL_TEXTURE_2D, basemap_tex.get());
      glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, want.width, want.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      basemap_view = want;
      spdlog::info("basemap re-sampled: {} x {} px in {:.0f} ms", want.width, want.height,
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    const BBox& w = basemap_view.world;
    double res = cam.resolution();
    raster.use();
    glUniform4f(raster.uniform("u_rect"), float(w.minx - cam.center.x), float(w.miny - cam.center.y),
                float(w.maxx - cam.center.x), float(w.maxy - cam.center.y));
    glUniform2f(raster.uniform("u_scale"), float(2.0 / (cam.width * res)), float(2.0 / (cam.height * res)));
    glUniform1f(raster.uniform("u_opacity"), basemap_opacity);
    glUniform1i(raster.uniform("u_image"), 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, basemap_tex.get());
    glBindVertexArray(basemap_vao.get());
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  }

  void upload_atlas() {
    if (!atlas_tex) {
      GLuint t = 0;
      glGenTextures(1, &t);
      atlas_tex = Texture(t);
    }
    glBindTexture(GL_TEXTURE_2D, atlas_tex.get());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, atlas.width(), atlas.height(), 0, GL_RED, GL_UNSIGNED_BYTE,
                 atlas.pixels().data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
};

MapRenderer::MapRenderer(const std::filesystem::path& shader_dir) : impl_(std::make_unique<Impl>()) {
  impl_->fill = Program::load(shader_dir, "fill");
  impl_->line = Program::load(shader_dir, "line");
  impl_->point = Program::load(shader_dir, "point");
  impl_->text = Program::load(shader_dir, "text");
  impl_->raster = Program::load(shader_dir, "raster");
  impl_->make_quads();
  impl_->setup_glyphs(impl_->glyphs);
  impl_->atlas.add(U"0123456789");
  impl_->upload_atlas();
}

MapRenderer::~MapRenderer() = default;

void MapRenderer::set_scene(const Scene& scene, style::Theme theme) {
  Impl& m = *impl_;
  m.scene = &scene;
  m.theme = theme;
  m.layers.clear();
  bool grew = false;
  for (auto& l : scene.layers) {
    GpuLayer g;
    g.layer = &l;
    m.build(g);
    m.layers.push_back(std::move(g));
    if (!l.style.label_field.empty() && l.data)
      if (const Column* c = l.data->column(l.style.label_field))
        for (size_t i = 0; i < l.data->size(); ++i) grew |= m.atlas.add(utf8_to_u32(c->text(i)));
  }
  if (grew) m.upload_atlas();
  glBindVertexArray(0);
}

void MapRenderer::update_layer(const Scene& scene, size_t layer) {
  Impl& m = *impl_;
  if (&scene != m.scene || layer >= m.layers.size())
    throw Error(ErrorKind::Internal, "update_layer: layer " + std::to_string(layer) + " is not in the scene drawn");
  GpuLayer g;
  g.layer = &scene.layers[layer];
  m.build(g);
  m.layers[layer] = std::move(g);
  glBindVertexArray(0);
}

void MapRenderer::set_heatmap(const HeatmapLayer* layer, std::optional<HeatmapParams> params) {
  impl_->heatmap = params ? layer : nullptr;
  impl_->heatmap_params = layer ? std::move(params) : std::nullopt;
}

FrameInfo MapRenderer::draw(const Camera& cam, Color bg, int x, int y) {
  Impl& m = *impl_;
  glViewport(x, y, cam.width, cam.height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(x, y, cam.width, cam.height);
  glClearColor(bg.r, bg.g, bg.b, bg.a);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  FrameInfo info;
  m.draw_basemap(cam);
  if (!m.scene) return info;
  std::vector<std::vector<Cluster>> clusters(m.layers.size());
  const Color none{0, 0, 0, 0};
  // The heatmap goes over the areas and streets but under every symbol and label, so those stay readable.
  size_t heat_after = 0;  // drawn before layer `heat_after`
  for (size_t li = 0; li < m.layers.size(); ++li)
    if (m.layers[li].layer->style.draw == DrawKind::Fill || m.layers[li].layer->style.draw == DrawKind::Line)
      heat_after = li + 1;
  auto draw_heatmap = [&] {
    if (m.heatmap) m.heatmap->draw(cam, *m.heatmap_params, x, y);
  };
  for (size_t li = 0; li < m.layers.size(); ++li) {
    if (li == heat_after) draw_heatmap();
    GpuLayer& g = m.layers[li];
    const SceneLayer& l = *g.layer;
    const auto& s = l.style;
    if (!l.visible || !in_zoom_range(s, cam.zoom)) continue;
    float op = l.opacity;
    switch (s.draw) {
      case DrawKind::Fill:
        m.draw_fill(g.fill, cam, op);
        m.draw_segments(g.segments, cam, std::min(1.0f, op * 1.6f), 0, none);
        break;
      case DrawKind::Line:
        if (s.casing_width > 0) m.draw_segments(g.segments, cam, op, s.casing_width, g.casing);
        m.draw_segments(g.segments, cam, op, 0, none);
        break;
      case DrawKind::Symbol:
        m.draw_fill(g.fill, cam, op);
        m.draw_points(g.points, cam, op, g.halo, 1.5f, &g.tiles, s.size);
        break;
      case DrawKind::Cluster:
        if (cam.zoom >= s.cluster_max_zoom) {
          m.draw_points(g.points, cam, op, g.halo, 1.0f, &g.tiles, s.size);
        } else {
          clusters[li] = m.update_clusters(g, cam);
          info.clusters += clusters[li].size();
          m.draw_points(g.clusters, cam, op, g.halo, 1.5f);
        }
        break;
      case DrawKind::Counts:
        m.draw_points(g.points, cam, op, g.halo, 2.0f);
        break;
    }
  }
  if (heat_after == m.layers.size()) draw_heatmap();
  FrameInfo labels = m.draw_labels(cam, clusters);
  info.labels_placed = labels.labels_placed;
  glBindVertexArray(0);
  return info;
}

void MapRenderer::set_basemap(BasemapFetch fetch) {
  impl_->basemap = std::move(fetch);
  impl_->basemap_view = {};
}

void MapRenderer::set_basemap_look(bool visible, float opacity) {
  impl_->basemap_visible = visible;
  impl_->basemap_opacity = opacity;
}

size_t MapRenderer::gpu_bytes() const {
  size_t n = size_t(impl_->basemap_view.width) * size_t(impl_->basemap_view.height) * 4;
  for (auto& g : impl_->layers) n += g.fill.bytes + g.segments.bytes + g.points.bytes;
  return n;
}

}  // namespace sitmap::render
