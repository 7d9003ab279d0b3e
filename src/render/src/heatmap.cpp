#include "sitmap/render/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "sitmap/analysis/grid.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/render/gl.hpp"

namespace sitmap::render {

namespace {

// One incident as the splat shader reads it (24 bytes; a million points are 24 MB).
struct SplatPoint {
  float x, y;  // Mercator metres relative to the origin
  float weight;
  int32_t time;                            // seconds after the table's earliest time
  int32_t severity;                        // valid with kHasSeverity
  uint8_t category, weekday, hour, flags;  // weekday and hour + 1, 0 without a time
};
constexpr uint8_t kHasTime = 1, kHasSeverity = 2, kWeightValid = 4;

// A 64-bit time relative to `base`, saturated to int32: every stored time lies in [0, INT32_MAX), so a
// saturated bound still separates them exactly as the unclamped one would.
int32_t relative_time(int64_t t, int64_t base) {
  int64_t d = 0;
  if (__builtin_sub_overflow(t, base, &d)) return t < base ? INT32_MIN : INT32_MAX;
  return static_cast<int32_t>(std::clamp<int64_t>(d, INT32_MIN, INT32_MAX));
}

void set_ramp(const Program& p, const char* array, const char* count, const std::vector<style::Color>& colors,
              const std::vector<style::Color>& fallback) {
  const auto& c = colors.empty() ? fallback : colors;
  size_t n = std::min(c.size(), kMaxRampColors);
  std::vector<float> v;
  for (size_t i = 0; i < n; ++i) v.insert(v.end(), {c[i].r, c[i].g, c[i].b, c[i].a});
  glUniform4fv(p.uniform(array), static_cast<GLsizei>(n), v.data());
  glUniform1i(p.uniform(count), static_cast<GLint>(n));
}

std::vector<style::Color> colors(std::initializer_list<const char*> hex) {
  std::vector<style::Color> out;
  for (const char* h : hex) out.push_back(*style::parse_color(h));
  return out;
}

// Caller state that draw() changes and puts back.
struct SavedState {
  GLint fbo = 0, viewport[4] = {}, src_rgb = 0, dst_rgb = 0, src_a = 0, dst_a = 0, eq_rgb = 0, eq_a = 0;
  GLboolean blend = GL_FALSE, scissor = GL_FALSE;
  SavedState() {
    scissor = glIsEnabled(GL_SCISSOR_TEST);
    glDisable(GL_SCISSOR_TEST);  // it would clip the float target's clear and splats
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &fbo);
    glGetIntegerv(GL_VIEWPORT, viewport);
    blend = glIsEnabled(GL_BLEND);
    glGetIntegerv(GL_BLEND_SRC_RGB, &src_rgb);
    glGetIntegerv(GL_BLEND_DST_RGB, &dst_rgb);
    glGetIntegerv(GL_BLEND_SRC_ALPHA, &src_a);
    glGetIntegerv(GL_BLEND_DST_ALPHA, &dst_a);
    glGetIntegerv(GL_BLEND_EQUATION_RGB, &eq_rgb);
    glGetIntegerv(GL_BLEND_EQUATION_ALPHA, &eq_a);
  }
  ~SavedState() {
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(fbo));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    if (blend)
      glEnable(GL_BLEND);
    else
      glDisable(GL_BLEND);
    glBlendFuncSeparate(src_rgb, dst_rgb, src_a, dst_a);
    glBlendEquationSeparate(eq_rgb, eq_a);
    if (scissor) glEnable(GL_SCISSOR_TEST);
    glBindVertexArray(0);
  }
};

}  // namespace

struct HeatmapLayer::Impl {
  Program splat, color;
  // The same buffer read per instance (a quad per point) or per vertex (a point sprite per point): sprites
  // are one vertex instead of four, and software rasterisers loop over instances one by one.
  VertexArray points_vao, sprites_vao, empty_vao;
  float max_sprite_px = 1;
  Buffer points;
  size_t count = 0;
  XY origin;
  int64_t time_base = 0;
  // The density target, kept across frames and re-made only when the viewport's size changes.
  FramebufferName fbo;
  Texture density;
  int fbo_w = 0, fbo_h = 0;

