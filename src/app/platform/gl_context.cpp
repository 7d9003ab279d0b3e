#include "sitmap/platform/gl_context.hpp"

#define GLFW_INCLUDE_NONE  // whoever draws loads GL through libepoxy; this file only makes the context
#include <GLFW/glfw3.h>

#include "sitmap/core/error.hpp"

namespace sitmap::platform {

GLFWwindow* create_gl_window(int width, int height, const char* title, bool visible) {
  static bool initialised = false;
  if (!initialised) {
    if (!glfwInit())
      throw Error(ErrorKind::Internal,
                  "cannot initialise GLFW (no display? run under xvfb-run -a -s '-screen 0 1920x1080x24')");
    initialised = true;
  }
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  GLFWwindow* w = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (!w) throw Error(ErrorKind::Internal, "cannot create an OpenGL 3.3 core context");
  glfwMakeContextCurrent(w);
  return w;
}

OffscreenContext::OffscreenContext() { window_ = create_gl_window(64, 64, "sitmap offscreen", false); }
OffscreenContext::~OffscreenContext() { glfwDestroyWindow(window_); }

}  // namespace sitmap::platform
