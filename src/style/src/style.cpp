#include "sitmap/style/style.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "sitmap/core/error.hpp"
#include "toml_reader.hpp"

namespace sitmap::style {

namespace fs = std::filesystem;

std::optional<Color> parse_color(std::string_view text) {
  if (text.size() != 7 && text.size() != 9) return std::nullopt;
  if (text[0] != '#') return std::nullopt;
  float c[4] = {0, 0, 0, 1};
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    int v = 0;
    for (int k = 1; k <= 2; ++k) {
      char ch = text[i + k];
      int d = ch >= '0' && ch <= '9'   ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                       : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    c[i / 2] = v / 255.0f;
  }
  return Color{c[0], c[1], c[2], c[3]};
}

Color mix(Color a, Color b, float t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, a.a + (b.a - a.a) * t};
}

std::optional<Theme> parse_theme(std::string_view name) {
  if (name == "dark") return Theme::Dark;
  if (name == "light") return Theme::Light;
  return std::nullopt;
}

const char* symbol_name(Symbol s) {
  switch (s) {
    case Symbol::Circle:
      return "circle";
    case Symbol::Square:
      return "square";
    case Symbol::Triangle:
      return "triangle";
    case Symbol::House:
      return "house";
    case Symbol::Camera:
      return "camera";
  }
  return "?";
}

const LayerStyle* StyleSet::find(std::string_view name) const {
  for (auto& l : layers)
    if (l.name == name) return &l;
  return nullptr;
}

const DashboardStyle::WorkspaceLayers* DashboardStyle::workspace(std::string_view name) const {
  for (auto& w : workspaces)
    if (w.name == name) return &w;
  return nullptr;
}

