// Layer styles: layers/<layer>.toml parsed into immutable structs, plus layers/dashboard.toml (title, draw
// order, theme colours). Parsing never touches GL; errors name the file and the key.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sitmap::style {

struct Color {
  float r = 0, g = 0, b = 0, a = 1;
  friend bool operator==(const Color&, const Color&) = default;
};
// "#RRGGBB" or "#RRGGBBAA"; nullopt otherwise.
std::optional<Color> parse_color(std::string_view text);
Color mix(Color a, Color b, float t);  // linear, t in [0, 1]

enum class Theme { Dark, Light };
std::optional<Theme> parse_theme(std::string_view name);  // "dark" | "light"

// A colour per theme; the light one defaults to the dark one (operational colours keep their meaning).
struct ThemedColor {
  Color dark, light;
  Color get(Theme t) const { return t == Theme::Dark ? dark : light; }
};

enum class GeometryKind { Point, Line, Polygon };
// How the layer is drawn: polygons filled, lines stroked, points as symbols, points aggregated into
// screen-grid clusters at low zoom, or (sensitive layers) only as counts per polygon of another layer.
enum class DrawKind { Fill, Line, Symbol, Cluster, Counts };
enum class Symbol { Circle, Square, Triangle, House, Camera };
const char* symbol_name(Symbol s);

struct ColorStop {
  double value = 0;
  ThemedColor color;
};

struct Category {
  std::string value;  // the field's text value, e.g. "整改中"
  ThemedColor color;
  double min_zoom = 0;  // drawn only from this zoom: closed cases (已整改) stay off the district view
};

struct LayerStyle {
  std::string name;  // file stem, e.g. "cameras"
  std::filesystem::path file;
  std::string title;   // Chinese title for the layer list and legend
  // Chinese names of attribute fields for the details panel and tooltips ([fields] table: field = "名称").
  std::vector<std::pair<std::string, std::string>> field_labels;
  // How coded values read ([values.<field>] table: "1" = "在线"), e.g. a camera's online 1 / 0 as 在线 / 离线.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> value_labels;
  const std::string* value_label(const std::string& field, const std::string& value) const {
    for (auto& [f, labels] : value_labels)
      if (f == field)
        for (auto& [v, label] : labels)
          if (v == value) return &label;
    return nullptr;
  }
  std::string unit = "个";  // the counting word of its features: 12 起 (incidents), 3 处 (hazards), 2 人
  const std::string& field_label(const std::string& field) const {
    for (auto& [f, label] : field_labels)
      if (f == field) return label;
    return field;
  }
  std::string source;  // table in the store
  GeometryKind geometry = GeometryKind::Point;
  DrawKind draw = DrawKind::Symbol;
  bool sensitive = false;  // shown only as counts unless the principal may see points
  bool visible = true;     // initial visibility
  float opacity = 1;
  double min_zoom = 0, max_zoom = 24;  // Web Mercator zoom levels (0: whole world in 256 px)

  // fill
  ThemedColor fill;
  ThemedColor outline;
  float outline_width = 0;  // screen pixels; 0: none

  // line
  ThemedColor line_color;
  float line_width = 1;  // pixels, unless width_field picks one per feature
  ThemedColor casing;
  float casing_width = 0;                             // extra pixels on each side; 0: none
  std::string width_field;                            // e.g. "class"
  std::vector<std::pair<std::string, float>> widths;  // field value -> pixels

  // symbol
  Symbol symbol = Symbol::Circle;
  float size = 10;  // pixels
  ThemedColor color;
  ThemedColor halo;

  // colour by a text field (status), or by a numeric field through a ramp (thematic)
  std::string category_field;
  std::vector<Category> categories;
  std::string ramp_field;
  std::vector<ColorStop> ramp;  // ascending values
  std::string ramp_label;       // legend wording with its unit, e.g. "户数 (户)"; the field name by default
  // Classes instead of a gradient: stop i's colour for values in [stop i, stop i+1), the first below stop 1 and
  // the last from the last stop, so the legend can name each colour's range.
  bool ramp_classes = false;

  // dimmed features, e.g. offline cameras: field == value draws in dim_color
  std::string dim_field;
  double dim_value = 0;
  ThemedColor dim_color;
  std::string dim_label;  // legend / layer list wording, e.g. "离线"

  // field-of-view wedge for cameras
  std::string wedge_direction_field, wedge_fov_field, wedge_range_field;
  ThemedColor wedge_color;
  double wedge_min_zoom = 0;  // wedges overlap each other at district zoom: drawn from this zoom only

  // labels
  std::string label_field;
  float label_size = 14;
  ThemedColor label_color;
  ThemedColor label_halo;
  bool label_along_line = false;
  double label_min_zoom = 0;

  // clusters: points merge into cells of cluster_cell pixels below cluster_max_zoom
  float cluster_cell = 64;
  double cluster_max_zoom = 0;
  // Cluster colours by count: class i from cluster_classes[i].value up to the next one's (ascending, from 2;
  // a single point keeps its own colour). Empty: all in `color`.
  std::vector<ColorStop> cluster_classes;
  bool cluster_under_heatmap = true;  // false: clusters hide while a heatmap shows the same points

  // counts: the polygon layer whose features receive the counts
  std::string counts_per;

  bool has_wedge() const { return !wedge_direction_field.empty(); }
};

struct DashboardStyle {
  std::filesystem::path file;
  std::string title;  // top bar
  Theme theme = Theme::Dark;
  std::vector<std::string> order;  // layers bottom to top
  // [workspaces.<name>] (overview, analysis, planning, briefing): what the workspace shows when it is entered.
  // A workspace not listed keeps what is shown.
  struct WorkspaceLayers {
    std::string name;
    std::vector<std::string> layers;                     // of `order`, shown; the others start hidden
    std::vector<std::pair<std::string, float>> opacity;  // layers drawn fainter (or stronger) than their style's
  };
  std::vector<WorkspaceLayers> workspaces;
  const WorkspaceLayers* workspace(std::string_view name) const;
  ThemedColor background, panel, text, accent;
};

struct StyleSet {
  DashboardStyle dashboard;
  std::vector<LayerStyle> layers;  // in dashboard.order
  const LayerStyle* find(std::string_view name) const;
};

// Parses one layer file; throws Error(BadInput) "FILE: key 'a.b': reason" or Error(NotFound).
LayerStyle parse_layer_style(const std::filesystem::path& file);
LayerStyle parse_layer_style_text(std::string_view text, const std::filesystem::path& file_for_messages);
DashboardStyle parse_dashboard(const std::filesystem::path& file);
// dir/dashboard.toml plus dir/<layer>.toml for every layer it orders.
StyleSet load_styles(const std::filesystem::path& dir);

}  // namespace sitmap::style
