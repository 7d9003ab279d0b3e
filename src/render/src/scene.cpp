#include "sitmap/render/scene.hpp"

#include <algorithm>
#include <cmath>

#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::render {

using style::Color;
using style::DrawKind;

const SceneLayer* Scene::find(std::string_view name) const {
  for (auto& l : layers)
    if (l.style.name == name) return &l;
  return nullptr;
}
SceneLayer* Scene::find(std::string_view name) {
  for (auto& l : layers)
    if (l.style.name == name) return &l;
  return nullptr;
}

bool SceneLayer::row_shown(size_t row) const {
  return !shown || std::binary_search(shown->begin(), shown->end(), static_cast<uint32_t>(row));
}

bool in_zoom_range(const style::LayerStyle& s, double zoom) { return zoom >= s.min_zoom && zoom <= s.max_zoom; }

bool draws_clusters(const style::LayerStyle& s, double zoom) {
  return s.draw == DrawKind::Cluster && zoom < s.cluster_max_zoom;
}

bool hidden_under_heatmap(const style::LayerStyle& s, double zoom) {
  return !s.cluster_under_heatmap && draws_clusters(s, zoom);
}

bool draws_wedges(const style::LayerStyle& s, double zoom) { return s.has_wedge() && zoom >= s.wedge_min_zoom; }

Color cluster_color(const style::LayerStyle& s, int64_t count, style::Theme theme) {
  Color c = s.color.get(theme);
  for (auto& k : s.cluster_classes)
    if (double(count) >= k.value) c = k.color.get(theme);
  return c;
}

size_t ramp_class(const style::LayerStyle& s, double value) {
  size_t k = 0;
  while (k + 1 < s.ramp.size() && value >= s.ramp[k + 1].value) ++k;
  return k;
}

namespace {

Geometry to_world(const Geometry& g) {
  Geometry w = g;
  for (auto& l : w.lines) geo::to_web_mercator(l);
  for (auto& p : w.polygons)
    for (auto& r : p.rings) geo::to_web_mercator(r);
  geo::to_web_mercator(w.points);
  return w;
}

const Column* column(const SceneLayer& l, const std::string& name) {
  return name.empty() || !l.data ? nullptr : l.data->column(name);
}

}  // namespace

bool feature_dimmed(const SceneLayer& l, size_t row) {
  const Column* c = column(l, l.style.dim_field);
  return c && c->number(row) == l.style.dim_value;
}

Color feature_color(const SceneLayer& l, size_t row, style::Theme theme, const std::vector<Color>* fill_colors) {
  const auto& s = l.style;
  Color base = s.draw == DrawKind::Fill   ? s.fill.get(theme)
               : s.draw == DrawKind::Line ? s.line_color.get(theme)
                                          : s.color.get(theme);
  if (fill_colors && row < fill_colors->size()) return (*fill_colors)[row];
  if (feature_dimmed(l, row)) return s.dim_color.get(theme);
  if (const Column* c = column(l, s.category_field)) {
    std::string v = c->text(row);
    for (auto& cat : s.categories)
      if (cat.value == v) return cat.color.get(theme);
  }
  if (const Column* c = column(l, s.ramp_field); c && !s.ramp.empty()) {
    double v = c->number(row);
    if (std::isnan(v)) return base;
    if (s.ramp_classes) return s.ramp[ramp_class(s, v)].color.get(theme);
    if (v <= s.ramp.front().value) return s.ramp.front().color.get(theme);
    for (size_t i = 1; i < s.ramp.size(); ++i)
      if (v <= s.ramp[i].value) {
        double t = (v - s.ramp[i - 1].value) / (s.ramp[i].value - s.ramp[i - 1].value);
        return style::mix(s.ramp[i - 1].color.get(theme), s.ramp[i].color.get(theme), static_cast<float>(t));
      }
    return s.ramp.back().color.get(theme);
  }
  return base;
}

double feature_min_zoom(const SceneLayer& l, size_t row) {
  if (const Column* c = column(l, l.style.category_field)) {
    std::string v = c->text(row);
    for (auto& cat : l.style.categories)
      if (cat.value == v) return cat.min_zoom;
  }
  return 0;
}

float feature_width(const SceneLayer& l, size_t row) {
  if (const Column* c = column(l, l.style.width_field)) {
    std::string v = c->text(row);
    for (auto& [value, w] : l.style.widths)
      if (value == v) return w;
  }
  return l.style.line_width;
}

