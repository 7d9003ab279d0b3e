// What the per-kind layer renderers share (private to render): instance and vertex records, attribute and
// upload helpers, the programs and unit quads loaded once per MapRenderer, and the draw calls over them.
#pragma once
#include <cstdint>
#include <vector>

#include "sitmap/render/camera.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::render::gpu {

struct Rgba8 {
  uint8_t r, g, b, a;
};
Rgba8 rgba8(style::Color c);

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

// Float or normalised-byte attribute `loc` at `offset` in a `stride`-byte record.
void attrib(GLuint loc, int n, GLenum type, size_t stride, size_t offset, bool instanced);

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

// The programs and unit quads every layer renderer draws with; needs a current GL context.
struct Programs {
  explicit Programs(const std::filesystem::path& shader_dir);
  Program fill, line, point, text, raster;
  Buffer quad_line, quad_point, quad_text;
};

IndexedBatch fill_batch();
InstancedBatch segment_batch(const Programs& p);
InstancedBatch point_batch(const Programs& p);
InstancedBatch glyph_batch(const Programs& p);

void upload_fill(IndexedBatch& b, const std::vector<FillVertex>& vertices, const std::vector<uint32_t>& indices);
void upload_segments(InstancedBatch& b, const std::vector<Segment>& segments);
void upload_points(InstancedBatch& b, const std::vector<PointInstance>& points, GLenum usage = GL_STATIC_DRAW);

// Segments of a polyline, relative to `origin`, skipping zero-length ones.
void add_segments(const std::vector<XY>& line, XY origin, float width, Rgba8 color, std::vector<Segment>& out);
// Sorts instances by the cell of a 64 x 64 grid over their extent and records each cell's run.
void tile_points(std::vector<PointInstance>& points, std::vector<PointTile>& tiles);

// Vertices are stored relative to `origin` (floats stay precise); the camera centre is subtracted in double.
void draw_fill(const Programs& p, const IndexedBatch& b, const Camera& cam, XY origin, float opacity);
void draw_segments(const Programs& p, const InstancedBatch& b, const Camera& cam, XY origin, float opacity, float extra,
                   style::Color override_color);
// `tiles` (may be empty: all at once) limits the draw to the cells in view; max_size is the largest symbol.
void draw_points(const Programs& p, const InstancedBatch& b, const Camera& cam, XY origin, float opacity,
                 style::Color halo, float halo_px, const std::vector<PointTile>& tiles = {}, float max_size = 0);

}  // namespace sitmap::render::gpu
