#include "sitmap/style/briefing.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "toml_reader.hpp"

namespace sitmap::style {

namespace {

constexpr std::array<const char*, 4> kCharts = {"top_blocks", "rectification", "special_persons", "zero_compounds"};
constexpr std::string_view kTrend = "trend:";
constexpr std::array<const char*, 3> kHighlights = {"zero_incident_compounds", "top_blocks", "special_persons"};

std::vector<std::string> strings(detail::Reader& r, std::string_view key) {
  std::vector<std::string> out;
  const toml::array* a = r.array(key);
  if (!a) return out;
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::node* n = a->get(i);
    if (!n->is_string() || n->as_string()->get().empty())
      r.fail(key, "element " + std::to_string(i + 1) + ": expected a non-empty string");
    out.push_back(n->as_string()->get());
  }
  return out;
}

template <size_t N>
std::optional<std::array<double, N>> numbers(detail::Reader& r, std::string_view key, const char* what) {
  const toml::array* a = r.array(key);
  if (!a) return std::nullopt;
  if (a->size() != N) r.fail(key, std::string("expected ") + what);
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) {
    const toml::node* n = a->get(i);
    if (!n->is_number()) r.fail(key, std::string("expected ") + what);
    out[i] = n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
  }
  return out;
}

bool valid_lonlat(double lon, double lat) { return lon >= -180 && lon <= 180 && lat >= -85 && lat <= 85; }

BriefingScene read_scene(detail::Reader r) {
  BriefingScene s;
  s.id = r.required_text("id");
  for (char c : s.id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      r.fail("id", "\"" + s.id + "\": only letters, digits, '_' and '-' (it names the scene's PNG file)");
  s.title = r.required_text("title");
  if (auto v = r.sub("view")) {
    s.bbox = numbers<4>(*v, "bbox", "[minlon, minlat, maxlon, maxlat]");
    s.center = numbers<2>(*v, "center", "[lon, lat]");
    auto zoom = v->number("zoom", 10, 20);
    if (s.bbox && s.center) v->fail("bbox", "give either bbox or center and zoom, not both");
    if (s.bbox && (!valid_lonlat((*s.bbox)[0], (*s.bbox)[1]) || !valid_lonlat((*s.bbox)[2], (*s.bbox)[3]) ||
                   (*s.bbox)[0] >= (*s.bbox)[2] || (*s.bbox)[1] >= (*s.bbox)[3]))
      v->fail("bbox", "expected minlon < maxlon and minlat < maxlat, in degrees");
    if (s.center && !valid_lonlat((*s.center)[0], (*s.center)[1])) v->fail("center", "expected [lon, lat] in degrees");
    if (s.center && !zoom) v->fail("zoom", "missing: center needs a zoom");
    if (zoom && !s.center) v->fail("zoom", "given without center");
    if (!s.bbox && !s.center) v->fail("bbox", "missing: expected bbox or center and zoom");
    s.zoom = zoom.value_or(0);
    v->finish();
  }
  s.layers = strings(r, "layers");
  s.period = r.text("period").value_or("");
  s.interval = r.number("interval", 3, 3600).value_or(0);
  s.tiles = strings(r, "tiles");
  if (s.tiles.size() > 12) r.fail("tiles", "at most 12 tiles fit on a wall screen");
  s.charts = strings(r, "charts");
  for (const auto& c : s.charts)
    if (!is_briefing_chart(c))
      r.fail("charts", "unknown chart \"" + c +
                           "\" (one of: trend:<category>, top_blocks, rectification, special_persons, zero_compounds)");
  if (s.charts.size() > 4) r.fail("charts", "at most 4 charts fit beside the map");
  s.highlight = strings(r, "highlight");
  for (const auto& h : s.highlight)
    if (!is_briefing_highlight(h))
      r.fail("highlight", "unknown highlight \"" + h + "\" (one of: zero_incident_compounds, top_blocks, special_persons)");
  r.finish();
  return s;
}

toml::array to_array(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  return a;
}

template <size_t N>
toml::array to_array(const std::array<double, N>& v) {
  toml::array a;
  for (double d : v) a.push_back(d);
  return a;
}

}  // namespace

bool is_briefing_chart(std::string_view name) {
  if (name.starts_with(kTrend)) return name.size() > kTrend.size();
  return std::find(kCharts.begin(), kCharts.end(), name) != kCharts.end();
}

bool is_briefing_highlight(std::string_view name) {
  return std::find(kHighlights.begin(), kHighlights.end(), name) != kHighlights.end();
}

Briefing parse_briefing_text(std::string_view text, const std::filesystem::path& file) {
  toml::table table = detail::parse_toml(text, file);
  detail::Reader r(table, file, "");
  Briefing b;
  b.file = file;
  b.title = r.required_text("title");
  b.interval = r.number("interval", 3, 3600).value_or(b.interval);
  b.period = r.text("period").value_or(b.period);
  const toml::array* scenes = r.array("scene");
  if (!scenes || scenes->empty()) r.fail("scene", "missing: expected at least one [[scene]]");
  for (size_t i = 0; i < scenes->size(); ++i) {
    const std::string key = "scene[" + std::to_string(i + 1) + "]";
    const toml::node* n = scenes->get(i);
    if (!n->is_table()) r.fail(key, "expected a table [[scene]]");
    b.scenes.push_back(read_scene(detail::Reader(*n->as_table(), b.file, key)));
    for (size_t j = 0; j + 1 < b.scenes.size(); ++j)
      if (b.scenes[j].id == b.scenes.back().id) r.fail(key + ".id", "\"" + b.scenes.back().id + "\" used twice");
  }
  r.finish();
  return b;
}

Briefing parse_briefing(const std::filesystem::path& file) { return parse_briefing_text(detail::read_file(file), file); }

std::string briefing_to_toml(const Briefing& b) {
  toml::table root;
  root.insert("title", b.title);
  root.insert("interval", b.interval);
  root.insert("period", b.period);
  toml::array scenes;
  for (const auto& s : b.scenes) {
    toml::table t;
    t.insert("id", s.id);
    t.insert("title", s.title);
    if (s.bbox || s.center) {
      toml::table view;
      if (s.bbox) view.insert("bbox", to_array(*s.bbox));
      if (s.center) {
        view.insert("center", to_array(*s.center));
        view.insert("zoom", s.zoom);
      }
      t.insert("view", view);
    }
    if (!s.layers.empty()) t.insert("layers", to_array(s.layers));
    if (!s.period.empty()) t.insert("period", s.period);
    if (s.interval > 0) t.insert("interval", s.interval);
    if (!s.tiles.empty()) t.insert("tiles", to_array(s.tiles));
    if (!s.charts.empty()) t.insert("charts", to_array(s.charts));
    if (!s.highlight.empty()) t.insert("highlight", to_array(s.highlight));
    scenes.push_back(t);
  }
  root.insert("scene", scenes);
  std::ostringstream out;
  out << "# The scenes of the wall-screen briefing (汇报), in order; see src/style/include/sitmap/style/briefing.hpp.\n"
      << root << "\n";
  return out.str();
}

void save_briefing(const Briefing& b, const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  fs::path tmp = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << briefing_to_toml(b);
    if (!out.flush()) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error(ErrorKind::ReadOnly, file.string() + ": cannot write the briefing");
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ErrorKind::ReadOnly, file.string() + ": cannot write the briefing: " + ec.message());
  }
}

}  // namespace sitmap::style
