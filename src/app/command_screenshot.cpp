// `sitmap screenshot DB --out FILE.png`: renders the dashboard (or the map alone) offscreen to a PNG.
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/services/users.hpp"
#include "sitmap/ui/dashboard.hpp"

namespace sitmap::app {

std::pair<int, int> parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') || w < 16 || h < 16 ||
      w > 8192 || h > 8192)
    throw sitmap::Error(sitmap::ErrorKind::BadInput, "--size '" + text + "': expected WIDTHxHEIGHT, e.g. 1920x1080");
  return {w, h};
}

}  // namespace sitmap::app

namespace {

using sitmap::app::parse_size;

sitmap::BBox parse_bbox(const std::string& text) {
  double v[4];
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &v[3], &extra) != 4 || v[0] >= v[2] ||
      v[1] >= v[3] || v[0] < -180 || v[2] > 180 || v[1] < -85 || v[3] > 85)
    throw sitmap::Error(sitmap::ErrorKind::BadInput,
                        "--bbox '" + text + "': expected minlon,minlat,maxlon,maxlat with min < max");
  return {v[0], v[1], v[2], v[3]};
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

sitmap::app::CommandRegistrar reg("screenshot", [](CLI::App& top) {
  struct Args {
    std::string db, out, size = "1920x1080", bbox, layers, theme, clock, select, import_preview, basemap, export_layer,
                         workspace = "overview", period, hour_weekday, user;
    bool map_only = false, heatmap = false, compare = false;
    std::string plan, plan_drag;  // 规划: the plan shown, a vertex held mid-drag, the diff against the published
    bool plan_diff = false;
  };
  auto args = std::make_shared<Args>();
  auto* c =
      top.add_subcommand("screenshot", "render the dashboard offscreen to a PNG / 截图 (needs a display or xvfb-run)");
  c->add_option("db", args->db, "workspace database")->required()->check(CLI::ExistingFile);
  c->add_option("--out", args->out, "PNG file to write")->required();
  c->add_option("--size", args->size, "WIDTHxHEIGHT in pixels (default 1920x1080)");
  c->add_option("--bbox", args->bbox, "view: minlon,minlat,maxlon,maxlat (default: the whole district)");
  c->add_option("--layers", args->layers, "comma-separated layer names to show (default: all)");
  c->add_option("--theme", args->theme, "dark or light (default: layers/dashboard.toml)");
  c->add_option("--clock", args->clock, "fixed text for the top bar's clock (reproducible images)");
  c->add_option("--select", args->select, "LAYER:ID: show that feature selected, with its details");
  c->add_flag("--map-only", args->map_only, "the map alone, without panels");
  c->add_option("--basemap", args->basemap,
                "raster basemap under the layers (GeoTIFF, MBTiles, any GDAL raster) / 底图");
  c->add_option("--import-preview", args->import_preview, "show the import dialog (导入数据) open on this file")
      ->check(CLI::ExistingFile);
  c->add_option("--export-dialog", args->export_layer, "show the export dialog (导出) open on this layer");
  c->add_option("--user", args->user,
                "render as this user sees it (password from SITMAP_PASSWORD or a prompt): sensitive points need it");
  c->add_option("--plan", args->plan, "with --workspace planning: the plan shown (default the published blocks)");
  c->add_flag("--plan-diff", args->plan_diff, "with --workspace planning: the plan against the published blocks");
  c->add_option("--plan-drag", args->plan_drag,
                "with --plan and --user of a planner: FROMLON,FROMLAT:TOLON,TOLAT, the draft's vertex nearest FROM "
                "held at TO mid-drag (nothing saved)");
  c->add_option("--workspace", args->workspace, "overview (态势, default), analysis (分析), planning, briefing or cases (受理)");
  c->add_flag("--heatmap", args->heatmap, "analysis: switch the incident heatmap on / 热力图");
  c->add_flag("--compare", args->compare,
              "analysis: the heatmap as the change from the same dates a year earlier (needs --period) / 同比");
  c->add_option("--period", args->period,
                "analysis: last-7-days|last-30-days|last-90-days|this-year (ending with the latest incident's day) "
                "or FROM..TO (ISO, TO excluded)");
  c->add_option("--hour-weekday", args->hour_weekday,
                "analysis: D:H, D = 1 (Monday) .. 7 (Sunday), H = 0..23, either * for any, as a click on the "
                "hour x weekday table");
  c->callback([args] {
    sitmap::ui::ScreenshotOptions o;
    o.dashboard.database = args->db;
    if (!args->user.empty()) {  // on a writable handle of its own: the sign-in is audited
      auto store = sitmap::store::open_spatialite(args->db, sitmap::store::OpenMode::ReadWrite);
      o.dashboard.principal = sitmap::services::sign_in(
          *store, args->user, sitmap::app::read_password("SITMAP_PASSWORD", "password of " + args->user + " / 密码: "));
    }
    std::tie(o.width, o.height) = parse_size(args->size);
    if (!args->bbox.empty()) o.dashboard.view_lonlat = parse_bbox(args->bbox);
    o.dashboard.layers = split(args->layers);
    if (!args->theme.empty()) {
      o.dashboard.theme = sitmap::style::parse_theme(args->theme);
      if (!o.dashboard.theme)
        throw sitmap::Error(sitmap::ErrorKind::BadInput, "--theme '" + args->theme + "': expected dark or light");
    }
    o.dashboard.clock = args->clock;
    if (!args->select.empty()) {
      auto colon = args->select.rfind(':');
      char* end = nullptr;
      long long id = colon == std::string::npos ? 0 : std::strtoll(args->select.c_str() + colon + 1, &end, 10);
      if (colon == std::string::npos || colon == 0 || !end || *end)
        throw sitmap::Error(sitmap::ErrorKind::BadInput,
                            "--select '" + args->select + "': expected LAYER:ID, e.g. cameras:12");
      o.dashboard.select_layer = args->select.substr(0, colon);
      o.dashboard.select_id = id;
    }
    o.map_only = args->map_only;
    o.dashboard.basemap = args->basemap;
    o.import_preview = args->import_preview;
    o.export_layer = args->export_layer;
    o.out = args->out;
    o.dashboard.workspace = sitmap::ui::parse_workspace(args->workspace);
    bool analysis = o.dashboard.workspace == sitmap::ui::Workspace::Analysis;
    if ((!args->plan.empty() || args->plan_diff || !args->plan_drag.empty()) &&
        o.dashboard.workspace != sitmap::ui::Workspace::Planning)
      throw sitmap::Error(sitmap::ErrorKind::BadInput, "--plan, --plan-diff and --plan-drag need --workspace planning");
    if (!args->plan_drag.empty()) {
      double x0, y0, x1, y1;
      char end;
      if (std::sscanf(args->plan_drag.c_str(), "%lf,%lf:%lf,%lf%c", &x0, &y0, &x1, &y1, &end) != 4)
        throw sitmap::Error(sitmap::ErrorKind::BadInput,
                            "--plan-drag '" + args->plan_drag + "': expected FROMLON,FROMLAT:TOLON,TOLAT");
      o.dashboard.plan_drag = std::pair{sitmap::XY{x0, y0}, sitmap::XY{x1, y1}};
    }
    o.dashboard.plan = args->plan;
    o.dashboard.plan_diff = args->plan_diff;
    if (!analysis && (args->heatmap || args->compare || !args->period.empty() || !args->hour_weekday.empty()))
      throw sitmap::Error(sitmap::ErrorKind::BadInput,
                          "--heatmap, --compare, --period and --hour-weekday need --workspace analysis");
    if (args->compare && (!args->heatmap || args->period.empty()))
      throw sitmap::Error(sitmap::ErrorKind::BadInput, "--compare needs --heatmap and --period");
    o.dashboard.heatmap = args->heatmap;
    o.dashboard.compare = args->compare;
    o.dashboard.period = args->period;
    if (!args->hour_weekday.empty())
      std::tie(o.dashboard.weekday, o.dashboard.hour) = sitmap::services::parse_hour_weekday(args->hour_weekday);
    sitmap::platform::OffscreenContext context;  // throws a clear reason without a display
    sitmap::ui::write_screenshot(o);
    std::printf("wrote %s (%dx%d)\n", o.out.c_str(), o.width, o.height);
  });
});

}  // namespace
