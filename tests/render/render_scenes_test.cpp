// Golden-image tests: one folder per scene under tests/render/ with scene.toml and expected.png. Each scene
// renders the fixture district (fixture_district.hpp) with `sitmap screenshot`'s code path and compares
// per pixel. On failure actual.png and diff.png are written to build-dir/tests/render/<scene>/.
// Regenerate the goldens: SITMAP_UPDATE_GOLDEN=1 ctest -R render (under xvfb-run; look at them before committing).
#include <gdal.h>
#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "fixture_district.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/ui/analysis_panel.hpp"
#include "sitmap/ui/dashboard.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/services/planning.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

fs::path scenes_dir() { return fs::path(SITMAP_SOURCE_DIR) / "tests" / "render"; }

std::vector<std::string> scene_names() {
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(scenes_dir()))
    if (e.is_directory() && fs::exists(e.path() / "scene.toml")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

const fs::path& fixture_db() {
  static fixture::TemporaryFile db = [] {
    fs::path p = fs::temp_directory_path() / ("sitmap_render_fixture_" + std::to_string(::getpid()) + ".sqlite");
    fixture::remove_database(p);
    fixture::build_fixture_district(p);
    return fixture::TemporaryFile{p};
  }();
  return db.path;
}

// The fixture district plus two years of incidents with a daily and weekly rhythm (evenings and weekends busier,
// a hotspot busier in summer), for scenes with `database = "analysis"`: the analysis workspace's charts need
// times spread over months, weekdays and hours, which the fixture's incidents (all at one time) lack.
const fs::path& analysis_db() {
  static fixture::TemporaryFile db = [] {
    fs::path p = fs::temp_directory_path() / ("sitmap_render_analysis_" + std::to_string(::getpid()) + ".sqlite");
    fixture::remove_database(p);
    fixture::build_fixture_district(p);
    auto store = store::open_spatialite(p, store::OpenMode::ReadWrite);
    store->write([](store::Writer& w) {
      Random rng(11);
      const int64_t first = days_from_civil(2024, 12, 1) * 86400;
      const char* categories[] = {"盗窃", "电信诈骗", "纠纷"};
      for (int k = 0; k < 1500; ++k) {
        int64_t day = rng.integer(0, 727);
        int64_t t = first + day * 86400;
        int wd = weekday(t);
        double busy = wd >= 5 ? 1.0 : 0.6;
        // Hours: a daytime plateau and an evening peak; nights quiet.
        int hour = rng.uniform() < 0.45   ? int(rng.integer(9, 17))
                   : rng.uniform() < 0.75 ? int(rng.integer(18, 22))
                                          : int(rng.integer(0, 23));
        if (rng.uniform() > busy) hour = int(rng.integer(8, 20));
        t += hour * 3600 + rng.integer(0, 3599);
        bool summer = std::abs(int(day % 365) - 210) < 60;
        bool hot = rng.uniform() < (summer ? 0.6 : 0.35);
        double lon = hot ? 121.4715 + rng.normal() * 0.0008 : rng.uniform(121.460, 121.476);
        double lat = hot ? 31.2205 + rng.normal() * 0.0006 : rng.uniform(31.214, 31.224);
        w.insert("incidents", fixture::feature(Geometry::point({lon, lat}),
                                               {std::string(categories[k % 3]), int64_t(1 + rng.integer(0, 4)),
                                                format_iso_time(t), std::string("淮海中路")}));
      }
    });
    return fixture::TemporaryFile{p};
  }();
  return db.path;
}

// The demo district with a draft plan "合并试点" (blocks 1 and 2 merged by the planner's edit), for scenes with
// `database = "planning"`: the 规划 workspace's colours, figures and diff need door plates and a plan.
const fs::path& planning_db() {
  static fixture::TemporaryFile db = [] {
    fs::path p = fs::temp_directory_path() / ("sitmap_render_planning_" + std::to_string(::getpid()) + ".sqlite");
    fixture::remove_database(p);
    io::write_demo_district(p, {1, 200}, true);
    services::Workspace ws(store::open_spatialite(p, store::OpenMode::ReadWrite), {"planner", access::Role::Planner});
    services::new_plan(ws, {"合并试点", ""});
    services::PlanSession(ws, "合并试点")
        .apply([](analysis::BlockTopology& t) { return t.merge(1, 2); });
    return fixture::TemporaryFile{p};
  }();
  return db.path;
}

// A basemap for scenes with `basemap = true`: a paletted UTM 51N checkerboard of 100 m cells over the fixture
// district with a nodata corner, written at run time so that no binary raster is committed.
const fs::path& basemap_fixture() {
  static fixture::TemporaryFile raster = [] {
    fs::path p = fs::temp_directory_path() / ("sitmap_render_basemap_" + std::to_string(::getpid()) + ".tif");
    GDALAllRegister();
    const int w = 18, h = 14;
    XY nw = geo::Transformer("EPSG:4326", "EPSG:32651").forward(XY{121.4585, 31.2255});
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), p.c_str(), w, h, 1, GDT_Byte, nullptr);
    double gt[6] = {nw.x, 100, 0, nw.y, 0, -100};
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(ds, "EPSG:32651");
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    std::vector<uint8_t> px(w * h);
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) px[r * w + c] = c < 4 && r < 3 ? 0 : 1 + (r + c) % 2;
    if (GDALRasterIO(band, GF_Write, 0, 0, w, h, px.data(), w, h, GDT_Byte, 0, 0) != CE_None)
      throw std::runtime_error("cannot write the basemap fixture " + p.string());
    GDALSetRasterNoDataValue(band, 0);
    GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
    GDALColorEntry colours[] = {{0, 0, 0, 255}, {46, 84, 64, 255}, {120, 104, 70, 255}};
    for (int i = 0; i < 3; ++i) GDALSetColorEntry(ct, i, &colours[i]);
    GDALSetRasterColorTable(band, ct);
    GDALDestroyColorTable(ct);
    GDALClose(ds);
    return fixture::TemporaryFile{p};
  }();
  return raster.path;
}

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;
};

