#include "sitmap/style/style.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "sitmap/core/error.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::style;

namespace {

// The message of the Error thrown by parsing `text` as file "layers/t.toml".
std::string parse_error(const std::string& text) {
  try {
    parse_layer_style_text(text, "layers/t.toml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

const char* kMinimal = "title = \"摄像头\"\ngeometry = \"point\"\ndraw = \"symbol\"\n";

}  // namespace

TEST(Color, ParsesHexWithAndWithoutAlpha) {
  auto c = parse_color("#FF8000");
  ASSERT_TRUE(c);
  EXPECT_FLOAT_EQ(c->r, 1.0f);
  EXPECT_NEAR(c->g, 128 / 255.0f, 1e-6);
  EXPECT_FLOAT_EQ(c->b, 0.0f);
  EXPECT_FLOAT_EQ(c->a, 1.0f);
  auto t = parse_color("#00000080");
  ASSERT_TRUE(t);
  EXPECT_NEAR(t->a, 128 / 255.0f, 1e-6);
  EXPECT_FALSE(parse_color("FF8000"));
  EXPECT_FALSE(parse_color("#FF80"));
  EXPECT_FALSE(parse_color("#GG0000"));
}

TEST(LayerStyle, ParsesEveryTable) {
  auto s = parse_layer_style_text(R"(
title = "消防隐患"
source = "fire_hazards"
geometry = "point"
draw = "symbol"
min_zoom = 14
[symbol]
shape = "triangle"
size = 15
color = "#EF4444"
halo = "#000000"
halo_light = "#FFFFFF"
[categories]
field = "status"
values = [["发现", "#EF4444"], ["整改中", "#F59E0B"]]
[label]
field = "kind"
placement = "point"
)",
                                  "layers/fire_hazards.toml");
  EXPECT_EQ(s.name, "fire_hazards");
  EXPECT_EQ(s.title, "消防隐患");
  EXPECT_EQ(s.symbol, Symbol::Triangle);
  EXPECT_EQ(s.size, 15);
  EXPECT_EQ(s.min_zoom, 14);
  EXPECT_EQ(s.halo.dark, (Color{0, 0, 0, 1}));
  EXPECT_EQ(s.halo.light, (Color{1, 1, 1, 1}));
  ASSERT_EQ(s.categories.size(), 2u);
  EXPECT_EQ(s.categories[1].value, "整改中");
  EXPECT_EQ(s.category_field, "status");
  EXPECT_EQ(s.label_field, "kind");
  EXPECT_TRUE(s.visible);
  EXPECT_FALSE(s.sensitive);
}

TEST(LayerStyle, LightColourDefaultsToDark) {
  auto s = parse_layer_style_text(std::string(kMinimal) + "[symbol]\ncolor = \"#22D3EE\"\n", "layers/c.toml");
  EXPECT_EQ(s.color.dark, s.color.light);
  EXPECT_EQ(s.color.get(Theme::Light), *parse_color("#22D3EE"));
}

TEST(LayerStyle, SensitiveLayersAreHiddenByDefaultAndOnlyCounted) {
  auto s = parse_layer_style_text(
      "title = \"特殊人员\"\ngeometry = \"point\"\ndraw = \"counts\"\nsensitive = true\n[counts]\nper = \"blocks\"\n",
      "layers/special_persons.toml");
  EXPECT_FALSE(s.visible);
  EXPECT_EQ(s.counts_per, "blocks");
  auto msg = parse_error("title = \"x\"\ngeometry = \"point\"\ndraw = \"symbol\"\nsensitive = true\n");
  EXPECT_NE(msg.find("key 'draw'"), std::string::npos) << msg;
}

TEST(LayerStyle, ErrorsNameFileAndKey) {
  struct Case {
    std::string text, key;
  };
  std::vector<Case> cases = {
      {"geometry = \"point\"\ndraw = \"symbol\"\n", "key 'title'"},
      {std::string(kMinimal) + "[symbol]\ncolor = \"blue\"\n", "key 'symbol.color'"},
      {std::string(kMinimal) + "[symbol]\nshape = \"star\"\n", "key 'symbol.shape'"},
      {std::string(kMinimal) + "[symbol]\nsize = 500\n", "key 'symbol.size'"},
      {std::string(kMinimal) + "[symbol]\ncolour = \"#FFFFFF\"\n", "key 'symbol.colour': unknown key"},
      {std::string(kMinimal) + "opacity = \"half\"\n", "key 'opacity'"},
      {std::string(kMinimal) + "min_zoom = 18\nmax_zoom = 12\n", "key 'min_zoom'"},
      {std::string(kMinimal) + "[categories]\nfield = \"status\"\nvalues = [[\"发现\"]]\n",
       "key 'categories.values[0]'"},
      {std::string(kMinimal) + "[ramp]\nfield = \"n\"\nstops = [[5, \"#000000\"], [1, \"#FFFFFF\"]]\n",
       "key 'ramp.stops[1]'"},
      {"title = \"道路\"\ngeometry = \"point\"\ndraw = \"fill\"\n", "key 'draw'"},
      {"title = \"道路\"\ngeometry = \"line\"\ndraw = \"line\"\n", "key 'line'"},
      {"title = \"道路\"\ngeometry = \"line\"\ndraw = \"line\"\n[line]\n[line.widths]\nprimary = 3\n",
       "key 'line.widths'"},
      {std::string(kMinimal) + "[symbol]\ncolor_light = \"#FFFFFF\"\n", "key 'symbol.color_light'"},
  };
  for (auto& c : cases) {
    auto msg = parse_error(c.text);
    EXPECT_EQ(msg.rfind("layers/t.toml", 0), 0u) << msg;
    EXPECT_NE(msg.find(c.key), std::string::npos) << "expected " << c.key << " in: " << msg;
  }
}

TEST(LayerStyle, TomlSyntaxErrorNamesFileAndLine) {
  auto msg = parse_error("title = \"x\"\ngeometry = \"point\"\ndraw = \n");
  EXPECT_NE(msg.find("layers/t.toml:3"), std::string::npos) << msg;
}

TEST(LayerStyle, MissingFileIsNotFound) {
  try {
    parse_layer_style("/nonexistent/cameras.toml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cameras.toml"), std::string::npos);
  }
}

// Every file shipped in layers/ parses, and the dashboard orders each layer exactly once.
TEST(ShippedStyles, EveryFileInLayersParses) {
  fs::path dir = fs::path(SITMAP_SOURCE_DIR) / "layers";
  StyleSet set = load_styles(dir);
  std::set<std::string> ordered(set.dashboard.order.begin(), set.dashboard.order.end());
  for (auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml" || entry.path().stem() == "dashboard" ||
        entry.path().stem() == "briefing")  // scenes, not a layer: tests/unit/style/briefing_test.cpp
      continue;
    EXPECT_NO_THROW(parse_layer_style(entry.path())) << entry.path();
    EXPECT_TRUE(ordered.count(entry.path().stem().string())) << entry.path() << " is not in dashboard.toml order";
  }
  ASSERT_EQ(set.layers.size(), set.dashboard.order.size());
  for (size_t i = 0; i < set.layers.size(); ++i) EXPECT_EQ(set.layers[i].name, set.dashboard.order[i]);
  const LayerStyle* persons = set.find("special_persons");
  ASSERT_TRUE(persons);
  EXPECT_TRUE(persons->sensitive);
  EXPECT_FALSE(persons->visible);
}