SceneLayer make_layer(style::LayerStyle style, std::shared_ptr<const Snapshot> data) {
  SceneLayer l;
  l.style = std::move(style);
  l.visible = l.style.visible;
  l.opacity = l.style.opacity;
  l.data = std::move(data);
  l.total = static_cast<int64_t>(l.data->size());
  if (l.style.geometry != style::GeometryKind::Point) {
    l.world.reserve(l.data->size());
    for (auto& g : l.data->geometries) {
      l.world.push_back(to_world(g));
      l.extent.expand(l.world.back().bbox());
    }
  } else {
    for (size_t i = 0; i < l.data->size(); ++i)
      if (std::isfinite(l.data->x[i])) l.extent.expand(XY{l.data->x[i], l.data->y[i]});
  }
  for (size_t i = 0; i < l.data->size(); ++i) l.dimmed += feature_dimmed(l, i);
  return l;
}

SceneLayer make_counts_layer(style::LayerStyle style, const Snapshot& polygons, std::vector<int64_t> counts,
                             int64_t total) {
  if (counts.size() != polygons.size())
    throw Error(ErrorKind::Internal, "layer '" + style.name + "': " + std::to_string(counts.size()) + " counts for " +
                                         std::to_string(polygons.size()) + " polygons");
  SceneLayer l;
  l.style = std::move(style);
  l.visible = l.style.visible;
  l.opacity = l.style.opacity;
  l.counts = std::move(counts);
  l.total = total;
  for (size_t i = 0; i < polygons.size(); ++i) l.count_anchors.push_back({polygons.x[i], polygons.y[i]});
  for (auto& a : l.count_anchors) l.extent.expand(a);
  return l;
}

Scene make_scene(std::vector<SceneLayer> layers) {
  Scene scene;
  scene.layers = std::move(layers);
  for (auto& l : scene.layers) scene.extent.expand(l.extent);
  scene.origin = scene.extent.empty() ? XY{} : scene.extent.center();
  return scene;
}

std::vector<Cluster> screen_grid_clusters(const Snapshot& pts, const Camera& camera, float cell_px,
                                          const std::vector<uint32_t>* only) {
  double cell = cell_px * camera.resolution();
  BBox view = camera.visible_world();
  // Cells are world multiples of `cell`; a dense array covers the visible ones (plus a margin of one).
  int64_t cx0 = static_cast<int64_t>(std::floor(view.minx / cell)) - 1,
          cy0 = static_cast<int64_t>(std::floor(view.miny / cell)) - 1;
  int64_t cols = static_cast<int64_t>(std::floor(view.maxx / cell)) + 2 - cx0,
          rows = static_cast<int64_t>(std::floor(view.maxy / cell)) + 2 - cy0;
  double minx = cx0 * cell, miny = cy0 * cell, maxx = (cx0 + cols) * cell, maxy = (cy0 + rows) * cell;
  struct Acc {
    double sx = 0, sy = 0;
    int64_t n = 0;
    size_t first = 0;
    BBox extent;
  };
  std::vector<Acc> cells(static_cast<size_t>(cols * rows));
  const double inv = 1 / cell;
  const size_t n = only ? only->size() : pts.size();
  for (size_t k = 0; k < n; ++k) {
    size_t i = only ? (*only)[k] : k;
    double x = pts.x[i], y = pts.y[i];
    if (!(x >= minx && x < maxx && y >= miny && y < maxy)) continue;
    auto cx = static_cast<int64_t>((x - minx) * inv), cy = static_cast<int64_t>((y - miny) * inv);
    Acc& a = cells[static_cast<size_t>(std::min(cy, rows - 1) * cols + std::min(cx, cols - 1))];
    if (a.n == 0) a.first = i;
    a.sx += x;
    a.sy += y;
    a.extent.expand(XY{x, y});
    ++a.n;
  }
  std::vector<Cluster> out;
  for (auto& a : cells)
    if (a.n) out.push_back({{a.sx / a.n, a.sy / a.n}, a.n, a.first, a.extent});
  // Largest last, drawn on top.
  std::stable_sort(out.begin(), out.end(), [](const Cluster& a, const Cluster& b) { return a.count < b.count; });
  return out;
}

