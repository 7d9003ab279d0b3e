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
#include <cmath>

#include "sitmap/core/log.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace sitmap::app {

namespace {

// Frames drawn after the last input, so that what the input changed (a popup opening, a hover colour) settles
// before the window rests.
constexpr int kFramesAfterInput = 3;
int g_frames_wanted = kFramesAfterInput;

// Installed before the ImGui backend, which chains to them: every event wakes the loop for a few frames, and
// the keys a person taps quicker than a frame still reach the dashboard.
void wake() { g_frames_wanted = kFramesAfterInput; }
ui::Dashboard* dashboard_of(GLFWwindow* w) { return static_cast<ui::Dashboard*>(glfwGetWindowUserPointer(w)); }
void install_wake_callbacks(GLFWwindow* window) {
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int) {
    wake();
    if (action == GLFW_RELEASE) return;
    switch (key) {
      case GLFW_KEY_ESCAPE: dashboard_of(w)->press(ui::Key::Escape); break;
      case GLFW_KEY_LEFT: dashboard_of(w)->press(ui::Key::Left); break;
      case GLFW_KEY_RIGHT: dashboard_of(w)->press(ui::Key::Right); break;
      case GLFW_KEY_UP: dashboard_of(w)->press(ui::Key::Up); break;
      case GLFW_KEY_DOWN: dashboard_of(w)->press(ui::Key::Down); break;
      default: break;
    }
  });
  glfwSetCharCallback(window, [](GLFWwindow*, unsigned) { wake(); });
  glfwSetCursorPosCallback(window, [](GLFWwindow*, double, double) { wake(); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow*, int) { wake(); });
  glfwSetMouseButtonCallback(window, [](GLFWwindow*, int, int, int) { wake(); });
  glfwSetScrollCallback(window, [](GLFWwindow*, double, double) { wake(); });
  glfwSetWindowFocusCallback(window, [](GLFWwindow*, int) { wake(); });
  glfwSetFramebufferSizeCallback(window, [](GLFWwindow*, int, int) { wake(); });
  glfwSetWindowRefreshCallback(window, [](GLFWwindow*) { wake(); });
  glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
    wake();
    if (count > 0) dashboard_of(w)->open_import(paths[0]);  // a file dropped on the window opens the import
  });
}

}  // namespace

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
  glfwSetWindowUserPointer(window, &dashboard);
  install_wake_callbacks(window);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
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
    // Redraw on input, while something moves or a worker's result is awaited, and when the clock in the top
    // bar turns to the next minute; otherwise sleep in the event queue (a wall screen runs all day).
    if (g_frames_wanted > 0 || dashboard.busy()) {
      glfwPollEvents();
    } else {
      auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
      double second_of_minute = std::fmod(std::chrono::duration<double>(since_epoch).count(), 60.0);
      // The briefing's next scene and its poll for new rows wake it too.
      glfwWaitEventsTimeout(std::min(60.0 - second_of_minute, dashboard.seconds_to_next_tick(glfwGetTime())) + 0.01);
    }
    g_frames_wanted = std::max(0, g_frames_wanted - 1);
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