namespace {

using detail::parse_toml;
using detail::read_file;
using detail::Reader;

double number_value(const toml::node& n) {
  return n.is_integer() ? static_cast<double>(n.as_integer()->get()) : n.as_floating_point()->get();
}

void set(ThemedColor& out, std::optional<ThemedColor> c) {
  if (c) out = *c;
}

void read_fill(Reader r, LayerStyle& s) {
  set(s.fill, r.color("color"));
  set(s.outline, r.color("outline"));
  s.outline_width = static_cast<float>(r.number("outline_width", 0, 20).value_or(0));
  r.finish();
}

void read_line(Reader r, LayerStyle& s) {
  set(s.line_color, r.color("color"));
  s.line_width = static_cast<float>(r.number("width", 0.1, 40).value_or(1));
  set(s.casing, r.color("casing"));
  s.casing_width = static_cast<float>(r.number("casing_width", 0, 10).value_or(0));
  s.width_field = r.text("width_field").value_or("");
  if (auto w = r.sub("widths")) {
    if (s.width_field.empty()) r.fail("widths", "needs 'width_field'");
    for (auto& k : w->keys()) s.widths.emplace_back(k, static_cast<float>(*w->number(k, 0.1, 40)));
  }
  r.finish();
}

void read_symbol(Reader r, LayerStyle& s) {
  s.symbol = r.choice<Symbol>("shape", {{"circle", Symbol::Circle},
                                        {"square", Symbol::Square},
                                        {"triangle", Symbol::Triangle},
                                        {"house", Symbol::House},
                                        {"camera", Symbol::Camera}})
                 .value_or(Symbol::Circle);
  s.size = static_cast<float>(r.number("size", 2, 64).value_or(10));
  set(s.color, r.color("color"));
  set(s.halo, r.color("halo"));
  r.finish();
}

void read_field_labels(Reader r, LayerStyle& s) {
  for (const std::string& field : r.keys()) {
    auto label = r.text(field);
    if (!label || label->empty()) r.fail(field, "expected a non-empty label string");
    s.field_labels.emplace_back(field, *label);
  }
  r.finish();
}

void read_value_labels(Reader r, LayerStyle& s) {
  for (const std::string& field : r.keys()) {
    auto table = r.sub(field);
    if (!table) r.fail(field, "expected a table of value = \"label\"");
    std::vector<std::pair<std::string, std::string>> labels;
    for (const std::string& value : table->keys()) {
      auto label = table->text(value);
      if (!label || label->empty()) table->fail(value, "expected a non-empty label string");
      labels.emplace_back(value, *label);
    }
    table->finish();
    s.value_labels.emplace_back(field, std::move(labels));
  }
  r.finish();
}

void read_categories(Reader r, LayerStyle& s) {
  s.category_field = r.required_text("field");
  const toml::array* values = r.array("values");
  if (!values || values->empty()) r.fail("values", "missing: expected [[\"value\", \"#RRGGBB\"], ...]");
  for (size_t i = 0; i < values->size(); ++i) {
    auto* pair = values->get(i)->as_array();
    std::string key = "values[" + std::to_string(i) + "]";
    if (!pair || pair->size() < 2 || pair->size() > 3 || !pair->get(0)->is_string() ||
        (pair->size() == 3 && !pair->get(2)->is_number()))
      r.fail(key, "expected [\"value\", \"#RRGGBB\"] or [\"value\", \"#RRGGBB\", min_zoom]");
    Category c;
    c.value = pair->get(0)->as_string()->get();
    c.color.dark = c.color.light = r.color_value(key, *pair->get(1));
    if (pair->size() == 3) {
      c.min_zoom = number_value(*pair->get(2));
      if (!(c.min_zoom >= 0 && c.min_zoom <= 24)) r.fail(key, "min_zoom out of range [0, 24]");
    }
    s.categories.push_back(std::move(c));
  }
  r.finish();
}

void read_ramp(Reader r, LayerStyle& s) {
  s.ramp_field = r.required_text("field");
  s.ramp_label = r.text("label").value_or(s.ramp_field);
  const toml::array* stops = r.array("stops");
  if (!stops || stops->size() < 2) r.fail("stops", "expected at least two [value, \"#RRGGBB\"] stops");
  for (size_t i = 0; i < stops->size(); ++i) {
    auto* pair = stops->get(i)->as_array();
    std::string key = "stops[" + std::to_string(i) + "]";
    if (!pair || pair->size() != 2 || !(pair->get(0)->is_number())) r.fail(key, "expected [number, \"#RRGGBB\"]");
    ColorStop stop;
    stop.value = number_value(*pair->get(0));
    if (!s.ramp.empty() && stop.value <= s.ramp.back().value) r.fail(key, "stops must ascend");
    stop.color.dark = stop.color.light = r.color_value(key, *pair->get(1));
    s.ramp.push_back(stop);
  }
  s.ramp_classes = r.boolean("classes").value_or(false);
  // Optional colours for the light theme, one per stop.
  if (const toml::array* light = r.array("stops_light")) {
    if (light->size() != s.ramp.size())
      r.fail("stops_light", "needs one colour per stop (" + std::to_string(s.ramp.size()) + ")");
    for (size_t i = 0; i < light->size(); ++i)
      s.ramp[i].color.light = r.color_value("stops_light[" + std::to_string(i) + "]", *light->get(i));
  }
  r.finish();
}

void read_dim(Reader r, LayerStyle& s) {
  s.dim_field = r.required_text("field");
  auto equals = r.number("equals", -1e12, 1e12);
  if (!equals) r.fail("equals", "missing (required)");
  s.dim_value = *equals;
  auto c = r.color("color");
  if (!c) r.fail("color", "missing (required)");
  s.dim_color = *c;
  s.dim_label = r.text("label").value_or("");
  r.finish();
}

void read_wedge(Reader r, LayerStyle& s) {
  s.wedge_direction_field = r.required_text("direction_field");
  s.wedge_fov_field = r.required_text("fov_field");
  s.wedge_range_field = r.required_text("range_field");
  auto c = r.color("color");
  if (!c) r.fail("color", "missing (required)");
  s.wedge_color = *c;
  s.wedge_min_zoom = r.number("min_zoom", 0, 24).value_or(0);
  r.finish();
}

void read_label(Reader r, LayerStyle& s) {
  s.label_field = r.required_text("field");
  s.label_size = static_cast<float>(r.number("size", 6, 64).value_or(14));
  s.label_color = r.color("color").value_or(ThemedColor{{1, 1, 1, 1}, {0, 0, 0, 1}});
  s.label_halo = r.color("halo").value_or(ThemedColor{{0, 0, 0, 1}, {1, 1, 1, 1}});
  s.label_along_line = r.choice<bool>("placement", {{"point", false}, {"line", true}}).value_or(false);
  s.label_min_zoom = r.number("min_zoom", 0, 24).value_or(0);
  r.finish();
}

void read_cluster(Reader r, LayerStyle& s) {
  s.cluster_cell = static_cast<float>(r.number("cell", 8, 512).value_or(64));
  auto z = r.number("max_zoom", 0, 24);
  if (!z) r.fail("max_zoom", "missing (required): zoom at and above which points are drawn one by one");
  s.cluster_max_zoom = *z;
  if (const toml::array* classes = r.array("classes")) {
    for (size_t i = 0; i < classes->size(); ++i) {
      auto* pair = classes->get(i)->as_array();
      std::string key = "classes[" + std::to_string(i) + "]";
      if (!pair || pair->size() != 2 || !pair->get(0)->is_integer()) r.fail(key, "expected [count, \"#RRGGBB\"]");
      ColorStop c;
      c.value = number_value(*pair->get(0));
      if (c.value < 2 || (!s.cluster_classes.empty() && c.value <= s.cluster_classes.back().value))
        r.fail(key, "counts must ascend from 2 (a single point keeps its own colour)");
      c.color.dark = c.color.light = r.color_value(key, *pair->get(1));
      s.cluster_classes.push_back(c);
    }
  }
  s.cluster_under_heatmap = r.boolean("under_heatmap").value_or(true);
  r.finish();
}

void read_counts(Reader r, LayerStyle& s) {
  s.counts_per = r.required_text("per");
  r.finish();
}

}  // namespace