  void ensure_target(int w, int h) {
    if (fbo && w == fbo_w && h == fbo_h) return;
    GLuint tex = 0, fb = 0;
    glGenTextures(1, &tex);
    density = Texture(tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, w, h, 0, GL_RED, GL_FLOAT, nullptr);
    // Linear: a coarse grid is interpolated to the screen (float textures filter on desktop GL 3.x).
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glGenFramebuffers(1, &fb);
    fbo = FramebufferName(fb);
    glBindFramebuffer(GL_FRAMEBUFFER, fb);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      fbo = {};
      throw Error(ErrorKind::Internal, "heatmap: the driver cannot render to a " + std::to_string(w) + "x" +
                                           std::to_string(h) + " R32F texture");
    }
    fbo_w = w;
    fbo_h = h;
  }

  void set_filter(const char* name, const analysis::IncidentFilter& f) const {
    auto u = [&](const char* field) { return splat.uniform((std::string(name) + "." + field).c_str()); };
    glUniform2i(u("time"), relative_time(f.range.from, time_base), relative_time(f.range.to, time_base));
    glUniform1i(u("time_any"), f.range == TimeRange{});
    glUniform2ui(u("categories"), static_cast<GLuint>(f.categories & 0xffffffffu),
                 static_cast<GLuint>(f.categories >> 32));
    glUniform2i(u("severity"), f.min_severity, f.max_severity);
    glUniform1i(u("severity_any"), f.min_severity == INT32_MIN && f.max_severity == INT32_MAX);
    glUniform1i(u("weekday"), f.weekday);
    glUniform1i(u("hour"), f.hour);
  }

  // Pass 1: the density of the camera's view into the float target, which stays bound. `coarse`: on a
  // grid of cells up to max_reach_px across the reach (HeatmapParams), else per screen pixel. The grid
  // starts at the view's lower-left corner, so screen pixel p reads the target at p / cell in texels.
  struct Grid {
    double cell = 1;  // screen pixels per target texel
    int width = 0, height = 0;
  };
  Grid splat_pass(const Camera& cam, const HeatmapParams& p, bool coarse) {
    if (!(p.radius > 0) || !std::isfinite(p.radius))
      throw Error(ErrorKind::BadInput, "heatmap: the radius must be a positive number of metres");
    ensure_target(cam.width, cam.height);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo.get());
    glClearColor(0, 0, 0, 0);
    glClear(GL_COLOR_BUFFER_BIT);

    const double res = cam.resolution();
    const double scale = analysis::LocalFrame::at(cam.center.y).scale;  // ground metres per Mercator metre
    const double ground_px = res * scale;
    // Support radius for the kernel's formula: r, or σ for the Gaussian whose reach is 4σ.
    const double reach_per_r = p.kernel == analysis::Kernel::Gaussian ? 4 : 1;
    const double r = std::max(p.radius, p.min_reach_px * ground_px / reach_per_r);
    const double reach = r * reach_per_r;
    Grid g{1, cam.width, cam.height};
    if (coarse && p.max_reach_px > 0 && reach / ground_px > p.max_reach_px) {
      g.cell = reach / ground_px / p.max_reach_px;
      // Two spare texels so that bilinear reads at the far edges stay inside what was drawn.
      g.width = std::min(cam.width, static_cast<int>(std::ceil(cam.width / g.cell)) + 2);
      g.height = std::min(cam.height, static_cast<int>(std::ceil(cam.height / g.cell)) + 2);
    }
    if (!count) return g;
    const double cell_m = res * g.cell;  // Mercator metres per texel
    const double reach_texels = reach / ground_px / g.cell;
    const double sprite_px = 2 * std::ceil(reach_texels) + 2;
    const bool sprites = sprite_px <= max_sprite_px;
    // A guard band around the target: points are clipped by their centre, so those just outside the view
    // must still be inside the (larger) viewport to reach in. Pixels beyond the texture are not written.
    const int guard = static_cast<int>(std::ceil(reach_texels)) + 1;
    glViewport(-guard, -guard, g.width + 2 * guard, g.height + 2 * guard);
    const XY grid_center{cam.center.x - cam.width * res / 2 + g.width * cell_m / 2,
                         cam.center.y - cam.height * res / 2 + g.height * cell_m / 2};
    double norm = 0;  // integral over the plane (ground m²) is one; ×1e6: per km²
    switch (p.kernel) {
      case analysis::Kernel::Quartic:
        norm = 3 / (M_PI * r * r);
        break;
      case analysis::Kernel::Epanechnikov:
        norm = 2 / (M_PI * r * r);
        break;
      // The mass beyond the 4σ cut (e^-8) is given back, as the CPU's taps are normalised to sum to one.
      case analysis::Kernel::Gaussian:
        norm = 1 / (2 * M_PI * r * r * (1 - std::exp(-8.0)));
        break;
    }

    splat.use();
    glUniform2f(splat.uniform("u_offset"), float(origin.x - grid_center.x), float(origin.y - grid_center.y));
    glUniform2f(splat.uniform("u_scale"), float(2.0 / ((g.width + 2 * guard) * cell_m)),
                float(2.0 / ((g.height + 2 * guard) * cell_m)));
    glUniform1i(splat.uniform("u_sprite"), sprites);
    glUniform1f(splat.uniform("u_sprite_px"), float(sprite_px));
    glUniform1f(splat.uniform("u_ground_texel"), float(ground_px * g.cell));
    glUniform1f(splat.uniform("u_reach_m"), float(reach / scale));
    glUniform1f(splat.uniform("u_reach_g"), float(reach));
    glUniform1i(splat.uniform("u_kernel"), static_cast<GLint>(p.kernel));
    glUniform1f(splat.uniform("u_inv_r2"), float(1 / (r * r)));
    glUniform1f(splat.uniform("u_norm"), float(norm * 1e6));
    glUniform1i(splat.uniform("u_weighted"), p.weighted);
    set_filter("u_plus", p.filter);
    glUniform1i(splat.uniform("u_has_minus"), p.minus.has_value());
    if (p.minus) set_filter("u_minus", *p.minus);

    // Float targets blend on desktop GL 3.3 and are not clamped, so negative (difference) mass adds too.
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFunc(GL_ONE, GL_ONE);
    if (sprites) {
      glEnable(GL_PROGRAM_POINT_SIZE);
      glBindVertexArray(sprites_vao.get());
      glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(count));
      glDisable(GL_PROGRAM_POINT_SIZE);
    } else {
      glBindVertexArray(points_vao.get());
      glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(count));
    }
    return g;
  }
};

