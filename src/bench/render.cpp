// `sitmap-bench render DB [--points N]`: median frame time of the map over a fixed camera path at
// 1920x1080, for the workspace as it is and with N synthetic incidents added, with the GL renderer string;
// then the GPU heatmap over those incidents: a re-draw after each filter change, the heatmap pass alone, and
// the point layer's rebuild for a filter's shown rows.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "bench.hpp"
#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/render/heatmap.hpp"
#include "sitmap/render/map_renderer.hpp"
#include "sitmap/ui/map_scene.hpp"

namespace sitmap::bench {
namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// The incidents snapshot plus n points scattered in clusters over the district (seeded, reproducible).
std::shared_ptr<const Snapshot> with_synthetic_points(const Snapshot& base, const BBox& world,
                                                             int64_t n) {
  auto s = std::make_shared<Snapshot>(base);
  Random rng(42);
  std::vector<XY> centres;
  for (int i = 0; i < 40; ++i)
    centres.push_back({rng.uniform(world.minx, world.maxx), rng.uniform(world.miny, world.maxy)});
  double spread = std::max(world.width(), world.height()) / 25;
  size_t old = s->size();
  s->ids.reserve(old + n);
  s->x.reserve(old + n);
  s->y.reserve(old + n);
  for (int64_t i = 0; i < n; ++i) {
    XY c = centres[static_cast<size_t>(rng.integer(0, 39))];
    XY p = rng.chance(0.3) ? XY{rng.uniform(world.minx, world.maxx), rng.uniform(world.miny, world.maxy)}
                           : XY{c.x + rng.normal() * spread, c.y + rng.normal() * spread};
    s->ids.push_back(-1 - i);
    s->x.push_back(p.x);
    s->y.push_back(p.y);
    XY ll = geo::from_web_mercator(p);
    s->lon.push_back(ll.x);
    s->lat.push_back(ll.y);
    if (!s->time.empty()) s->time.push_back(s->time[old > 0 ? static_cast<size_t>(i) % old : 0]);
    for (auto& col : s->columns) {
      col.valid.push_back(1);
      switch (col.def.type) {
        case FieldType::Integer:
          col.ints.push_back(1 + i % 5);
          break;
        case FieldType::Real:
          col.reals.push_back(0);
          break;
        case FieldType::Text:
          col.texts.push_back("synthetic");
          break;
      }
    }
  }
  return s;
}

struct Spread {
  double median_ms = 0, p90_ms = 0;
};
Spread spread(std::vector<double> times) {
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], times[times.size() * 9 / 10]};
}

struct PathResult {
  double median_ms = 0, p90_ms = 0;
  size_t frames = 0;
};

// 120 frames: from the whole district into street zoom around its centre and out again, panning in a circle.
PathResult run_path(render::MapRenderer& renderer, render::Camera base, style::Color bg) {
  std::vector<double> times;
  const int frames = 120;
  for (int f = 0; f < frames; ++f) {
    double t = double(f) / frames;
    render::Camera c = base;
    c.zoom = base.zoom + 3.0 * std::sin(M_PI * t);
    double r = 300 * std::sin(M_PI * t);
    c.center = {base.center.x + r * std::cos(2 * M_PI * t), base.center.y + r * std::sin(2 * M_PI * t)};
    auto t0 = Clock::now();
    renderer.draw(c, bg);
    glFinish();
    times.push_back(ms_since(t0));
  }
  auto s = spread(times);
  return {s.median_ms, s.p90_ms, times.size()};
}

