// `sitmap brief DB [--scenes FILE] --out DIR [--size WxH]`: every scene of a briefing rendered to numbered PNGs
// (01-overview.png, ...) through the window's own 汇报 screen (ui::write_screenshots), for a wall screen without
// the program or a report.
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/services/users.hpp"
#include "sitmap/style/briefing.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("brief", [](CLI::App& top) {
  struct Args {
    std::string db, scenes, out, size = "3840x2160", clock, user;
    float scale = 1;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("brief", "render every briefing scene to numbered PNGs / 汇报 (needs a display or xvfb-run)");
  cmd->add_option("DB", a->db, "workspace database")->required()->check(CLI::ExistingFile);
  cmd->add_option("--scenes", a->scenes, "briefing file (default: layers/briefing.toml)")->check(CLI::ExistingFile);
  cmd->add_option("--out", a->out, "directory for 01-<scene>.png, 02-...; made when missing")->required();
  cmd->add_option("--size", a->size, "WIDTHxHEIGHT in pixels (default 3840x2160)");
  cmd->add_option("--scale", a->scale, "text size relative to the default (0.5 to 2); never under 1/60 of the height")
      ->check(CLI::Range(0.5f, 2.0f));
  cmd->add_option("--clock", a->clock, "fixed text for the clock (reproducible images)");
  cmd->add_option("--user", a->user,
                  "render as this user (password from SITMAP_PASSWORD): the briefing shows the same, whoever it is");
  cmd->callback([a] {
    ui::ScreenshotOptions o;
    o.dashboard.database = a->db;
    o.dashboard.workspace = ui::Workspace::Briefing;
    o.dashboard.briefing = a->scenes.empty() ? resource_path("layers") / "briefing.toml" : std::filesystem::path(a->scenes);
    o.dashboard.briefing_scale = a->scale;
    o.dashboard.clock = a->clock;
    std::tie(o.width, o.height) = parse_size(a->size);
    if (!a->user.empty()) {  // on a writable handle of its own: the sign-in is audited
      auto store = store::open_spatialite(a->db, store::OpenMode::ReadWrite);
      o.dashboard.principal =
          services::sign_in(*store, a->user, read_password("SITMAP_PASSWORD", "password of " + a->user + " / 密码: "));
    }
    style::Briefing briefing = style::parse_briefing(o.dashboard.briefing);  // errors name file and key
    std::filesystem::path dir = a->out;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!std::filesystem::is_directory(dir))
      throw Error(ErrorKind::ReadOnly, dir.string() + ": cannot create the output directory");
    std::vector<std::filesystem::path> files;
    for (size_t i = 0; i < briefing.scenes.size(); ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%02zu-", i + 1);
      files.push_back(dir / (name + briefing.scenes[i].id + ".png"));
    }
    platform::OffscreenContext context;  // throws a clear reason without a display
    ui::write_screenshots(o, files);
    for (const auto& f : files) std::printf("wrote %s (%dx%d)\n", f.c_str(), o.width, o.height);
  });
});

}  // namespace
}  // namespace sitmap::app
