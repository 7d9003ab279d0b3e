// The dashboard: application state, the ImGui panels around the map, and input handling. The window loop
// (GLFW, ImGui backends) lives in app; a headless screenshot drives the same code into a framebuffer.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"
#include "sitmap/render/camera.hpp"
#include "sitmap/render/heatmap.hpp"
#include "sitmap/render/map_renderer.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/services/block_figures.hpp"
#include "sitmap/services/workspace.hpp"
#include "sitmap/style/style.hpp"
#include "sitmap/ui/analysis_panel.hpp"
#include "sitmap/ui/briefing_view.hpp"
#include "sitmap/ui/cases_view.hpp"
#include "sitmap/ui/export_dialog.hpp"
#include "sitmap/ui/hotspot_view.hpp"
#include "sitmap/ui/import_dialog.hpp"
#include "sitmap/ui/planning_view.hpp"
#include "sitmap/ui/sign_in_dialog.hpp"

struct ImDrawList;

namespace sitmap::ui {

enum class Workspace { Overview, Analysis, Planning, Briefing, Cases };
// "overview", "analysis", "planning", "briefing"; throws Error(BadInput) naming the text otherwise.
Workspace parse_workspace(std::string_view name);
const char* workspace_name(Workspace w);  // as parse_workspace reads it, and dashboard.toml [workspaces] names it

struct DashboardConfig {
  std::filesystem::path database;
  std::filesystem::path layers_dir;   // default: resource_path("layers")
  std::vector<std::string> layers;    // only these (empty: all styled layers)
  std::optional<style::Theme> theme;  // default: dashboard.toml's
  std::optional<BBox> view_lonlat;    // initial view (default: the whole district)
  std::string clock;                  // fixed clock text (tests); empty: the system clock
  std::string select_layer;           // a feature selected at start (layer and row id), as a click would
  int64_t select_id = 0;
  std::filesystem::path basemap;              // a raster basemap under every layer (any GDAL raster); empty: none
  Workspace workspace = Workspace::Overview;  // the workspace shown at start
  // The analysis filter at start (as the analysis panel's controls would set it).
  bool heatmap = false, compare = false;  // compare: the heatmap as the change from the same period last year
  std::string period;                     // parse_period: last-90-days, this-year, FROM..TO; empty: all time
  int weekday = -1, hour = -1;            // an hour × weekday cell, row or column (0 = Monday); -1: any
  access::Principal principal;            // who the window works as at start (signed in by the caller)
  std::string plan;                       // 规划: the plan shown at start (empty: the published blocks)
  bool plan_diff = false;                 // 规划: that plan against the published blocks
  std::optional<std::pair<XY, XY>> plan_drag;  // 规划: a draft's vertex held mid-drag (from, to; lon/lat)
  std::filesystem::path briefing;         // the 汇报 scenes (default: layers_dir/briefing.toml)
  size_t briefing_scene = 0;              // the scene shown at start
  float briefing_scale = 1;               // the briefing's text size, relative to its default
};

// A feature by what it is, not by where it sits in a list: a selection survives a reorder of the layers and a
// reload of the data.
struct FeatureRef {
  std::string layer;  // style name
  int64_t id = 0;     // row id in the store
  bool operator==(const FeatureRef&) const = default;
};

// Keys whose press must not be lost when it is shorter than a frame (the window queues them from GLFW's key
// events; ImGui 1.86 only sees the key's state at the start of a frame).
enum class Key { Escape, Left, Right, Up, Down };

class Dashboard {
 public:
  // Opens the workspace read-only, parses the styles and loads the layers (through services, as the signed-in
  // principal may see them). Needs a current GL context.
  explicit Dashboard(const DashboardConfig& config);
  ~Dashboard();

  // Fonts (CJK glyphs built from the strings shown) and colours; needs the ImGui context. Call again after
  // a theme change or data reload, before the next NewFrame.
  void setup_imgui(float dpi_scale);
  bool fonts_dirty() const { return fonts_dirty_; }

  // Per frame: panels and input between ImGui::NewFrame() and ImGui::Render(); then the map.
  void build_ui(int fb_width, int fb_height, double now);
  void draw_map();
  // Blocks until what the map fetches on workers (the basemap re-sample) has arrived, so the next frame
  // shows it: a screenshot draws only two frames.
  void wait_for_map() const { renderer_->wait_for_basemap(); }

  // Selects a feature by layer and row id as a click would; throws Error naming what is missing.
  void select(std::string_view layer, int64_t id);
  const std::optional<FeatureRef>& selection() const { return selection_; }
  // The details panel's title and "name: value" rows for the selection; empty without one.
  std::vector<std::pair<std::string, std::string>> selection_details() const;
  // Moves a layer up (+1, drawn later) or down (-1) the drawing order, as the layer list's ▲ ▼ do.
  void move_layer(std::string_view layer, int step);
  // A key pressed since the last frame (handled in the next build_ui, unless a text field has the keyboard).
  void press(Key key) { pressed_.push_back(key); }
  // Something will change without input (a fly-to, playback, a worker whose result is not yet shown): the
  // window must draw the next frame instead of waiting for an event.
  bool busy() const;
  void reload_styles();  // key R: re-read layers/*.toml without recompiling
  // Opens the import dialog on a file (dropped on the window), or on the file list when empty.
  void open_import(const std::filesystem::path& file);
  // Opens the export dialog on a layer; empty: the selected feature's layer, offering the selection.
  void open_export(std::string_view layer);
  void set_theme(style::Theme theme);
  void enter_workspace(Workspace w);  // as the top bar's 态势 | 分析 | 规划 | 汇报 (and key B) switch
  void set_map_only(bool map_only) { map_only_ = map_only; }
  void fit_view(int fb_width, int fb_height);  // frame the initial view for this framebuffer
  bool wants_fullscreen_toggle();              // key F pressed since the last call
  bool wants_close() const { return close_; }

