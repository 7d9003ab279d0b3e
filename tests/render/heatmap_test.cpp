// The GPU heatmap against its reference, analysis::kernel_density, on the camera's own pixel grid; the
// incident filter against analysis::select_rows; weights; difference mode; and zoom invariance (densities
// are per km² of ground, so the same place reads the same at every zoom).
#include "sitmap/render/heatmap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/grid.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/platform/gl_context.hpp"
#include "sitmap/render/gl.hpp"
#include "sitmap/render/map_renderer.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::render;
using analysis::Kernel;

namespace {

fs::path shader_dir() { return fs::path(SITMAP_SOURCE_DIR) / "shaders"; }

const XY kCenter{13524000, 3662000};  // Huaihai Middle Road, Web Mercator
const int kWidth = 240, kHeight = 200;

// A camera whose pixels are `ground_px` ground metres wide at its centre.
Camera camera_at(XY center, double ground_px, int width = kWidth, int height = kHeight) {
  Camera c;
  c.center = center;
  c.width = width;
  c.height = height;
  c.min_zoom = 0;
  c.max_zoom = 30;
  double res = ground_px / analysis::LocalFrame::at(center.y).scale;
  c.zoom = std::log2(kZoom0Resolution / res);
  return c;
}

// Incidents: three clusters and a thin uniform background, all at least `margin` ground metres inside the
// view so that neither surface loses mass at the edge; plus times, 40 categories (so the filter's high
// category bits are used), severities and weights, some missing.
struct Incidents {
  std::vector<double> x, y, weight;
  std::vector<int64_t> times;
  std::vector<std::string> category;
  std::vector<uint8_t> category_valid;
  std::vector<double> severity;
  analysis::IncidentTable table;

  Incidents subset(const std::vector<uint32_t>& rows) const {
    Incidents s;
    for (uint32_t r : rows) {
      s.x.push_back(x[r]);
      s.y.push_back(y[r]);
      s.weight.push_back(weight[r]);
      s.times.push_back(times[r]);
      s.category.push_back(category[r]);
      s.category_valid.push_back(category_valid[r]);
      s.severity.push_back(severity[r]);
    }
    s.table = analysis::IncidentTable::build(s.times, s.category, s.category_valid, s.severity);
    return s;
  }
};

const int64_t kStart = 1767225600;  // 2026-01-01T00:00:00

Incidents make_incidents(const Camera& cam, double margin_ground, size_t n, uint64_t seed) {
  Random rng(seed);
  const double scale = analysis::LocalFrame::at(cam.center.y).scale;
  BBox view = cam.visible_world();
  double m = margin_ground / scale;
  BBox inner{view.minx + m, view.miny + m, view.maxx - m, view.maxy - m};
  const XY centres[] = {{inner.minx + inner.width() * 0.3, inner.miny + inner.height() * 0.6},
                        {inner.minx + inner.width() * 0.7, inner.miny + inner.height() * 0.35},
                        {inner.minx + inner.width() * 0.55, inner.miny + inner.height() * 0.75}};
  Incidents d;
  while (d.x.size() < n) {
    XY p;
    if (rng.chance(0.2)) {
      p = {rng.uniform(inner.minx, inner.maxx), rng.uniform(inner.miny, inner.maxy)};
    } else {
      const XY& c = centres[rng.integer(0, 2)];
      p = {c.x + rng.normal() * 60 / scale, c.y + rng.normal() * 60 / scale};
    }
    if (!inner.contains(p)) continue;
    d.x.push_back(p.x);
    d.y.push_back(p.y);
    d.weight.push_back(rng.chance(0.05) ? NAN : rng.uniform(0, 5));
    d.times.push_back(rng.chance(0.05) ? INT64_MIN : kStart + rng.integer(0, 90 * 86400));
    auto cat = rng.integer(0, 40);
    d.category.push_back(cat == 40 ? "" : "c" + std::to_string(10 + cat));
    d.category_valid.push_back(cat != 40);
    d.severity.push_back(rng.chance(0.05) ? NAN : double(rng.integer(1, 5)));
  }
  d.table = analysis::IncidentTable::build(d.times, d.category, d.category_valid, d.severity);
  return d;
}

std::vector<float> cpu_density(const Incidents& d, const Camera& cam, Kernel kernel, double radius, bool weighted) {
  auto grid = analysis::GridSpec::fit(cam.visible_world(), cam.width, cam.height);
  auto s = analysis::kernel_density(d.x, d.y, weighted ? std::span<const double>(d.weight) : std::span<const double>(),
                                    grid, {kernel, radius, 1});
  return s.values;
}

double peak(const std::vector<float>& v) {
  double p = 0;
  for (float x : v) p = std::max(p, double(std::abs(x)));
  return p;
}
double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
  return m;
}
double sum(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}