HeatmapLayer::HeatmapLayer(const std::filesystem::path& shader_dir) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.splat = Program::load(shader_dir, "heat_splat");
  m.color = Program::load(shader_dir, "heat_color");
  m.points = make_buffer();
  m.points_vao = make_vertex_array();
  m.sprites_vao = make_vertex_array();
  m.empty_vao = make_vertex_array();
  auto at = [](size_t offset) { return reinterpret_cast<const void*>(offset); };
  const GLsizei stride = sizeof(SplatPoint);
  for (const VertexArray* vao : {&m.points_vao, &m.sprites_vao}) {
    glBindVertexArray(vao->get());
    glBindBuffer(GL_ARRAY_BUFFER, m.points.get());
    for (GLuint loc = 0; loc < 4; ++loc) {
      glEnableVertexAttribArray(loc);
      glVertexAttribDivisor(loc, vao == &m.points_vao ? 1 : 0);
    }
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, at(offsetof(SplatPoint, x)));
    glVertexAttribPointer(1, 1, GL_FLOAT, GL_FALSE, stride, at(offsetof(SplatPoint, weight)));
    glVertexAttribIPointer(2, 2, GL_INT, stride, at(offsetof(SplatPoint, time)));
    glVertexAttribIPointer(3, 4, GL_UNSIGNED_BYTE, stride, at(offsetof(SplatPoint, category)));
  }
  glBindVertexArray(0);
  GLfloat range[2] = {1, 1};
  glGetFloatv(GL_POINT_SIZE_RANGE, range);
  m.max_sprite_px = range[1];
}

HeatmapLayer::~HeatmapLayer() = default;