  // The 汇报 screen: its scenes, the one shown, pause (→ ← space in the window).
  BriefingView& briefing() { return briefing_; }
  // Seconds until the window must draw without input (the briefing's next scene or data poll); large when idle.
  double seconds_to_next_tick(double now) const;

  const render::Scene& scene() const { return scene_; }
  services::Workspace& workspace() { return *ws_; }
  render::Camera& camera() { return camera_; }
  style::Color background() const;

 private:
  void apply_theme();
  void layout(int fb_width, int fb_height);
  void handle_input(double now);
  void top_bar();
  void layer_panel();
  void legend();
  void details_panel();
  void details_contents();
  void analysis_panel();  // the 分析 workspace's right panel: filter, heatmap, hot spots, details
  void analysis_strip();  // its charts under the map
  void sync_analysis();   // push the filter's rows and the heatmap to the map and the hot spot view
  void leave_analysis();  // every incident on the map again, heatmap and block colours off
  void load_analysis();   // after a scene (re)load
  void load_hotspots();
  void map_overlays();
  void highlight_selection(ImDrawList* dl) const;
  void fly_to(const BBox& world, double now);
  void rebuild_scene();
  void build_map();  // every layer's renderer from scene_ (after a load, a theme change, a new order)
  std::optional<size_t> layer_index(std::string_view name) const;
  std::optional<render::Pick> selected() const;  // the selection's layer and row now, if it is still drawn
  bool heatmap_shown() const;
  // What a block holds (incidents, open rentals and hazards, cameras, special persons as a count), as rows of
  // the details panel.
  std::vector<std::pair<std::string, std::string>> block_contents(size_t block) const;
  void select_pick(std::optional<render::Pick> pick);
  // The rows of a layer the map draws, picks and describes: one immutable value for the scene and renderer.
  void show_rows(size_t layer, std::shared_ptr<const std::vector<uint32_t>> rows);
  void reload_layers();  // after an import: reopen the workspace, restyle, rebuild
  bool briefing_shown() const { return workspace_ == Workspace::Briefing && briefing_.loaded() && !map_only_; }
  void briefing_frame(double now);  // the 汇报 screen: live data, advancing scenes, drawing
  void apply_briefing_scene();      // the scene's layers, view and highlight colours on the map
  std::string clock_text() const;   // the top bar's clock (config_.clock when fixed)

  DashboardConfig config_;
  std::unique_ptr<services::Workspace> ws_;  // the store, the principal and the snapshots the map shares
  style::StyleSet styles_;
  render::Scene scene_;
  std::unique_ptr<render::MapRenderer> renderer_;
  style::Theme theme_ = style::Theme::Dark;
  render::Camera camera_;
  std::optional<render::FlyTo> fly_;
  double fly_start_ = 0, now_ = 0;
  std::optional<render::Pick> hover_;
  std::optional<render::ClusterPick> hover_cluster_;
  std::optional<FeatureRef> selection_;
  std::vector<Key> pressed_;
  mutable std::optional<services::BlockFigures> block_figures_;  // computed when a block is first selected
  Workspace workspace_ = Workspace::Overview;
  bool map_only_ = false, fullscreen_request_ = false, close_ = false, fonts_dirty_ = true, scene_dirty_ = false;
  bool recentre_ = false;  // fly to the whole district in the next frame (entering the briefing)
  float scale_ = 1;
  BBox basemap_extent_;  // EPSG:3857; empty when there is no basemap
  bool basemap_visible_ = true;
  float basemap_opacity_ = 1;
  int fb_w_ = 0, fb_h_ = 0;
  float map_x_ = 0, map_y_ = 0;  // map rectangle, top-left origin, framebuffer pixels
  std::string message_;          // last error (style reload), shown in the top bar
  std::vector<unsigned short> glyph_ranges_;
  ImportDialog import_dialog_;
  ExportDialog export_dialog_;
  SignInDialog sign_in_dialog_;
  PlanningView planning_;  // the 规划 workspace (#12)
  CasesView cases_;  // the 受理 workspace (#14)
  AnalysisPanel analysis_;
  HotspotView hotspots_;
  std::string hotspot_error_;                   // why the hot spot view has no data
  std::unique_ptr<render::HeatmapLayer> heat_;  // created when first switched on (needs its shaders)
  bool heat_points_set_ = false;
  uint64_t shown_revision_ = 0;                                    // the analysis rows the map last showed
  std::shared_ptr<const std::vector<style::Color>> block_colors_;  // the hot spot colours the blocks show
  BriefingView briefing_;
  int64_t data_version_ = -1;  // the store's, when the briefing last looked (new rows: read again)
  double polled_at_ = -1e9;
};

struct ScreenshotOptions {
  DashboardConfig dashboard;
  std::filesystem::path out;
  int width = 1920, height = 1080;
  bool map_only = false;
  std::filesystem::path import_preview;  // show the import dialog open on this file
  std::string export_layer;              // show the export dialog open on this layer
};
// Renders one frame into a framebuffer object and writes it as PNG. Needs a current GL context (the caller's:
// ui creates no window).
void write_screenshot(const ScreenshotOptions& options);
// One dashboard, one PNG per file: the first as configured, each further one the next briefing scene (how
// `sitmap brief` renders every scene through the window's own code).
void write_screenshots(const ScreenshotOptions& options, const std::vector<std::filesystem::path>& scenes);

}  // namespace sitmap::ui