HeatmapParams params(Kernel k, double radius) {
  HeatmapParams p;
  p.kernel = k;
  p.radius = radius;
  return p;
}

struct KernelCase {
  Kernel kernel;
  double radius;
};
// The Gaussian's radius is σ; its reach (4σ) stays inside the 120 m margin like the others' radius.
const KernelCase kKernels[] = {{Kernel::Quartic, 100}, {Kernel::Epanechnikov, 100}, {Kernel::Gaussian, 28}};

// GPU (exact kernel at pixel centres) against CPU (linear binning, discrete taps), as a share of the peak;
// see MatchesCpuKernelDensityForEveryKernel for what was measured.
const double kCpuTolerance = 0.003;

}  // namespace

TEST(Heatmap, MatchesCpuKernelDensityForEveryKernel) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  Camera cam = camera_at(kCenter, 5);
  Incidents d = make_incidents(cam, 120, 3000, 7);
  layer.set_points(d.x, d.y, {}, d.table, XY{kCenter.x + 300, kCenter.y - 200});
  EXPECT_EQ(layer.size(), d.x.size());
  const double pixel_km2 = 5.0 * 5.0 / 1e6;
  for (auto [kernel, radius] : kKernels) {
    SCOPED_TRACE(analysis::kernel_name(kernel));
    auto gpu = layer.read_density(cam, params(kernel, radius));
    auto cpu = cpu_density(d, cam, kernel, radius, false);
    ASSERT_EQ(gpu.size(), cpu.size());
    // The CPU bins each point linearly to the four nearest cell centres and convolves with taps
    // normalised to sum to one; the GPU evaluates the exact kernel at each pixel centre. With 5 m pixels
    // and a 100 m radius (σ 28 m) the binning moves mass by under half a pixel: measured (llvmpipe) max
    // |diff| 0.08-0.12 % of the peak here, 0.23 % for the sparser filtered subsets below.
    double p = peak(cpu);
    EXPECT_GT(p, 0);
    EXPECT_LE(max_abs_diff(gpu, cpu), kCpuTolerance * p);
    // Both integrals hold every point (all lie a kernel's reach inside the view); float rounding in the
    // R32F sums only: measured 1e-7 to 6e-7 apart.
    EXPECT_NEAR(sum(gpu) * pixel_km2, double(d.x.size()), 2e-6 * d.x.size());
    EXPECT_NEAR(sum(gpu), sum(cpu), 2e-6 * sum(cpu));
  }
}

TEST(Heatmap, FilterEqualsTheDensityOfTheSelectedRows) {
  platform::OffscreenContext context;
  HeatmapLayer all(shader_dir()), picked(shader_dir());
  Camera cam = camera_at(kCenter, 5);
  Incidents d = make_incidents(cam, 120, 3000, 11);
  all.set_points(d.x, d.y, {}, d.table, kCenter);

  std::vector<analysis::IncidentFilter> filters(4);
  filters[0].range = {kStart + 10 * 86400, kStart + 40 * 86400};
  filters[1].categories = d.table.category_bit("c13") | d.table.category_bit("c45") | d.table.category_bit("c49");
  filters[1].min_severity = 2;
  filters[1].max_severity = 4;
  filters[2].weekday = 2;
  filters[2].hour = 14;
  filters[2].range.to = kStart + 60 * 86400;                          // bounded at one end: rows without a time fail
  filters[3].range = {kStart - 1000 * 86400, kStart + 5000 * 86400};  // beyond the data's span either side
  filters[3].min_severity = 5;
  ASSERT_NE(filters[1].categories & ~0xffffffffull, 0u) << "the filter should use a category bit above 31";
  for (size_t f = 0; f < filters.size(); ++f) {
    SCOPED_TRACE("filter " + std::to_string(f));
    auto rows = analysis::select_rows(d.table, filters[f]);
    ASSERT_GT(rows.size(), 0u);
    ASSERT_LT(rows.size(), d.x.size());
    Incidents s = d.subset(rows);
    picked.set_points(s.x, s.y, {}, s.table, kCenter);
    HeatmapParams p = params(Kernel::Quartic, 100);
    auto unfiltered = picked.read_density(cam, p);
    p.filter = filters[f];
    auto gpu = all.read_density(cam, p);
    double pk = peak(unfiltered);
    ASSERT_GT(pk, 0);
    // The same kernels summed in the same order: identical on llvmpipe; a little rounding allowed.
    EXPECT_LE(max_abs_diff(gpu, unfiltered), 1e-6 * pk);
    EXPECT_LE(max_abs_diff(gpu, cpu_density(s, cam, Kernel::Quartic, 100, false)), kCpuTolerance * pk);
  }
}

