// Small RAII wrappers over OpenGL 3.3 core objects (libepoxy loads the entry points), shader programs
// loaded from shaders/<name>.vert and .frag, an offscreen framebuffer and PNG output. Everything here needs a
// current context, which the caller makes (app's platform library: render creates no window).
#pragma once
#include <epoxy/gl.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sitmap::render {

// Owns one GL name; `Deleter` frees it. Movable, not copyable.
template <void (*Deleter)(GLuint)>
class GlName {
 public:
  GlName() = default;
  explicit GlName(GLuint id) : id_(id) {}
  ~GlName() {
    if (id_) Deleter(id_);
  }
  GlName(GlName&& o) noexcept : id_(std::exchange(o.id_, 0)) {}
  GlName& operator=(GlName&& o) noexcept {
    if (this != &o) {
      if (id_) Deleter(id_);
      id_ = std::exchange(o.id_, 0);
    }
    return *this;
  }
  GLuint get() const { return id_; }
  explicit operator bool() const { return id_ != 0; }

 private:
  GLuint id_ = 0;
};

void delete_buffer(GLuint id);
void delete_vertex_array(GLuint id);
void delete_texture(GLuint id);
void delete_framebuffer(GLuint id);
void delete_program(GLuint id);
using Buffer = GlName<delete_buffer>;
using VertexArray = GlName<delete_vertex_array>;
using Texture = GlName<delete_texture>;
using FramebufferName = GlName<delete_framebuffer>;

Buffer make_buffer();
VertexArray make_vertex_array();

class Program {
 public:
  // Compiles shaders/<name>.vert and .frag from `dir`. Errors (Error BadInput) name the file and line:
  // "shaders/line.frag:12: error: ...".
  static Program load(const std::filesystem::path& dir, const std::string& name);
  void use() const { glUseProgram(id_.get()); }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_.get(), name); }
  GLuint id() const { return id_.get(); }

 private:
  GlName<delete_program> id_;
};

// Every program under dir (each name with both .vert and .frag), for the test that compiles them all.
std::vector<std::string> shader_names(const std::filesystem::path& dir);

// Rewrites a GLSL info log ("0:12(3): error: ..." from Mesa, "ERROR: 0:12: ..." elsewhere) so each line
// names the file: "shaders/line.frag:12: error: ...".
std::string annotate_shader_log(const std::string& log, const std::string& file);

// A colour framebuffer object of a fixed size (RGBA8), for offscreen rendering and screenshots.
class Framebuffer {
 public:
  Framebuffer(int width, int height);
  void bind() const;
  int width() const { return width_; }
  int height() const { return height_; }
  // Top row first, RGBA8.
  std::vector<uint8_t> read_pixels() const;

 private:
  int width_, height_;
  FramebufferName fbo_;
  Texture color_;
};

std::string gl_renderer_string();  // "llvmpipe (LLVM 15.0.6, 256 bits) · 4.5 (Core Profile) Mesa 22.3.6"

// Writes RGBA8 pixels (top row first) as PNG; throws Error naming the file.
void write_png(const std::filesystem::path& file, int width, int height, const std::vector<uint8_t>& rgba);

}  // namespace sitmap::render