LayerStyle parse_layer_style_text(std::string_view text, const fs::path& file) {
  toml::table doc = parse_toml(text, file);
  Reader r(doc, file, "");
  LayerStyle s;
  s.name = file.stem().string();
  s.file = file;
  s.title = r.required_text("title");
  s.source = r.text("source").value_or(s.name);
  s.unit = r.text("unit").value_or(s.unit);
  auto geometry = r.choice<GeometryKind>(
      "geometry", {{"point", GeometryKind::Point}, {"line", GeometryKind::Line}, {"polygon", GeometryKind::Polygon}});
  if (!geometry) r.fail("geometry", "missing (required)");
  s.geometry = *geometry;
  auto draw = r.choice<DrawKind>("draw", {{"fill", DrawKind::Fill},
                                          {"line", DrawKind::Line},
                                          {"symbol", DrawKind::Symbol},
                                          {"cluster", DrawKind::Cluster},
                                          {"counts", DrawKind::Counts}});
  if (!draw) r.fail("draw", "missing (required)");
  s.draw = *draw;
  s.sensitive = r.boolean("sensitive").value_or(false);
  s.visible = r.boolean("visible").value_or(!s.sensitive);
  s.opacity = static_cast<float>(r.number("opacity", 0, 1).value_or(1));
  s.min_zoom = r.number("min_zoom", 0, 24).value_or(0);
  s.max_zoom = r.number("max_zoom", 0, 24).value_or(24);
  if (s.min_zoom > s.max_zoom) r.fail("min_zoom", "greater than max_zoom");

  bool point_draw = s.draw == DrawKind::Symbol || s.draw == DrawKind::Cluster || s.draw == DrawKind::Counts;
  if (s.draw == DrawKind::Fill && s.geometry != GeometryKind::Polygon)
    r.fail("draw", "\"fill\" needs geometry \"polygon\"");
  if (s.draw == DrawKind::Line && s.geometry == GeometryKind::Point)
    r.fail("draw", "\"line\" needs line or polygon geometry");
  if (point_draw && s.geometry != GeometryKind::Point) r.fail("draw", "needs geometry \"point\"");
  if (s.sensitive && s.draw != DrawKind::Counts) r.fail("draw", "a sensitive layer must be drawn as \"counts\"");

  if (auto t = r.sub("fill")) read_fill(*t, s);
  if (auto t = r.sub("line")) read_line(*t, s);
  if (auto t = r.sub("symbol")) read_symbol(*t, s);
  if (auto t = r.sub("categories")) read_categories(*t, s);
  if (auto t = r.sub("ramp")) read_ramp(*t, s);
  if (auto t = r.sub("dim")) read_dim(*t, s);
  if (auto t = r.sub("wedge")) read_wedge(*t, s);
  if (auto t = r.sub("label")) read_label(*t, s);
  if (auto t = r.sub("fields")) read_field_labels(*t, s);
  if (auto t = r.sub("values")) read_value_labels(*t, s);
  if (auto t = r.sub("cluster")) read_cluster(*t, s);
  if (auto t = r.sub("counts")) read_counts(*t, s);
  if (s.draw == DrawKind::Fill && !r.has("fill")) r.fail("fill", "missing: draw = \"fill\" needs a [fill] table");
  if (s.draw == DrawKind::Line && !r.has("line")) r.fail("line", "missing: draw = \"line\" needs a [line] table");
  if (s.draw == DrawKind::Cluster && !r.has("cluster"))
    r.fail("cluster", "missing: draw = \"cluster\" needs a [cluster] table");
  if (s.draw == DrawKind::Counts && !r.has("counts"))
    r.fail("counts", "missing: draw = \"counts\" needs a [counts] table");
  r.finish();
  return s;
}