TEST(Heatmap, WeightsScaleEachPointAndNanWeightsAreLeftOut) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  Camera cam = camera_at(kCenter, 5);
  Incidents d = make_incidents(cam, 120, 2000, 23);
  layer.set_points(d.x, d.y, d.weight, d.table, kCenter);
  HeatmapParams p = params(Kernel::Epanechnikov, 100);
  p.weighted = true;
  auto gpu = layer.read_density(cam, p);
  auto cpu = cpu_density(d, cam, Kernel::Epanechnikov, 100, true);  // skips NaN weights too
  EXPECT_LE(max_abs_diff(gpu, cpu), kCpuTolerance * peak(cpu));
  double total = 0;
  for (double w : d.weight)
    if (!std::isnan(w)) total += w;
  EXPECT_NEAR(sum(gpu) * 25 / 1e6, total, 2e-6 * total);
  // Weights given but not asked for: every point counts one.
  p.weighted = false;
  EXPECT_NEAR(sum(layer.read_density(cam, p)) * 25 / 1e6, double(d.x.size()), 2e-6 * d.x.size());
}

TEST(Heatmap, DifferenceIsDensityOfOnePeriodMinusTheOther) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  Camera cam = camera_at(kCenter, 5);
  Incidents d = make_incidents(cam, 120, 3000, 5);
  layer.set_points(d.x, d.y, {}, d.table, kCenter);
  HeatmapParams a = params(Kernel::Quartic, 100), b = a, diff = a;
  // Overlapping periods of the same length (rows in both count zero): sampling noise gives both rises
  // and falls.
  a.filter.range = {kStart, kStart + 55 * 86400};
  b.filter.range = {kStart + 35 * 86400, kStart + 90 * 86400};
  diff.filter = a.filter;
  diff.minus = b.filter;
  auto da = layer.read_density(cam, a), db = layer.read_density(cam, b), dd = layer.read_density(cam, diff);
  std::vector<float> expected(da.size());
  for (size_t i = 0; i < da.size(); ++i) expected[i] = da[i] - db[i];
  double pk = std::max(peak(da), peak(db));
  EXPECT_LE(max_abs_diff(dd, expected), 2e-6 * pk);                      // measured 8e-7: float rounding
  EXPECT_LT(*std::min_element(dd.begin(), dd.end()), -0.05 * pk) << pk;  // falls as well as rises
  EXPECT_GT(*std::max_element(dd.begin(), dd.end()), 0.05 * pk) << pk;
  // Rows in both periods add nothing: the difference holds exactly the mass of A only minus B only.
  auto count = [&](auto pred) {
    double n = 0;
    for (size_t i = 0; i < d.x.size(); ++i) n += pred(i);
    return n;
  };
  double only_a = count([&](size_t i) { return passes(d.table, i, a.filter) && !passes(d.table, i, b.filter); });
  double only_b = count([&](size_t i) { return passes(d.table, i, b.filter) && !passes(d.table, i, a.filter); });
  EXPECT_NEAR(sum(dd) * 25 / 1e6, only_a - only_b, 1e-3);
}

TEST(Heatmap, SameGroundPointReadsTheSameAtEveryZoom) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  Camera wide = camera_at(kCenter, 5);
  Incidents d = make_incidents(wide, 120, 3000, 3);
  layer.set_points(d.x, d.y, {}, d.table, kCenter);
  // Two and eight times closer, shifted half a close pixel so that every pixel centre of `wide` inside the
  // close view is also one of its pixel centres. Eight times closer the kernels outgrow point sprites
  // (llvmpipe: 255 px at most), so both ways of drawing them are compared.
  for (int k : {2, 8}) {
    double res2 = wide.resolution() / k;
    Camera close = wide;
    close.zoom += std::log2(double(k));
    close.center = {wide.center.x + res2 / 2, wide.center.y - res2 / 2};
    for (auto [kernel, radius] : kKernels) {
      SCOPED_TRACE(std::string(analysis::kernel_name(kernel)) + " x" + std::to_string(k));
      auto a = layer.read_density(wide, params(kernel, radius));
      auto b = layer.read_density(close, params(kernel, radius));
      double pk = peak(a);
      ASSERT_GT(pk, 0);
      size_t compared = 0;
      for (int row = 0; row < kHeight; ++row)
        for (int col = 0; col < kWidth; ++col) {
          XY s = close.world_to_screen(wide.screen_to_world({col + 0.5, row + 0.5}));
          int c2 = int(std::floor(s.x)), r2 = int(std::floor(s.y));
          if (c2 < 0 || r2 < 0 || c2 >= kWidth || r2 >= kHeight) continue;
          ASSERT_NEAR(s.x, c2 + 0.5, 1e-6);
          ASSERT_NEAR(s.y, r2 + 0.5, 1e-6);
          // Exact evaluation at the same ground point: only float rounding differs (measured 2e-6 of the
          // peak).
          EXPECT_NEAR(a[size_t(row) * kWidth + col], b[size_t(r2) * kWidth + c2], 5e-6 * pk);
          ++compared;
        }
      EXPECT_EQ(compared, size_t(kWidth / k) * (kHeight / k));
    }
  }
}