namespace {

double segment_distance(XY p, XY a, XY b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

bool polygon_contains(const Polygon& poly, XY p) {
  bool inside = false;
  for (auto& ring : poly.rings)
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
          p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
        inside = !inside;
  return inside;
}

}  // namespace

float cluster_diameter_px(const style::LayerStyle& s, int64_t count) {
  return count == 1 ? s.size : std::min(s.cluster_cell * 0.6f, 12 + 9 * std::log10(float(count)));
}

std::optional<ClusterPick> pick_cluster(const Scene& scene, const Camera& camera, XY screen, bool heatmap_on,
                                        double tolerance_px) {
  XY w = camera.screen_to_world(screen);
  double res = camera.resolution();
  for (size_t li = scene.layers.size(); li-- > 0;) {
    const SceneLayer& l = scene.layers[li];
    if (!l.visible || !in_zoom_range(l.style, camera.zoom) || !l.data || !draws_clusters(l.style, camera.zoom)) continue;
    if (heatmap_on && hidden_under_heatmap(l.style, camera.zoom)) continue;
    auto clusters = screen_grid_clusters(*l.data, camera, l.style.cluster_cell, l.shown.get());
    for (size_t k = clusters.size(); k-- > 0;) {  // largest last, drawn on top
      const Cluster& c = clusters[k];
      double reach = (cluster_diameter_px(l.style, c.count) / 2 + tolerance_px) * res;
      if (std::hypot(c.world.x - w.x, c.world.y - w.y) <= reach) return ClusterPick{li, c};
    }
  }
  return std::nullopt;
}

std::optional<Pick> pick(const Scene& scene, const Camera& camera, XY screen, double tolerance_px) {
  XY w = camera.screen_to_world(screen);
  double res = camera.resolution();
  for (size_t li = scene.layers.size(); li-- > 0;) {
    const SceneLayer& l = scene.layers[li];
    if (!l.visible || !in_zoom_range(l.style, camera.zoom) || !l.data) continue;
    if (draws_clusters(l.style, camera.zoom)) continue;
    if (l.style.geometry == style::GeometryKind::Point) {
      double best = (l.style.size / 2 + tolerance_px) * res;
      std::optional<Pick> hit;
      const size_t n = l.shown ? l.shown->size() : l.data->size();
      for (size_t k = 0; k < n; ++k) {
        size_t i = l.shown ? (*l.shown)[k] : k;
        if (camera.zoom < feature_min_zoom(l, i)) continue;  // not drawn at this zoom
        double d = std::hypot(l.data->x[i] - w.x, l.data->y[i] - w.y);
        if (d <= best) {
          best = d;
          hit = Pick{li, i};
        }
      }
      if (hit) return hit;
      continue;
    }
    for (size_t i = l.world.size(); i-- > 0;) {
      if (!l.row_shown(i)) continue;
      const Geometry& g = l.world[i];
      if (l.style.draw == DrawKind::Line) {
        double tol = (feature_width(l, i) / 2 + tolerance_px) * res;
        for (auto& line : g.lines)
          for (size_t k = 1; k < line.size(); ++k)
            if (segment_distance(w, line[k - 1], line[k]) <= tol) return Pick{li, i};
      } else {
        for (auto& poly : g.polygons)
          if (polygon_contains(poly, w)) return Pick{li, i};
      }
    }
  }
  return std::nullopt;
}

std::string display_value(const style::LayerStyle& style, const Column& column, size_t row) {
  std::string text = column.text(row);
  if (text.empty()) return "—";
  if (const std::string* label = style.value_label(column.def.name, text)) return *label;
  // Stored times (ISO, "2026-04-20T10:25:00") read as a person writes them: 2026-04-20 10:25.
  if (column.def.type == FieldType::Text && text.size() >= 16 && text[10] == 'T' && parse_iso_time(text)) {
    text[10] = ' ';
    if (text.size() == 19 && text.compare(16, 3, ":00") == 0) text.resize(16);
  }
  return text;
}

std::vector<std::pair<std::string, std::string>> feature_attributes(const SceneLayer& l, size_t row) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!l.data || l.restricted) return out;
  out.emplace_back(l.style.field_label("id"), std::to_string(l.data->ids[row]));
  for (auto& c : l.data->columns) out.emplace_back(l.style.field_label(c.def.name), display_value(l.style, c, row));
  return out;
}

std::string feature_title(const SceneLayer& l, size_t row) {
  if (!l.data || l.restricted) return l.style.title;
  if (const Column* c = column(l, l.style.label_field)) {
    std::string t = c->text(row);
    if (!t.empty()) return l.style.title + " · " + t;
  }
  return l.style.title + " #" + std::to_string(l.data->ids[row]);
}

IncidentColumns incident_columns(const Snapshot& s) {
  std::vector<int64_t> times = s.time;
  times.resize(s.size(), analysis::kNoTime);
  std::span<const std::string> categories;
  std::span<const uint8_t> valid;
  if (const auto* c = s.column("category"); c && c->def.type == FieldType::Text)
    categories = c->texts, valid = c->valid;
  IncidentColumns out;
  if (const auto* c = s.column("severity"); c && c->def.type != FieldType::Text) {
    out.severity.resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) out.severity[i] = c->number(i);
  }
  out.table = analysis::IncidentTable::build(times, categories, valid, out.severity);
  return out;
}

}  // namespace sitmap::render
