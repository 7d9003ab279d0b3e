// The dashboard as a person meets it, in real ImGui frames on an offscreen GL context: a selection names its
// feature (it survives a reorder of the layers and a reload of the styles, where a position in a list would
// point at another layer's feature), a short Esc tap clears it, and a window at rest asks for no frames.
#include <gtest/gtest.h>
#include <imgui.h>
#include <unistd.h>

#include <filesystem>

#include "fixture_district.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.path = fs::temp_directory_path() / ("sitmap_dashboard_" + std::to_string(::getpid()) + ".sqlite");
    fixture::remove_database(db_.path);
    fixture::build_fixture_district(db_.path);
    ui::DashboardConfig config;
    config.database = db_.path;
    config.clock = "2026-11-30 09:00";
    config.heatmap = true;  // drawn in 分析 only, with its legend
    dashboard_ = std::make_unique<ui::Dashboard>(config);
    ImGui::CreateContext();
    ImGui::GetIO().DisplaySize = {1600, 960};
    dashboard_->setup_imgui(1.0f);
    dashboard_->fit_view(1600, 960);
  }
  void TearDown() override {
    dashboard_.reset();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
  }
  // One frame of panels and input, as the window draws it (the map itself is not needed here).
  void frame(double now) {
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    dashboard_->build_ui(1600, 960, now);
    ImGui::Render();
  }

  platform::OffscreenContext context_;  // throws with a clear reason when there is no display
  fixture::TemporaryFile db_;
  std::unique_ptr<ui::Dashboard> dashboard_;
};

TEST_F(DashboardTest, SelectionNamesItsFeatureThroughReorderAndReload) {
  const auto& cameras = *dashboard_->scene().find("cameras")->data;
  ASSERT_GE(cameras.size(), 2u);
  int64_t id = cameras.ids[1];
  dashboard_->select("cameras", id);
  frame(0);
  auto before = dashboard_->selection_details();
  ASSERT_FALSE(before.empty());
  EXPECT_NE(before[0].second.find("摄像头"), std::string::npos) << before[0].second;

  // Every layer moved around the camera layer: its position in the list changes, the selection does not.
  for (const auto& l : std::vector<render::SceneLayer>(dashboard_->scene().layers)) {
    dashboard_->move_layer(l.style.name, +1);
    frame(0.1);
    ASSERT_TRUE(dashboard_->selection());
    EXPECT_EQ(*dashboard_->selection(), (ui::FeatureRef{"cameras", id}));
    EXPECT_EQ(dashboard_->selection_details(), before) << "after moving " << l.style.name;
  }
  dashboard_->reload_styles();  // rebuilds the scene from the workspace
  frame(0.2);
  EXPECT_EQ(dashboard_->selection_details(), before);
}

TEST_F(DashboardTest, AnEscapeTapClearsTheSelectionAndARestingWindowAsksForNoFrames) {
  const auto& cameras = *dashboard_->scene().find("cameras")->data;
  dashboard_->select("cameras", cameras.ids[0]);
  frame(0);
  for (int i = 1; i < 5; ++i) frame(i * 0.016);
  EXPECT_FALSE(dashboard_->busy()) << "nothing moves, yet the window would keep drawing";
  dashboard_->press(ui::Key::Escape);  // pressed and released between two frames
  frame(0.1);
  EXPECT_FALSE(dashboard_->selection());
  EXPECT_TRUE(dashboard_->selection_details().empty());
}

// A glyph missing from the atlas is drawn as the font's fallback glyph. The fallback is made one the UI never
// draws ('@'), then every frame's vertices are searched for a quad with its texture corners.
size_t fallback_glyphs_drawn() {
  size_t found = 0;
  ImDrawData* data = ImGui::GetDrawData();
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) {
      const ImFontGlyph* g = font->FallbackGlyph;
      for (int i = 0; i + 2 < list->VtxBuffer.Size; ++i) {
        const ImDrawVert& a = list->VtxBuffer[i];
        const ImDrawVert& c = list->VtxBuffer[i + 2];
        found += a.uv.x == g->U0 && a.uv.y == g->V0 && c.uv.x == g->U1 && c.uv.y == g->V1;
      }
    }
  }
  return found;
}

TEST_F(DashboardTest, EveryGlyphDrawnIsInTheFontAtlasInEveryWorkspace) {
  auto mark_fallback = [] {
    for (ImFont* font : ImGui::GetIO().Fonts->Fonts) {
      const ImFontGlyph* at = font->FindGlyphNoFallback('@');
      ASSERT_NE(at, nullptr);
      font->FallbackGlyph = at;
    }
  };
  mark_fallback();
  // Drop-down lists open over other widgets: opaque, or what lies under them shows through.
  EXPECT_EQ(ImGui::GetStyle().Colors[ImGuiCol_PopupBg].w, 1.0f);
  const auto& cameras = *dashboard_->scene().find("cameras")->data;
  const auto& blocks = *dashboard_->scene().find("blocks")->data;
  double now = 0;
  auto frames = [&](const char* what) {
    for (int i = 0; i < 3; ++i) {
      if (dashboard_->fonts_dirty()) {  // as the window does: new names, a new atlas before the frame
        dashboard_->setup_imgui(1.0f);
        mark_fallback();
      }
      ImGui::GetIO().MousePos = {800, 480};  // over the map: its tooltip is drawn too
      frame(now += 0.5);
      EXPECT_EQ(fallback_glyphs_drawn(), 0u) << what << ": a string with a glyph the atlas lacks";
    }
  };
  dashboard_->select("cameras", cameras.ids[0]);
  frames("态势, a camera selected");
  dashboard_->select("blocks", blocks.ids[0]);
  frames("态势, a block selected");
  for (const char* w : {"analysis", "planning", "briefing", "cases"}) {
    dashboard_->enter_workspace(ui::parse_workspace(w));
    frames(w);
  }
}

}  // namespace