TEST(Heatmap, BadInputIsRefused) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  Camera cam = camera_at(kCenter, 5);
  Incidents d = make_incidents(cam, 120, 10, 1);
  std::vector<double> short_y(d.y.begin(), d.y.end() - 1);
  EXPECT_THROW(layer.set_points(d.x, short_y, {}, d.table, kCenter), Error);
  layer.set_points(d.x, d.y, {}, d.table, kCenter);
  HeatmapParams p = params(Kernel::Quartic, 0);
  EXPECT_THROW(layer.read_density(cam, p), Error);
  p.radius = 100;
  p.scale_max = 0;
  EXPECT_THROW(layer.draw(cam, p), Error);
  try {
    HeatmapLayer missing(fs::temp_directory_path() / "no_such_shader_dir");
    FAIL() << "loaded shaders from a missing directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("heat_splat"), std::string::npos) << e.what();
  }
}

TEST(Heatmap, DrawIsTransparentWhereEmptyAndItsCoarseGridMatchesTheExactOne) {
  platform::OffscreenContext context;
  HeatmapLayer layer(shader_dir());
  // Points in the middle of a view twice as wide: its corners lie beyond every kernel's reach.
  Incidents d = make_incidents(camera_at(kCenter, 2.5), 120, 3000, 17);
  Camera cam = camera_at(kCenter, 5);
  layer.set_points(d.x, d.y, {}, d.table, kCenter);
  HeatmapParams p = params(Kernel::Quartic, 100);
  p.scale_max = peak(layer.read_density(cam, p)) / 1.5;
  p.opacity = 1;
  Framebuffer fb(kWidth, kHeight);
  auto render = [&](double max_reach_px) {
    fb.bind();
    glClearColor(0.1f, 0.2f, 0.3f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    p.max_reach_px = max_reach_px;
    layer.draw(cam, p);
    // The caller's framebuffer and viewport are put back.
    GLint bound = 0, viewport[4] = {};
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &bound);
    glGetIntegerv(GL_VIEWPORT, viewport);
    EXPECT_NE(bound, 0);
    EXPECT_EQ(viewport[2], kWidth);
    EXPECT_EQ(viewport[3], kHeight);
    return fb.read_pixels();
  };
  fb.bind();
  glClearColor(0.1f, 0.2f, 0.3f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  const auto bg = fb.read_pixels();
  auto exact = render(0);
  auto coarse = render(HeatmapParams{}.max_reach_px);  // the 20 px reach on a grid of 1.7 px cells
  const size_t last = exact.size() - 4;
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(exact[k], bg[k]) << "top-left corner, channel " << k;
    EXPECT_EQ(coarse[last + k], bg[last + k]) << "bottom-right corner, channel " << k;
  }
  int max_diff = 0;
  size_t coloured = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(int(exact[i]) - int(coarse[i])));
    if (i % 4 == 0) coloured += exact[i] != bg[i] || exact[i + 1] != bg[i + 1] || exact[i + 2] != bg[i + 2];
  }
  EXPECT_GT(coloured, exact.size() / 4 / 10);
  EXPECT_LT(coloured, exact.size() / 4 * 9 / 10);
  // Bilinear interpolation of the 1.7 px grid: measured at most 3 levels of 255 apart (llvmpipe).
  EXPECT_LE(max_diff, 4);
  // For looking at: build-dir/tests/render/heatmap_*.png.
  write_png(fs::path(SITMAP_RENDER_OUT) / "heatmap_exact.png", kWidth, kHeight, exact);
  write_png(fs::path(SITMAP_RENDER_OUT) / "heatmap_coarse.png", kWidth, kHeight, coarse);
}