// The GPU heatmap over the incidents layer (radius 100 m): 30 filter changes stepping a 30-day window
// through the data's time span, each timed as a whole map frame, then the heatmap pass alone; and the
// incident layer's buffers rebuilt for each filter's shown rows (what the window does on a filter change).
// `png`: also writes the map with the heatmap of every incident (scaled to 70 % of its peak) to this file.
void bench_heatmap(render::Scene& scene, size_t incidents_index, render::MapRenderer& renderer,
                   const render::Camera& cam, style::Color bg, render::Framebuffer& fb, const std::string& png) {
  render::SceneLayer& layer = scene.layers[incidents_index];
  const Snapshot& s = *layer.data;
  auto table = render::incident_columns(s).table;

  render::HeatmapLayer heat(resource_path("shaders"));
  auto t0 = Clock::now();
  heat.set_points(s.x, s.y, {}, table, scene.origin);
  glFinish();
  double upload_ms = ms_since(t0);

  render::HeatmapParams params;
  params.radius = 100;
  params.scale_max = 2000;
  analysis::Playback playback;
  bool timed = table.extent.from != INT64_MIN;
  if (timed) {
    playback.extent = table.extent;
    playback.window = 30 * 86400;
    playback.step = std::max<int64_t>(1, (table.extent.to - table.extent.from) / 30);
  }
  const int changes = 30;
  std::vector<double> frame, alone, rebuild;
  for (int k = 0; k < changes; ++k) {
    if (timed) params.filter.range = playback.frame(static_cast<size_t>(k) % playback.frames());
    t0 = Clock::now();
    renderer.set_heatmap(&heat, params);
    renderer.draw(cam, bg);
    glFinish();
    frame.push_back(ms_since(t0));
    t0 = Clock::now();
    heat.draw(cam, params);
    glFinish();
    alone.push_back(ms_since(t0));
    t0 = Clock::now();
    renderer.set_rows(incidents_index,
                      std::make_shared<const std::vector<uint32_t>>(analysis::select_rows(table, params.filter)));
    glFinish();
    rebuild.push_back(ms_since(t0));
  }
  fb.bind();
  renderer.set_rows(incidents_index, nullptr);
  if (!png.empty()) {
    params.filter = {};
    auto density = heat.read_density(cam, params);
    params.scale_max = 0.7 * std::max(1.0f, *std::max_element(density.begin(), density.end()));
    renderer.set_heatmap(&heat, params);
    fb.bind();
    renderer.draw(cam, bg);
    render::write_png(png, fb.width(), fb.height(), fb.read_pixels());
    std::printf("wrote %s (heatmap scale 0 .. %.0f per km2)\n", png.c_str(), params.scale_max);
  }
  renderer.set_heatmap(nullptr, std::nullopt);
  auto f = spread(frame), a = spread(alone), r = spread(rebuild);
  std::printf(
      "heatmap over %zu incidents (radius 100 m, upload %.0f ms): after a filter change (30-day windows) "
      "median %.1f ms, p90 %.1f ms per map frame; heatmap alone median %.1f ms, p90 %.1f ms at %dx%d\n",
      heat.size(), upload_ms, f.median_ms, f.p90_ms, a.median_ms, a.p90_ms, cam.width, cam.height);
  std::printf("filter change on the incident layer (select_rows + set_rows): median %.1f ms, p90 %.1f ms\n",
              r.median_ms, r.p90_ms);
}

}  // namespace

void add_render(CLI::App& top) {
  struct Args {
    std::string db;
    int64_t points = 1000000;
    std::string png;
  };
  auto args = std::make_shared<Args>();
  auto* c = top.add_subcommand("render", "median map frame time at 1920x1080 / 渲染性能");
  c->add_option("db", args->db, "workspace database")->required()->check(CLI::ExistingFile);
  c->add_option("--points", args->points, "synthetic incidents added for the second run (default 1000000; 0: skip)")
      ->check(CLI::Range(int64_t(0), int64_t(50000000)));
  c->add_option("--png", args->png, "also write the map with the incidents' heatmap (radius 100 m) to this PNG");
  c->callback([args] {
    auto start = Clock::now();
    platform::OffscreenContext context;
    auto ws = services::Workspace::open(args->db, store::OpenMode::ReadOnly);
    auto styles = style::load_styles(resource_path("layers"));
    render::Scene scene = ui::load_scene(*ws, styles);
    render::MapRenderer renderer(resource_path("shaders"));
    renderer.set_scene(scene, styles.dashboard.theme);
    render::Framebuffer fb(1920, 1080);
    fb.bind();
    render::Camera cam;
    cam.width = fb.width();
    cam.height = fb.height();
    const auto* boundary = scene.find("boundary");
    cam.fit(boundary ? boundary->extent : scene.extent, 24);
    style::Color bg = styles.dashboard.background.get(styles.dashboard.theme);
    renderer.draw(cam, bg);
    glFinish();
    spdlog::info("first frame {:.0f} ms after start (open, load {} layers, build buffers, draw)", ms_since(start),
                 scene.layers.size());
    std::printf("renderer: %s\n", render::gl_renderer_string().c_str());
    auto r = run_path(renderer, cam, bg);
    std::printf(
        "demo scene: median %.1f ms, p90 %.1f ms per frame over %zu frames at 1920x1080 (GPU buffers %.1f MB)\n",
        r.median_ms, r.p90_ms, r.frames, renderer.gpu_bytes() / 1e6);
    if (args->points > 0) {
      render::SceneLayer* incidents = scene.find("incidents");
      if (!incidents || !incidents->data)
        throw Error(ErrorKind::NotFound, args->db + ": no incidents layer to add synthetic points to");
      auto t0 = Clock::now();
      incidents->data = with_synthetic_points(*incidents->data, scene.extent, args->points);
      incidents->total = static_cast<int64_t>(incidents->data->size());
      renderer.set_scene(scene, styles.dashboard.theme);
      double build_ms = ms_since(t0);
      auto big = run_path(renderer, cam, bg);
      std::printf(
          "with %lld synthetic incidents (%zu in all): median %.1f ms, p90 %.1f ms per frame "
          "(buffers rebuilt in %.0f ms, GPU buffers %.1f MB)\n",
          static_cast<long long>(args->points), incidents->data->size(), big.median_ms, big.p90_ms, build_ms,
          renderer.gpu_bytes() / 1e6);
    }
    if (render::SceneLayer* incidents = scene.find("incidents"); incidents && incidents->data)
      bench_heatmap(scene, static_cast<size_t>(incidents - scene.layers.data()), renderer, cam, bg, fb, args->png);
  });
}

}  // namespace sitmap::bench