LayerStyle parse_layer_style(const fs::path& file) { return parse_layer_style_text(read_file(file), file); }

DashboardStyle parse_dashboard(const fs::path& file) {
  toml::table doc = parse_toml(read_file(file), file);
  Reader r(doc, file, "");
  DashboardStyle d;
  d.file = file;
  d.title = r.required_text("title");
  d.theme = r.choice<Theme>("theme", {{"dark", Theme::Dark}, {"light", Theme::Light}}).value_or(Theme::Dark);
  const toml::array* order = r.array("order");
  if (!order || order->empty()) r.fail("order", "missing: the layers to show, bottom to top");
  for (size_t i = 0; i < order->size(); ++i) {
    if (!order->get(i)->is_string()) r.fail("order[" + std::to_string(i) + "]", "expected a layer name");
    std::string name = order->get(i)->as_string()->get();
    if (std::find(d.order.begin(), d.order.end(), name) != d.order.end())
      r.fail("order[" + std::to_string(i) + "]", "layer \"" + name + "\" listed twice");
    d.order.push_back(name);
  }
  auto colors = r.sub("colors");
  if (!colors) r.fail("colors", "missing: [colors] background, panel, text, accent");
  auto need = [&](const char* key) {
    auto c = colors->color(key);
    if (!c) colors->fail(key, "missing (required)");
    return *c;
  };
  d.background = need("background");
  d.panel = need("panel");
  d.text = need("text");
  d.accent = need("accent");
  colors->finish();
  if (auto ws = r.sub("workspaces")) {
    auto known = [&](Reader& t, const std::string& key, const std::string& layer) {
      if (std::find(d.order.begin(), d.order.end(), layer) == d.order.end())
        t.fail(key, "layer \"" + layer + "\" is not in 'order'");
    };
    for (const char* name : {"overview", "analysis", "planning", "briefing", "cases"}) {
      auto t = ws->sub(name);
      if (!t) continue;
      DashboardStyle::WorkspaceLayers w{name, {}, {}};
      const toml::array* layers = t->array("layers");
      if (!layers) t->fail("layers", "missing: the layers shown in this workspace");
      for (size_t i = 0; i < layers->size(); ++i) {
        std::string key = "layers[" + std::to_string(i) + "]";
        if (!layers->get(i)->is_string()) t->fail(key, "expected a layer name");
        w.layers.push_back(layers->get(i)->as_string()->get());
        known(*t, key, w.layers.back());
      }
      if (auto o = t->sub("opacity")) {
        for (auto& layer : o->keys()) {
          known(*o, layer, layer);
          w.opacity.emplace_back(layer, static_cast<float>(*o->number(layer, 0, 1)));
        }
        o->finish();
      }
      t->finish();
      d.workspaces.push_back(std::move(w));
    }
    ws->finish();
  }
  r.finish();
  return d;
}

StyleSet load_styles(const fs::path& dir) {
  StyleSet set;
  set.dashboard = parse_dashboard(dir / "dashboard.toml");
  for (auto& name : set.dashboard.order) {
    fs::path file = dir / (name + ".toml");
    if (!fs::exists(file))
      throw Error(ErrorKind::NotFound, set.dashboard.file.string() + ": key 'order': layer \"" + name +
                                           "\" has no style file " + file.string());
    set.layers.push_back(parse_layer_style(file));
  }
  return set;
}

}  // namespace sitmap::style