// The map draws the heatmap over areas and streets but under symbols; set_rows and set_fill_colors rebuild
// one layer with new shown rows or fill colours, and set_scene starts again from the scene's own.
TEST(Heatmap, MapDrawsItBetweenAreasAndSymbolsAndRebuildsOneLayer) {
  platform::OffscreenContext context;
  Camera cam = camera_at(kCenter, 5);
  Scene scene;
  scene.origin = kCenter;
  const style::Color grey{0.3f, 0.3f, 0.3f, 1}, white{1, 1, 1, 1}, purple{0.5f, 0, 0.5f, 1};
  SceneLayer area;
  area.style.draw = style::DrawKind::Fill;
  area.style.geometry = style::GeometryKind::Polygon;
  area.style.fill = {grey, grey};
  BBox view = cam.visible_world();
  area.world.push_back(Geometry::polygon(Polygon{{{{view.minx, view.miny},
                                                   {view.maxx, view.miny},
                                                   {view.maxx, view.maxy},
                                                   {view.minx, view.maxy},
                                                   {view.minx, view.miny}}}}));
  auto area_data = std::make_shared<Snapshot>();
  area_data->ids = {1};
  area_data->x = {kCenter.x};
  area_data->y = {kCenter.y};
  area.data = area_data;
  SceneLayer symbols;
  symbols.style.draw = style::DrawKind::Symbol;
  symbols.style.color = {white, white};
  symbols.style.halo = {white, white};
  auto pts = std::make_shared<Snapshot>();
  const double res = cam.resolution();
  for (int i = 0; i < 3; ++i) {
    pts->ids.push_back(i + 1);
    pts->x.push_back(kCenter.x + (i - 1) * 60 * res);  // 60 px apart on the middle row
    pts->y.push_back(kCenter.y);
  }
  symbols.data = pts;
  scene.layers = {area, symbols};

  MapRenderer map(shader_dir());
  map.set_scene(scene, style::Theme::Dark);
  HeatmapLayer heat(shader_dir());
  analysis::IncidentTable table = analysis::IncidentTable::build(std::vector<int64_t>(3, INT64_MIN), {}, {}, {});
  heat.set_points(pts->x, pts->y, {}, table, scene.origin);
  HeatmapParams p = params(Kernel::Quartic, 100);
  p.scale_max = 1;  // saturated within the kernels' reach: the ramp's last colour, #EF4444
  p.opacity = 1;
  Framebuffer fb(kWidth, kHeight);
  auto frame = [&] {
    fb.bind();
    map.draw(cam, {0, 0, 0, 1});
    return fb.read_pixels();
  };
  auto at = [&](const std::vector<uint8_t>& px, int col, int row) {
    size_t i = (size_t(row) * kWidth + col) * 4;
    return std::array<int, 3>{px[i], px[i + 1], px[i + 2]};
  };
  const int cx = kWidth / 2, cy = kHeight / 2;
  const std::array<int, 3> kWhite{255, 255, 255}, kGrey{77, 77, 77};
  auto plain = frame();
  EXPECT_EQ(at(plain, cx, cy), kWhite);
  EXPECT_EQ(at(plain, cx + 12, cy), kGrey);  // beside a symbol, within its kernel (20 px)

  map.set_heatmap(&heat, p);
  auto heated = frame();
  EXPECT_EQ(at(heated, cx, cy), kWhite) << "a symbol under the heatmap";
  EXPECT_EQ(at(heated, cx + 12, cy), (std::array<int, 3>{239, 68, 68})) << "the heatmap is not over the area";
  EXPECT_EQ(at(heated, 2, 2), kGrey) << "beyond every kernel's reach the heatmap is transparent";
  map.set_heatmap(&heat, std::nullopt);
  EXPECT_EQ(frame(), plain);

  map.set_rows(1, std::make_shared<const std::vector<uint32_t>>(std::vector<uint32_t>{0, 2}));
  auto filtered = frame();
  EXPECT_EQ(at(filtered, cx, cy), kGrey) << "a hidden row is still drawn";
  EXPECT_EQ(at(filtered, cx + 60, cy), kWhite);
  map.set_fill_colors(0, std::make_shared<const std::vector<style::Color>>(std::vector<style::Color>{purple}));
  auto purple_frame = frame();
  EXPECT_EQ(at(purple_frame, cx + 30, cy), (std::array<int, 3>{128, 0, 128}));
  EXPECT_EQ(at(purple_frame, cx, cy), (std::array<int, 3>{128, 0, 128})) << "the rows shown were lost";
  EXPECT_THROW(map.set_rows(2, nullptr), Error);
  map.set_scene(scene, style::Theme::Dark);
  EXPECT_EQ(frame(), plain);
}
