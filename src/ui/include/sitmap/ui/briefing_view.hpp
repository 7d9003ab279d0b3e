// The 汇报 workspace on the wall screen: scene after scene of a briefing file (style/briefing.hpp), each a map
// beside KPI tiles and charts, drawn with ImGui draw lists in a dark, high-contrast theme with type sized from
// the screen's height (nothing under 1/60 of it), so a leader reads every number from across the room.
// The figures come from services::scene_figures, the same call `sitmap brief` makes; special persons appear
// only as counts per block (a choropleth through the map's block colours) and per category.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sitmap/render/camera.hpp"
#include "sitmap/render/glyphs.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/services/briefing.hpp"
#include "sitmap/style/briefing.hpp"
#include "sitmap/style/style.hpp"

struct ImDrawList;
struct ImFont;
struct ImFontAtlas;
struct ImVec2;

namespace sitmap::ui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// What the map shows in a scene: the dashboard applies it when the scene changes.
struct BriefingMap {
  std::vector<std::string> layers;  // shown (empty: the 汇报 workspace's own)
  BBox view;                        // EPSG:3857; empty: the whole district
  // Per-row fill colours (null: the style's) for the blocks (special persons per block) and the compounds
  // (零发案小区 in green).
  std::shared_ptr<const std::vector<style::Color>> block_colors, compound_colors;
};

class BriefingView {
 public:
  // Reads the briefing file (throws Error naming file and key) and starts at its first scene.
  void load(const std::filesystem::path& file, double now);
  bool loaded() const { return !briefing_.scenes.empty(); }
  const style::Briefing& briefing() const { return briefing_; }
  size_t scene() const { return scene_; }
  // The text size relative to the screen (the scale setting: 1 = the default sizes).
  void set_scale(float scale) { scale_ = scale; }
  float scale() const { return scale_; }

  // Scene navigation (→ ← and space in the window); go() wraps around.
  void go(long scene, double now);
  void next(double now) { go(long(scene_) + 1, now); }
  void previous(double now) { go(long(scene_) - 1, now); }
  void toggle_pause(double now);
  bool paused() const { return paused_; }
  // Advances when the scene's interval has passed. True when the scene changed since the last call: the caller
  // applies map_state() then.
  bool tick(double now);
  double seconds_to_next(double now) const;  // until the next advance; large when paused

  // The scene's figures, computed on first use after a scene change or invalidate() (new rows); the error of
  // the computation is shown on the screen instead.
  void refresh(const services::Workspace& ws);
  void invalidate() {
    figures_.reset();
    error_.clear();
  }
  const std::optional<services::SceneFigures>& figures() const { return figures_; }
  BriefingMap map_state(const render::Scene& scene) const;

  // Fonts for the screen's height (one atlas build); glyphs of every text the briefing can show.
  void add_fonts(ImFontAtlas* atlas, const render::FontFile& font, int screen_height,
                 const services::Workspace& ws);
  void clear_fonts() { fonts_ = {}; }
  bool fonts_ready(int screen_height) const { return fonts_.number && fonts_height_ == screen_height; }

  // The staff's scene editor (key E in 汇报): the shown scene's title, interval, map layers and tiles, saved
  // back to the briefing file (atomically). True when the scene changed and the map must show it again.
  void toggle_editor() { editor_open_ = !editor_open_; }
  bool editor_open() const { return editor_open_; }
  bool draw_editor(const services::Workspace& ws, const render::Scene& scene, float scale, double now);
  static const char* editor_text();  // the editor's labels, for the panels' font atlas

  // The map's rectangle on a screen of this size (framebuffer pixels, top-left origin).
  Rect map_rect(int width, int height) const;
  // Everything around and over the map; camera and origin place the map highlights.
  void draw(ImDrawList* dl, int width, int height, const render::Camera& camera, ImVec2 map_origin,
            const render::Scene& scene, const std::string& clock) const;

 private:
  struct Fonts {
    ImFont* number = nullptr;  // tile values
    ImFont* title = nullptr;   // scene title
    ImFont* label = nullptr;   // tile and chart titles, bar labels
    ImFont* small = nullptr;   // axes, changes; the smallest type on the screen
  };
  struct Layout {
    float pad = 0, header = 0;
    Rect map, panel;
  };
  Layout layout(int width, int height) const;
  const style::BriefingScene& current() const { return briefing_.scenes[scene_]; }
  float text_size(int height, float fraction) const;

  style::Briefing briefing_;
  size_t scene_ = 0;
  bool paused_ = false, changed_ = true;
  double shown_since_ = 0, paused_at_ = 0;
  float scale_ = 1;
  std::optional<services::SceneFigures> figures_;
  std::string error_;  // why the scene's figures could not be computed
  Fonts fonts_;
  int fonts_height_ = 0;
  std::vector<unsigned short> number_ranges_, text_ranges_;
  bool editor_open_ = false;
  std::string editor_status_;              // the last save's outcome
  std::vector<std::string> indicator_ids_;  // what a tile may show, read when the editor first opens
};

}  // namespace sitmap::ui