Image load_png(const fs::path& file) {
  Image img;
  int comp = 0;
  unsigned char* data = stbi_load(file.c_str(), &img.width, &img.height, &comp, 4);
  if (data) {
    img.rgba.assign(data, data + size_t(img.width) * img.height * 4);
    stbi_image_free(data);
  }
  return img;
}

class RenderScene : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() {
    fs::remove(fixture_db());
    fs::remove(basemap_fixture());
  }
};

TEST_P(RenderScene, MatchesGolden) {
  const std::string name = GetParam();
  fs::path dir = scenes_dir() / name;
  toml::table scene = toml::parse_file((dir / "scene.toml").string());
  ui::ScreenshotOptions o;
  o.dashboard.database = fixture_db();
  o.width = scene["width"].value_or(800);
  o.height = scene["height"].value_or(600);
  o.map_only = scene["map_only"].value_or(true);
  o.dashboard.clock = scene["clock"].value_or(std::string("2026-11-28 16:40"));
  if (auto theme = scene["theme"].value<std::string>()) o.dashboard.theme = style::parse_theme(*theme);
  if (auto* bbox = scene["bbox"].as_array(); bbox && bbox->size() == 4)
    o.dashboard.view_lonlat = BBox{*bbox->get(0)->value<double>(), *bbox->get(1)->value<double>(),
                                   *bbox->get(2)->value<double>(), *bbox->get(3)->value<double>()};
  if (auto* layers = scene["layers"].as_array())
    for (auto& l : *layers) o.dashboard.layers.push_back(*l.value<std::string>());
  if (auto select = scene["select_layer"].value<std::string>()) {
    o.dashboard.select_layer = *select;
    o.dashboard.select_id = scene["select_id"].value_or(int64_t(1));
  }
  if (scene["basemap"].value_or(false)) o.dashboard.basemap = basemap_fixture();
  if (scene["database"].value_or(std::string("fixture")) == "analysis") o.dashboard.database = analysis_db();
  if (scene["database"].value_or(std::string("fixture")) == "planning") o.dashboard.database = planning_db();
  o.dashboard.plan = scene["plan"].value_or(std::string());
  o.dashboard.plan_diff = scene["plan_diff"].value_or(false);
  if (auto* d = scene["plan_drag"].as_array(); d && d->size() == 4)
    o.dashboard.plan_drag = std::pair{XY{*d->get(0)->value<double>(), *d->get(1)->value<double>()},
                                      XY{*d->get(2)->value<double>(), *d->get(3)->value<double>()}};
  // Who the window works as (a planner's draft opens for editing).
  if (auto role = scene["role"].value<std::string>()) o.dashboard.principal = {*role, *access::parse_role(*role), false};
  // The analysis workspace as `sitmap screenshot --workspace analysis --heatmap --period P --hour-weekday D:H`.
  if (auto w = scene["workspace"].value<std::string>()) o.dashboard.workspace = ui::parse_workspace(*w);
  // The 汇报 screen: a scenes file beside scene.toml and the scene shown (as `sitmap brief` renders each).
  if (auto b = scene["briefing"].value<std::string>()) o.dashboard.briefing = dir / *b;
  o.dashboard.briefing_scene = size_t(scene["briefing_scene"].value_or(int64_t(0)));
  o.dashboard.heatmap = scene["heatmap"].value_or(false);
  o.dashboard.period = scene["period"].value_or(std::string());
  if (auto hw = scene["hour_weekday"].value<std::string>())
    std::tie(o.dashboard.weekday, o.dashboard.hour) = services::parse_hour_weekday(*hw);
  const int tolerance = scene["tolerance"].value_or(24);  // per channel, 0-255
  const int64_t max_differing = scene["max_differing_pixels"].value_or(int64_t(200));

  fs::path out_dir = fs::path(SITMAP_RENDER_OUT) / name;
  fs::create_directories(out_dir);
  o.out = out_dir / "actual.png";
  platform::OffscreenContext context;  // throws with a clear reason when there is no display
  ui::write_screenshot(o);
  Image actual = load_png(o.out);
  ASSERT_EQ(actual.width, o.width);

  if (const char* update = std::getenv("SITMAP_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    fs::copy_file(o.out, dir / "expected.png", fs::copy_options::overwrite_existing);
    GTEST_SKIP() << "golden updated: " << (dir / "expected.png");
  }
  Image expected = load_png(dir / "expected.png");
  ASSERT_FALSE(expected.rgba.empty()) << "no golden " << (dir / "expected.png")
                                      << "; create it with SITMAP_UPDATE_GOLDEN=1 ctest -R render";
  ASSERT_EQ(expected.width, actual.width);
  ASSERT_EQ(expected.height, actual.height);
  std::vector<uint8_t> diff(actual.rgba.size());
  int64_t differing = 0;
  for (size_t p = 0; p < actual.rgba.size(); p += 4) {
    int worst = 0;
    for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int(actual.rgba[p + c]) - int(expected.rgba[p + c])));
    bool bad = worst > tolerance;
    differing += bad;
    // diff.png: differing pixels red, the rest a faint copy of the golden.
    diff[p] = bad ? 255 : expected.rgba[p] / 4;
    diff[p + 1] = bad ? 0 : expected.rgba[p + 1] / 4;
    diff[p + 2] = bad ? 0 : expected.rgba[p + 2] / 4;
    diff[p + 3] = 255;
  }
  if (differing > max_differing) {
    render::write_png(out_dir / "diff.png", actual.width, actual.height, diff);
    FAIL() << name << ": " << differing << " pixels differ by more than " << tolerance << " (allowed " << max_differing
           << "); see " << o.out << " and " << (out_dir / "diff.png");
  } else {
    fs::remove(o.out);
  }
}

INSTANTIATE_TEST_SUITE_P(render, RenderScene, ::testing::ValuesIn(scene_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