TEST(ShippedStyles, DashboardOrderNamingAMissingFileFails) {
  fs::path dir = fs::temp_directory_path() / "sitmap_style_test_order";
  fs::create_directories(dir);
  std::ofstream(dir / "dashboard.toml") << "title = \"t\"\norder = [\"ghost\"]\n[colors]\nbackground = \"#000000\"\n"
                                           "panel = \"#000000\"\ntext = \"#FFFFFF\"\naccent = \"#22D3EE\"\n";
  try {
    load_styles(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ghost"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("dashboard.toml"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(LayerStyle, RampWithLightStops) {
  auto s = parse_layer_style_text(std::string(kMinimal) +
                                      "[ramp]\nfield = \"n\"\nstops = [[0, \"#000000\"], [10, \"#FFFFFF\"]]\n"
                                      "stops_light = [\"#FF0000\", \"#00FF00\"]\n",
                                  "layers/t.toml");
  ASSERT_EQ(s.ramp.size(), 2u);
  EXPECT_EQ(s.ramp[0].color.dark, (Color{0, 0, 0, 1}));
  EXPECT_EQ(s.ramp[0].color.light, (Color{1, 0, 0, 1}));
  EXPECT_EQ(s.ramp[1].color.light, (Color{0, 1, 0, 1}));
  auto msg = parse_error(
      std::string(kMinimal) +
      "[ramp]\nfield = \"n\"\nstops = [[0, \"#000000\"], [10, \"#FFFFFF\"]]\nstops_light = [\"#FF0000\"]\n");
  EXPECT_NE(msg.find("key 'ramp.stops_light'"), std::string::npos) << msg;
}

TEST(LayerStyle, FieldLabelsNameAttributesInChinese) {
  auto s = parse_layer_style_text(std::string(kMinimal) + "[fields]\nrange_m = \"监控距离 (米)\"\nonline = \"在线\"\n",
                                  "layers/c.toml");
  EXPECT_EQ(s.field_label("range_m"), "监控距离 (米)");
  EXPECT_EQ(s.field_label("online"), "在线");
  EXPECT_EQ(s.field_label("code"), "code");  // unlabelled fields keep their name
  EXPECT_NE(parse_error(std::string(kMinimal) + "[fields]\nfov = 90\n").find("key 'fields.fov'"), std::string::npos);
  EXPECT_NE(parse_error(std::string(kMinimal) + "[fields]\nfov = \"\"\n").find("key 'fields.fov'"), std::string::npos);
}

TEST(LayerStyle, ZoomRulesClassesAndClusterColours) {
  auto s = parse_layer_style_text(R"(
title = "案事件"
geometry = "point"
draw = "cluster"
[categories]
field = "status"
values = [["发现", "#EF4444"], ["已整改", "#22C55E", 17]]
[wedge]
direction_field = "d"
fov_field = "f"
range_field = "r"
color = "#22D3EE30"
min_zoom = 17.5
[ramp]
field = "n"
classes = true
stops = [[0, "#000000"], [10, "#FFFFFF"]]
[cluster]
max_zoom = 17
classes = [[2, "#FDE047"], [50, "#EF4444"]]
under_heatmap = false
)",
                                  "layers/t.toml");
  ASSERT_EQ(s.categories.size(), 2u);
  EXPECT_EQ(s.categories[0].min_zoom, 0);
  EXPECT_EQ(s.categories[1].min_zoom, 17);
  EXPECT_EQ(s.wedge_min_zoom, 17.5);
  EXPECT_TRUE(s.ramp_classes);
  ASSERT_EQ(s.cluster_classes.size(), 2u);
  EXPECT_EQ(s.cluster_classes[1].value, 50);
  EXPECT_FALSE(s.cluster_under_heatmap);
  std::string cluster = "title = \"t\"\ngeometry = \"point\"\ndraw = \"cluster\"\n[cluster]\nmax_zoom = 17\n";
  auto msg = parse_error(cluster + "classes = [[50, \"#FDE047\"], [2, \"#EF4444\"]]\n");
  EXPECT_NE(msg.find("key 'cluster.classes[1]'"), std::string::npos) << msg;
  msg = parse_error(cluster + "classes = [[1, \"#FDE047\"]]\n");  // a single point is not a cluster
  EXPECT_NE(msg.find("key 'cluster.classes[0]'"), std::string::npos) << msg;
  msg = parse_error(std::string(kMinimal) + "[categories]\nfield = \"s\"\nvalues = [[\"a\", \"#EF4444\", 30]]\n");
  EXPECT_NE(msg.find("key 'categories.values[0]'"), std::string::npos) << msg;
}

// The shipped workspaces: the analyst's map without cameras or cases over the heatmap, the briefing without the
// restricted layer, the planner's without the published blocks; a workspace naming a layer outside `order` fails naming the key.
TEST(ShippedStyles, WorkspacesChooseTheirLayers) {
  StyleSet set = load_styles(fs::path(SITMAP_SOURCE_DIR) / "layers");
  auto has = [](const DashboardStyle::WorkspaceLayers* w, const char* layer) {
    return std::find(w->layers.begin(), w->layers.end(), layer) != w->layers.end();
  };
  const auto* analysis = set.dashboard.workspace("analysis");
  ASSERT_TRUE(analysis);
  EXPECT_TRUE(has(analysis, "incidents"));
  EXPECT_FALSE(has(analysis, "cameras"));
  EXPECT_FALSE(has(analysis, "fire_hazards"));
  const auto* briefing = set.dashboard.workspace("briefing");
  ASSERT_TRUE(briefing);
  EXPECT_FALSE(has(briefing, "special_persons"));
  // 规划 draws the blocks itself (coloured by deviation) over what a boundary should follow.
  const auto* planning = set.dashboard.workspace("planning");
  ASSERT_TRUE(planning);
  EXPECT_TRUE(has(planning, "streets"));
  EXPECT_FALSE(has(planning, "blocks"));
  EXPECT_FALSE(has(planning, "incidents"));

  fs::path dir = fs::temp_directory_path() / "sitmap_style_test_workspaces";
  fs::create_directories(dir);
  std::ofstream(dir / "dashboard.toml") << "title = \"t\"\norder = [\"a\"]\n[colors]\nbackground = \"#000000\"\n"
                                           "panel = \"#000000\"\ntext = \"#FFFFFF\"\naccent = \"#22D3EE\"\n"
                                           "[workspaces.analysis]\nlayers = [\"a\", \"ghost\"]\n";
  try {
    parse_dashboard(dir / "dashboard.toml");
    ADD_FAILURE() << "no error for a workspace naming a layer outside order";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'workspaces.analysis.layers[1]'"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}
