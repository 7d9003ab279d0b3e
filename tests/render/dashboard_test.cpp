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

}  // namespace
