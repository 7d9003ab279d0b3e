// OpenGL contexts on GLFW windows, on the app side of the line: render draws into whatever context is
// current and never creates one, so it links no windowing system (as Tracy keeps its backends outside the
// server). The window, `sitmap screenshot`, the benchmarks and the GL tests make their context here.
#pragma once

struct GLFWwindow;

namespace sitmap::platform {

// Creates a GLFW window with a GL 3.3 core context and makes it current; `visible` false for offscreen work.
// Throws Error(Internal) with a clear reason when there is no display (run under xvfb-run).
GLFWwindow* create_gl_window(int width, int height, const char* title, bool visible);

// A GL 3.3 core context on a hidden window, current from construction to destruction, for screenshots,
// benchmarks and tests.
class OffscreenContext {
 public:
  OffscreenContext();
  ~OffscreenContext();
  OffscreenContext(const OffscreenContext&) = delete;
  OffscreenContext& operator=(const OffscreenContext&) = delete;
  GLFWwindow* window() const { return window_; }

 private:
  GLFWwindow* window_ = nullptr;
};

}  // namespace sitmap::platform
