#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include "sitmap/core/log.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace sitmap::ui {

namespace {

// Two frames: ImGui sizes auto-resizing windows (the legend) from the first one.
void render_frames(Dashboard& dashboard, render::Framebuffer& fb, const ScreenshotOptions& options) {
  for (int frame = 0; frame < 2; ++frame) {
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    dashboard.build_ui(options.width, options.height, 0);
    ImGui::Render();
    fb.bind();
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    dashboard.draw_map();
    if (!options.map_only) ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    dashboard.wait_for_map();
  }
  glFinish();
}

}  // namespace

void write_screenshot(const ScreenshotOptions& options) { write_screenshots(options, {options.out}); }

void write_screenshots(const ScreenshotOptions& options, const std::vector<std::filesystem::path>& scenes) {
  spdlog::info("renderer: {}", render::gl_renderer_string());
  Dashboard dashboard(options.dashboard);
  dashboard.set_map_only(options.map_only);
  if (!options.import_preview.empty()) dashboard.open_import(options.import_preview);
  if (!options.export_layer.empty()) dashboard.open_export(options.export_layer);
  render::Framebuffer fb(options.width, options.height);
  dashboard.fit_view(options.width, options.height);

  ImGui::CreateContext();
  ImGui::GetIO().DisplaySize = {float(options.width), float(options.height)};
  ImGui::GetIO().MousePos = {-FLT_MAX, -FLT_MAX};
  dashboard.setup_imgui(1.0f);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  for (size_t i = 0; i < scenes.size(); ++i) {
    if (i > 0) dashboard.briefing().go(long(options.dashboard.briefing_scene + i), 0);
    render_frames(dashboard, fb, options);
    render::write_png(scenes[i], fb.width(), fb.height(), fb.read_pixels());
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext();
}

}  // namespace sitmap::ui
