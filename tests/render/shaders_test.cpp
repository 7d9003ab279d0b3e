#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sitmap/core/error.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/render/gl.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::render;

// Every program in shaders/ compiles and links on the driver CI has (llvmpipe under Xvfb).
TEST(Shaders, EveryProgramCompiles) {
  platform::OffscreenContext context;  // throws "cannot initialise GLFW (no display? ...)" without a display
  fs::path dir = fs::path(SITMAP_SOURCE_DIR) / "shaders";
  auto names = shader_names(dir);
  ASSERT_GE(names.size(), 4u);
  for (auto& name : names) EXPECT_NO_THROW(Program::load(dir, name)) << name;
}

TEST(Shaders, CompileErrorNamesFileAndLine) {
  platform::OffscreenContext context;
  fs::path dir = fs::temp_directory_path() / "sitmap_shader_test";
  fs::create_directories(dir);
  std::ofstream(dir / "bad.vert") << "#version 330 core\nvoid main() {\n  gl_Position = vec4(0.0);\n}\n";
  std::ofstream(dir / "bad.frag") << "#version 330 core\nout vec4 frag;\nvoid main() {\n  frag = undefined_thing;\n}\n";
  try {
    Program::load(dir, "bad");
    FAIL() << "a broken shader compiled";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find((dir / "bad.frag").string() + ":4:"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Shaders, LogAnnotation) {
  EXPECT_EQ(annotate_shader_log("0:12(3): error: `x' undeclared\n", "shaders/line.frag"),
            "shaders/line.frag:12: error: `x' undeclared");
  EXPECT_EQ(annotate_shader_log("ERROR: 0:7: 'y' : undeclared identifier", "a.vert"),
            "a.vert:7: 'y' : undeclared identifier");
}