void HeatmapLayer::set_points(std::span<const double> x, std::span<const double> y, std::span<const double> weights,
                              const analysis::IncidentTable& table, XY origin) {
  Impl& m = *impl_;
  const size_t n = x.size();
  if (y.size() != n || table.size() != n || (!weights.empty() && weights.size() != n))
    throw Error(ErrorKind::BadInput, "heatmap: " + std::to_string(n) + " x, " + std::to_string(y.size()) + " y, " +
                                         std::to_string(weights.size()) + " weights and " +
                                         std::to_string(table.size()) + " table rows do not match");
  const TimeRange ext = table.extent;
  const int64_t base = ext.from == INT64_MIN ? 0 : ext.from;
  if (ext.from != INT64_MIN && ext.to - base >= INT32_MAX)
    throw Error(ErrorKind::BadInput, "heatmap: incident times span more than 68 years (" + format_iso_time(ext.from) +
                                         " to " + format_iso_time(ext.to - 1) + ")");
  std::vector<SplatPoint> pts;
  pts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;  // rows without a location are not drawn
    SplatPoint p{};
    p.x = static_cast<float>(x[i] - origin.x);
    p.y = static_cast<float>(y[i] - origin.y);
    double w = weights.empty() ? 1 : weights[i];
    p.weight = std::isfinite(w) ? static_cast<float>(w) : 0;
    if (std::isfinite(w)) p.flags |= kWeightValid;
    if (table.times[i] != INT64_MIN) {
      p.time = static_cast<int32_t>(table.times[i] - base);
      p.weekday = static_cast<uint8_t>(weekday(table.times[i]) + 1);
      p.hour = static_cast<uint8_t>(hour_of_day(table.times[i]) + 1);
      p.flags |= kHasTime;
    }
    if (!table.severity.empty() && table.severity[i] != analysis::kNoSeverity) {
      p.severity = table.severity[i];
      p.flags |= kHasSeverity;
    }
    p.category = table.category.empty() ? analysis::kNoCategory : table.category[i];
    pts.push_back(p);
  }
  glBindBuffer(GL_ARRAY_BUFFER, m.points.get());
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(pts.size() * sizeof(SplatPoint)),
               pts.empty() ? nullptr : pts.data(), GL_STATIC_DRAW);
  m.count = pts.size();
  m.origin = origin;
  m.time_base = base;
}

size_t HeatmapLayer::size() const { return impl_->count; }

void HeatmapLayer::draw(const Camera& cam, const HeatmapParams& p, int x, int y) const {
  Impl& m = *impl_;
  if (!(p.scale_max > 0) || !std::isfinite(p.scale_max))
    throw Error(ErrorKind::BadInput, "heatmap: the colour scale's maximum must be a positive number");
  SavedState saved;
  auto grid = m.splat_pass(cam, p, true);

  // Pass 2: colour over the caller's framebuffer.
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(saved.fbo));
  glViewport(x, y, cam.width, cam.height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  m.color.use();
  static const std::vector<style::Color> kRising = colors({"#FDE047", "#FB923C", "#EF4444"});
  static const std::vector<style::Color> kFalling = colors({"#BAE6FD", "#38BDF8", "#1D4ED8"});
  set_ramp(m.color, "u_ramp", "u_ramp_n", p.ramp, kRising);
  set_ramp(m.color, "u_falling", "u_falling_n", p.falling, kFalling);
  glUniform1f(m.color.uniform("u_inv_max"), float(1 / p.scale_max));
  glUniform1f(m.color.uniform("u_opacity"), p.opacity);
  glUniform2f(m.color.uniform("u_origin"), float(x), float(y));
  glUniform2f(m.color.uniform("u_texel"), float(1 / (grid.cell * m.fbo_w)), float(1 / (grid.cell * m.fbo_h)));
  glUniform1i(m.color.uniform("u_density"), 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, m.density.get());
  glBindVertexArray(m.empty_vao.get());
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

std::vector<float> HeatmapLayer::read_density(const Camera& cam, const HeatmapParams& p) const {
  Impl& m = *impl_;
  SavedState saved;
  m.splat_pass(cam, p, false);
  const size_t w = static_cast<size_t>(cam.width), h = static_cast<size_t>(cam.height);
  std::vector<float> out(w * h);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glReadPixels(0, 0, cam.width, cam.height, GL_RED, GL_FLOAT, out.data());
  // GL's first row is the bottom one.
  for (size_t r = 0; r < h / 2; ++r)
    std::swap_ranges(out.begin() + r * w, out.begin() + (r + 1) * w, out.begin() + (h - 1 - r) * w);
  return out;
}

}  // namespace sitmap::render
