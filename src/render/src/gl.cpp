#include "sitmap/render/gl.hpp"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sitmap/core/error.hpp"

namespace sitmap::render {

namespace fs = std::filesystem;

void delete_buffer(GLuint id) { glDeleteBuffers(1, &id); }
void delete_vertex_array(GLuint id) { glDeleteVertexArrays(1, &id); }
void delete_texture(GLuint id) { glDeleteTextures(1, &id); }
void delete_framebuffer(GLuint id) { glDeleteFramebuffers(1, &id); }
void delete_program(GLuint id) { glDeleteProgram(id); }

Buffer make_buffer() {
  GLuint id = 0;
  glGenBuffers(1, &id);
  return Buffer(id);
}

VertexArray make_vertex_array() {
  GLuint id = 0;
  glGenVertexArrays(1, &id);
  return VertexArray(id);
}

std::string annotate_shader_log(const std::string& log, const std::string& file) {
  static const std::regex mesa(R"(^\s*(?:ERROR:\s*)?\d+:(\d+)(?:\(\d+\))?:\s*(.*)$)");
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::smatch m;
    if (std::regex_match(line, m, mesa))
      out += file + ":" + m[1].str() + ": " + m[2].str() + "\n";
    else
      out += file + ": " + line + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, file.string() + ": cannot open shader");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

GLuint compile(GLenum stage, const fs::path& file) {
  std::string source = read_text(file);
  GLuint s = glCreateShader(stage);
  const char* src = source.c_str();
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetShaderiv(s, GL_INFO_LOG_LENGTH, &len);
    std::string log(std::max(len, 1), '\0');
    glGetShaderInfoLog(s, len, nullptr, log.data());
    glDeleteShader(s);
    log.resize(std::strlen(log.c_str()));
    throw Error(ErrorKind::BadInput, annotate_shader_log(log, file.string()));
  }
  return s;
}

}  // namespace

Program Program::load(const fs::path& dir, const std::string& name) {
  fs::path vs_file = dir / (name + ".vert"), fs_file = dir / (name + ".frag");
  GLuint vs = compile(GL_VERTEX_SHADER, vs_file);
  GLuint fsh = 0;
  try {
    fsh = compile(GL_FRAGMENT_SHADER, fs_file);
  } catch (...) {
    glDeleteShader(vs);
    throw;
  }
  Program p;
  p.id_ = GlName<delete_program>(glCreateProgram());
  glAttachShader(p.id(), vs);
  glAttachShader(p.id(), fsh);
  glLinkProgram(p.id());
  glDeleteShader(vs);
  glDeleteShader(fsh);
  GLint ok = 0;
  glGetProgramiv(p.id(), GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[4096] = {};
    glGetProgramInfoLog(p.id(), sizeof log, nullptr, log);
    throw Error(ErrorKind::BadInput, (dir / name).string() + ".{vert,frag}: link failed: " + log);
  }
  return p;
}

std::vector<std::string> shader_names(const fs::path& dir) {
  std::set<std::string> names;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".vert" && fs::exists(dir / (e.path().stem().string() + ".frag")))
      names.insert(e.path().stem().string());
  return {names.begin(), names.end()};
}

Framebuffer::Framebuffer(int width, int height) : width_(width), height_(height) {
  GLuint tex = 0, fbo = 0;
  glGenTextures(1, &tex);
  color_ = Texture(tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glGenFramebuffers(1, &fbo);
  fbo_ = FramebufferName(fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    throw Error(ErrorKind::Internal,
                "offscreen framebuffer " + std::to_string(width) + "x" + std::to_string(height) + " is incomplete");
}

void Framebuffer::bind() const {
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
  glViewport(0, 0, width_, height_);
}

std::vector<uint8_t> Framebuffer::read_pixels() const {
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
  std::vector<uint8_t> px(static_cast<size_t>(width_) * height_ * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // GL's first row is the bottom one.
  size_t row = static_cast<size_t>(width_) * 4;
  for (int y = 0; y < height_ / 2; ++y)
    std::swap_ranges(px.begin() + y * row, px.begin() + (y + 1) * row, px.begin() + (height_ - 1 - y) * row);
  return px;
}

std::string gl_renderer_string() {
  auto s = [](GLenum e) {
    const GLubyte* v = glGetString(e);
    return v ? std::string(reinterpret_cast<const char*>(v)) : std::string("?");
  };
  return s(GL_RENDERER) + " · OpenGL " + s(GL_VERSION);
}

void write_png(const fs::path& file, int width, int height, const std::vector<uint8_t>& rgba) {
  if (!stbi_write_png(file.c_str(), width, height, 4, rgba.data(), width * 4))
    throw Error(ErrorKind::BadInput, file.string() + ": cannot write PNG");
}

}  // namespace sitmap::render
