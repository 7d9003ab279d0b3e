#include "symbol_renderer.hpp"

#include <algorithm>
#include <cmath>

#include "sitmap/geo/proj.hpp"

namespace sitmap::render {

using style::DrawKind;

namespace {

constexpr size_t kTiledPoints = 20000;

// Field-of-view wedges as triangle fans in world metres (range is ground metres, scaled to Mercator).
void build_wedges(const LayerInput& in, std::vector<gpu::FillVertex>& fv, std::vector<uint32_t>& fi) {
  const auto& s = in.layer.style;
  const Snapshot& d = *in.layer.data;
  const Column* dir = d.column(s.wedge_direction_field);
  const Column* fov = d.column(s.wedge_fov_field);
  const Column* range = d.column(s.wedge_range_field);
  if (!dir || !fov || !range) return;
  style::Color wedge = s.wedge_color.get(in.theme);
  style::Color dim = s.dim_color.get(in.theme);
  dim.a = wedge.a * 0.6f;
  for (size_t i = 0; i < d.size(); ++i) {
    if (!in.row_shown(i)) continue;
    double az = dir->number(i), fv_deg = fov->number(i), r_m = range->number(i);
    if (!std::isfinite(az) || !std::isfinite(fv_deg) || !std::isfinite(r_m) || r_m <= 0) continue;
    double r = r_m / geo::mercator_scale(d.lat[i]);
    gpu::Rgba8 c = gpu::rgba8(feature_dimmed(in.layer, i) ? dim : wedge);
    XY o{d.x[i] - in.origin.x, d.y[i] - in.origin.y};
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

}  // namespace

SymbolRenderer::SymbolRenderer(const gpu::Programs& gl, const LayerInput& in)
    : style_(in.layer.style),
      theme_(in.theme),
      kind_(in.layer.style.draw),
      size_(in.layer.style.size),
      cluster_cell_(in.layer.style.cluster_cell),
      cluster_max_zoom_(in.layer.style.cluster_max_zoom),
      halo_(in.layer.style.halo.get(in.theme)),
      origin_(in.origin),
      data_(in.layer.data),
      rows_(in.rows),
      wedges_(gpu::fill_batch()),
      points_(gpu::point_batch(gl)),
      clusters_gpu_(gpu::point_batch(gl)) {
  const auto& s = in.layer.style;
  const auto shape = float(static_cast<int>(s.symbol));
  std::vector<gpu::FillVertex> fv;
  std::vector<uint32_t> fi;
  std::vector<gpu::PointInstance> pts;
  std::vector<std::pair<double, std::vector<gpu::PointInstance>>> zoomed;
  if (kind_ == DrawKind::Counts) {
    const SceneLayer& l = in.layer;
    for (size_t i = 0; i < l.counts.size(); ++i) {
      if (l.counts[i] == 0) continue;
      XY r{l.count_anchors[i].x - origin_.x, l.count_anchors[i].y - origin_.y};
      float size = s.size + 4 * std::log10(float(l.counts[i]));
      pts.push_back({float(r.x), float(r.y), gpu::rgba8(s.color.get(in.theme)), size, shape});
    }
  } else if (data_) {
    const Snapshot& d = *data_;
    const size_t n = rows_ ? rows_->size() : d.size();
    pts.reserve(n);
    if (kind_ == DrawKind::Cluster) row_colors_.resize(d.size());
    for (size_t k = 0; k < n; ++k) {
      size_t i = rows_ ? (*rows_)[k] : k;
      if (!std::isfinite(d.x[i])) continue;
      XY r{d.x[i] - origin_.x, d.y[i] - origin_.y};
      gpu::PointInstance p{float(r.x), float(r.y), gpu::rgba8(in.color(i)), s.size, shape};
      if (kind_ == DrawKind::Cluster) row_colors_[i] = p.color;
      double z = feature_min_zoom(in.layer, i);
      if (z <= 0) {
        pts.push_back(p);
        continue;
      }
      auto at = std::find_if(zoomed.begin(), zoomed.end(), [&](auto& b) { return b.first == z; });
      if (at == zoomed.end()) at = zoomed.insert(zoomed.end(), {z, {}});
      at->second.push_back(p);
    }
    if (pts.size() > kTiledPoints) gpu::tile_points(pts, tiles_);
    if (s.has_wedge()) build_wedges(in, fv, fi);
  }
  gpu::upload_fill(wedges_, fv, fi);
  gpu::upload_points(points_, pts);
  for (auto& [z, batch] : zoomed) {
    zoomed_points_.emplace_back(z, gpu::point_batch(gl));
    gpu::upload_points(zoomed_points_.back().second, batch);
  }
}

size_t SymbolRenderer::gpu_bytes() const {
  size_t n = wedges_.bytes + points_.bytes;
  for (auto& [z, b] : zoomed_points_) n += b.bytes;
  return n;
}

// Clusters for the current view: circles sized by count and coloured by the style's count classes, so the
// legend can name each colour's range; a lone point keeps its own colour (severity), as when drawn one by one.
void SymbolRenderer::update_clusters(const Camera& cam) {
  clusters_ = screen_grid_clusters(*data_, cam, cluster_cell_, rows_.get());
  std::vector<gpu::PointInstance> pts;
  for (auto& c : clusters_) {
    gpu::Rgba8 col = c.count == 1 ? row_colors_[c.first] : gpu::rgba8(cluster_color(style_, c.count, theme_));
    col.a = 199;  // 0.78: translucent so the basemap and symbols beneath stay readable
    float size = cluster_diameter_px(style_, c.count);
    XY r{c.world.x - origin_.x, c.world.y - origin_.y};
    pts.push_back({float(r.x), float(r.y), col, size, 0});
  }
  gpu::upload_points(clusters_gpu_, pts, GL_STREAM_DRAW);
}

void SymbolRenderer::draw(const gpu::Programs& gl, const Camera& cam, float opacity) {
  clusters_.clear();
  switch (kind_) {
    case DrawKind::Cluster:
      if (cam.zoom >= cluster_max_zoom_) {
        gpu::draw_points(gl, points_, cam, origin_, opacity, halo_, 1.0f, tiles_, size_);
      } else if (data_) {
        update_clusters(cam);
        gpu::draw_points(gl, clusters_gpu_, cam, origin_, opacity, halo_, 1.5f);
      }
      break;
    case DrawKind::Counts:
      gpu::draw_points(gl, points_, cam, origin_, opacity, halo_, 2.0f);
      break;
    default:
      if (draws_wedges(style_, cam.zoom)) gpu::draw_fill(gl, wedges_, cam, origin_, opacity);
      gpu::draw_points(gl, points_, cam, origin_, opacity, halo_, 1.5f, tiles_, size_);
      for (auto& [z, batch] : zoomed_points_)
        if (cam.zoom >= z) gpu::draw_points(gl, batch, cam, origin_, opacity, halo_, 1.5f);
      break;
  }
}

}  // namespace sitmap::render
