#include "dashboard.hpp"

// clang-format off
#include "sitmap/render/gl.hpp"  // libepoxy first: it must precede every other GL header
// clang-format on
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>

#include "sitmap/core/log.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace sitmap::app {

DashboardOptions& dashboard_options() {
  static DashboardOptions options;
  return options;
}

int run_dashboard(const DashboardOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  GLFWwindow* window = platform::create_gl_window(1600, 960, "淮海中路街道综治中心 · 态势图", true);
  glfwSwapInterval(1);
  ui::DashboardConfig config;
  config.database = options.database;
  config.basemap = options.basemap;
  ui::Dashboard dashboard(config);

  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  // A file dropped on the window opens the import dialog (the ImGui backend sets no drop callback of its own).
  glfwSetWindowUserPointer(window, &dashboard);
  glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
    if (count > 0) static_cast<ui::Dashboard*>(glfwGetWindowUserPointer(w))->open_import(paths[0]);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  float sx = 1, sy = 1;
  glfwGetWindowContentScale(window, &sx, &sy);
  dashboard.setup_imgui(std::max(sx, sy));
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window, &fw, &fh);
  dashboard.fit_view(fw, fh);

  bool fullscreen = false, first = true;
  int saved[4] = {100, 100, 1600, 960};
  while (!glfwWindowShouldClose(window) && !dashboard.wants_close()) {
    glfwPollEvents();
    if (dashboard.fonts_dirty()) {  // a style reload brought new names: rebuild the atlas before NewFrame
      dashboard.setup_imgui(std::max(sx, sy));
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    glfwGetFramebufferSize(window, &fw, &fh);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    dashboard.build_ui(fw, fh, glfwGetTime());
    ImGui::Render();
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    glViewport(0, 0, fw, fh);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    dashboard.draw_map();
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(window);
    if (first) {
      spdlog::info("first frame after {:.0f} ms on {}",
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
                   render::gl_renderer_string());
      first = false;
    }
    if (dashboard.wants_fullscreen_toggle()) {
      GLFWmonitor* monitor = glfwGetPrimaryMonitor();
      if (!fullscreen && monitor) {
        glfwGetWindowPos(window, &saved[0], &saved[1]);
        glfwGetWindowSize(window, &saved[2], &saved[3]);
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
        fullscreen = true;
      } else if (fullscreen) {
        glfwSetWindowMonitor(window, nullptr, saved[0], saved[1], saved[2], saved[3], 0);
        fullscreen = false;
      }
    }
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  return 0;
}

}  // namespace sitmap::app
