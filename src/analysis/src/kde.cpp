#include "sitmap/analysis/kde.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "parallel.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {

// Past this half-width (in cells) the kernel is far wider than anything a heatmap needs and the direct
// convolution would run for minutes: the cell size is then too small for the radius.
constexpr int kMaxHalfWidth = 2048;

double profile(Kernel k, double u2) {
  switch (k) {
    case Kernel::Quartic:
      return u2 < 1 ? (1 - u2) * (1 - u2) : 0;
    case Kernel::Epanechnikov:
      return u2 < 1 ? 1 - u2 : 0;
    case Kernel::Gaussian:
      return std::exp(-u2 / 2);
  }
  return 0;
}

// How far a point's mass reaches: the radius, or 4σ where the Gaussian is cut.
double support(Kernel k, double radius) { return k == Kernel::Gaussian ? 4 * radius : radius; }

int half_width(const KdeOptions& o, double cell_ground) {
  double h = std::floor(support(o.kernel, o.radius) / cell_ground);
  if (h > kMaxHalfWidth)
    throw Error(ErrorKind::BadInput, "a radius of " + std::to_string(o.radius) + " m spans more than " +
                                         std::to_string(kMaxHalfWidth) + " cells: use larger cells");
  return static_cast<int>(h);
}

// One-dimensional Gaussian taps over -h..h, normalised to sum to one.
std::vector<double> gaussian_1d(double sigma, double cell_ground, int h) {
  std::vector<double> k(2 * h + 1);
  double sum = 0;
  for (int i = -h; i <= h; ++i)
    sum += k[i + h] = profile(Kernel::Gaussian, (i * cell_ground) * (i * cell_ground) / (sigma * sigma));
  for (double& v : k) v /= sum;
  return k;
}

// The whole convolution is made of the two loops below, so they get AVX2/FMA where the CPU has it. Each
// keeps 32 outputs in registers across all taps: one load and one multiply-add per tap and 8 outputs.
// Eight floats at any float-aligned address (GCC vector extension; plain SSE2 code in the default clone).
typedef float v8 __attribute__((vector_size(32), aligned(4), may_alias));

// dst[c] += Σ_i taps[i] · src[c + i], c in [0, n), i in [0, count): along a row.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void correlate_along(float* __restrict dst,
                                                                                 const float* __restrict src,
                                                                                 const float* __restrict taps,
                                                                                 int count, int n) {
  int c = 0;
  for (; c + 32 <= n; c += 32) {
    v8* out = reinterpret_cast<v8*>(dst + c);
    v8 a0 = out[0], a1 = out[1], a2 = out[2], a3 = out[3];
    for (int i = 0; i < count; ++i) {
      const float k = taps[i];
      const v8* in = reinterpret_cast<const v8*>(src + c + i);
      a0 += k * in[0];
      a1 += k * in[1];
      a2 += k * in[2];
      a3 += k * in[3];
    }
    out[0] = a0;
    out[1] = a1;
    out[2] = a2;
    out[3] = a3;
  }
  for (; c < n; ++c)
    for (int i = 0; i < count; ++i) dst[c] += taps[i] * src[c + i];
}

// dst[c] += Σ_j taps[j] · rows[j][c], c in [0, n): across rows.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void correlate_across(float* __restrict dst,
                                                                                  const float* const* rows,
                                                                                  const float* __restrict taps,
                                                                                  int count, int n) {
  int c = 0;
  for (; c + 32 <= n; c += 32) {
    v8* out = reinterpret_cast<v8*>(dst + c);
    v8 a0 = out[0], a1 = out[1], a2 = out[2], a3 = out[3];
    for (int j = 0; j < count; ++j) {
      const float k = taps[j];
      const v8* in = reinterpret_cast<const v8*>(rows[j] + c);
      a0 += k * in[0];
      a1 += k * in[1];
      a2 += k * in[2];
      a3 += k * in[3];
    }
    out[0] = a0;
    out[1] = a1;
    out[2] = a2;
    out[3] = a3;
  }
  for (; c < n; ++c)
    for (int j = 0; j < count; ++j) dst[c] += taps[j] * rows[j][c];
}

void check_options(const KdeOptions& o) {
  if (!(o.radius > 0) || !std::isfinite(o.radius))
    throw Error(ErrorKind::BadInput, "the kernel radius must be a positive number of metres");
}

// Linear binning: each point's weight shared between the four nearest cell centres (clamped at the edges),
// into rows of `stride` floats starting `pad` floats in. Random points scatter over the whole grid, so the work
// is in the scattering: the points are split in two halves, each binned into a grid of its own (the second
// half's beside `cells`), and the two grids are added. Two halves whatever the thread count, so the surface
// does not depend on it; small inputs are binned as one.
void bin_points(std::span<const double> x, std::span<const double> y, std::span<const double> w, const GridSpec& g,
                int threads, float* cells, size_t stride, int pad, DensityGrid& out) {
  const size_t n = x.size(), size = stride * static_cast<size_t>(g.ny);
  const int parts = n < 100000 ? 1 : 2;
  std::vector<float> second_half(parts == 2 ? size : 0, 0.0f);
  struct Tally {
    double weight = 0;
    int64_t in = 0, outside = 0, skipped = 0;
  };
  std::vector<Tally> tally(parts);
  auto bin = [&](size_t i0, size_t i1, int part) {
    Tally& s = tally[part];
    float* grid = part == 0 ? cells : second_half.data();
    const double maxx = g.maxx(), miny = g.miny();
    for (size_t i = i0; i < i1; ++i) {
      double wi = w.empty() ? 1.0 : w[i];
      if (std::isnan(wi)) {
        ++s.skipped;
        continue;
      }
      if (wi < 0 || !std::isfinite(wi))
        throw Error(ErrorKind::BadInput, "weight of row " + std::to_string(i + 1) + " is " + std::to_string(wi) +
                                             ": kernel density needs weights >= 0");
      if (!(x[i] >= g.minx && x[i] < maxx && y[i] > miny && y[i] <= g.maxy)) {
        ++s.outside;
        continue;
      }
      ++s.in;
      s.weight += wi;
      double fr = (g.maxy - y[i]) / g.cell_y - 0.5, r0 = std::floor(fr);
      double fc = (x[i] - g.minx) / g.cell_x - 0.5, c0 = std::floor(fc);
      double tx = fc - c0, ty = fr - r0;
      int ra = std::max(0, static_cast<int>(r0)), rb = std::min(g.ny - 1, static_cast<int>(r0) + 1);
      int ca = std::max(0, static_cast<int>(c0)) + pad, cb = std::min(g.nx - 1, static_cast<int>(c0) + 1) + pad;
      float* row_a = grid + static_cast<size_t>(ra) * stride;
      float* row_b = grid + static_cast<size_t>(rb) * stride;
      row_a[ca] += static_cast<float>(wi * (1 - tx) * (1 - ty));
      row_a[cb] += static_cast<float>(wi * tx * (1 - ty));
      row_b[ca] += static_cast<float>(wi * (1 - tx) * ty);
      row_b[cb] += static_cast<float>(wi * tx * ty);
    }
  };
  if (parts == 2 && detail::thread_count(threads) >= 2) {
    detail::parallel_chunks(n, 2, bin);
  } else {
    for (int part = 0; part < parts; ++part) bin(n * part / parts, n * (part + 1) / parts, part);
  }
  if (parts == 2)
    detail::parallel_chunks(size, detail::thread_count(threads), [&](size_t c0, size_t c1, int) {
      for (size_t c = c0; c < c1; ++c) cells[c] += second_half[c];
    });
  for (auto& s : tally) {
    out.weight_in_grid += s.weight;
    out.points_in_grid += s.in;
    out.points_outside += s.outside;
    out.points_skipped += s.skipped;
  }
}

}  // namespace

const char* kernel_name(Kernel k) {
  switch (k) {
    case Kernel::Quartic:
      return "quartic";
    case Kernel::Epanechnikov:
      return "epanechnikov";
    case Kernel::Gaussian:
      return "gaussian";
  }
  return "?";
}

std::optional<Kernel> parse_kernel(std::string_view name) {
  std::string s(name);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "quartic" || s == "biweight") return Kernel::Quartic;
  if (s == "epanechnikov") return Kernel::Epanechnikov;
  if (s == "gaussian") return Kernel::Gaussian;
  return std::nullopt;
}

double DensityGrid::integral() const {
  double sum = 0;
  for (float v : values) sum += v;
  return sum * cell_area_km2;
}

GridSpec density_grid(const BBox& mercator_extent, Kernel kernel, double radius, double cell) {
  check_options({kernel, radius, 0});
  if (!(cell > 0 && std::isfinite(cell)))
    throw Error(ErrorKind::BadInput, "the cell size must be a positive number of metres");
  return GridSpec::covering(mercator_extent, cell, support(kernel, radius) + cell);
}

KernelTaps kernel_taps(const GridSpec& grid, const KdeOptions& o) {
  check_options(o);
  grid.validate();
  LocalFrame f = grid.frame();
  double gx = f.to_ground(grid.cell_x), gy = f.to_ground(grid.cell_y);
  KernelTaps k;
  k.hx = half_width(o, gx);
  k.hy = half_width(o, gy);
  k.taps.assign(static_cast<size_t>(2 * k.hx + 1) * (2 * k.hy + 1), 0.0);
  if (o.kernel == Kernel::Gaussian) {
    auto kx = gaussian_1d(o.radius, gx, k.hx), ky = gaussian_1d(o.radius, gy, k.hy);
    for (int j = -k.hy; j <= k.hy; ++j)
      for (int i = -k.hx; i <= k.hx; ++i)
        k.taps[(j + k.hy) * (2 * k.hx + 1) + (i + k.hx)] = ky[j + k.hy] * kx[i + k.hx];
    return k;
  }
  double sum = 0, r2 = o.radius * o.radius;
  for (int j = -k.hy; j <= k.hy; ++j)
    for (int i = -k.hx; i <= k.hx; ++i) {
      double d2 = (i * gx) * (i * gx) + (j * gy) * (j * gy);
      sum += k.taps[(j + k.hy) * (2 * k.hx + 1) + (i + k.hx)] = profile(o.kernel, d2 / r2);
    }
  for (double& v : k.taps) v /= sum;  // the centre tap is 1, so sum > 0
  return k;
}

DensityGrid kernel_density(std::span<const double> x, std::span<const double> y, std::span<const double> weights,
                           const GridSpec& g, const KdeOptions& o) {
  check_options(o);
  g.validate();
  if (x.size() != y.size() || (!weights.empty() && weights.size() != x.size()))
    throw Error(ErrorKind::BadInput, "kernel density: x, y and weights differ in length");
  DensityGrid out;
  out.grid = g;
  LocalFrame f = g.frame();
  double gx = f.to_ground(g.cell_x), gy = f.to_ground(g.cell_y);
  out.cell_area_km2 = gx * gy / 1e6;
  KernelTaps k = kernel_taps(g, o);

  // Binned weights in rows padded with hx zeros on each side, so that the row loops need no edge cases.
  const int nx = g.nx, ny = g.ny, threads = detail::thread_count(o.threads);
  const size_t stride = static_cast<size_t>(nx) + 2 * k.hx;
  std::vector<float> binned(stride * ny, 0.0f);
  bin_points(x, y, weights, g, o.threads, binned.data(), stride, k.hx, out);

  const double per_km2 = 1.0 / out.cell_area_km2;
  out.values.assign(g.size(), 0.0f);
  std::vector<uint8_t> row_used(ny, 0);
  for (int r = 0; r < ny; ++r)
    row_used[r] =
        std::any_of(binned.begin() + r * stride, binned.begin() + (r + 1) * stride, [](float v) { return v != 0; });
  // For output row r: the source rows r + j that are in the grid and hold weight, with their tap rows.
  auto rows_for = [&](int r, std::vector<int>& js) {
    js.clear();
    for (int j = -k.hy; j <= k.hy; ++j)
      if (r + j >= 0 && r + j < ny && row_used[r + j]) js.push_back(j);
  };

  if (o.kernel == Kernel::Gaussian) {
    // Separable: along rows into tmp, then across rows into the output.
    std::vector<float> kx(2 * k.hx + 1), ky(2 * k.hy + 1);
    auto kx_d = gaussian_1d(o.radius, gx, k.hx), ky_d = gaussian_1d(o.radius, gy, k.hy);
    for (size_t i = 0; i < kx.size(); ++i) kx[i] = static_cast<float>(kx_d[i] * per_km2);
    for (size_t j = 0; j < ky.size(); ++j) ky[j] = static_cast<float>(ky_d[j]);
    std::vector<float> tmp(g.size(), 0.0f);
    detail::parallel_chunks(ny, threads, [&](size_t r0, size_t r1, int) {
      for (size_t r = r0; r < r1; ++r)
        if (row_used[r]) correlate_along(&tmp[r * nx], &binned[r * stride], kx.data(), static_cast<int>(kx.size()), nx);
    });
    detail::parallel_chunks(ny, threads, [&](size_t r0, size_t r1, int) {
      std::vector<int> js;
      std::vector<const float*> rows;
      std::vector<float> taps;
      for (size_t r = r0; r < r1; ++r) {
        rows_for(static_cast<int>(r), js);
        rows.clear();
        taps.clear();
        for (int j : js) {
          rows.push_back(&tmp[(r + j) * nx]);
          taps.push_back(ky[j + k.hy]);
        }
        correlate_across(&out.values[r * nx], rows.data(), taps.data(), static_cast<int>(rows.size()), nx);
      }
    });
    return out;
  }

  // Radial kernels: row by row of the kernel, each trimmed to its non-zero span (the disc).
  const int w = 2 * k.hx + 1;
  std::vector<float> taps(k.taps.size());
  std::vector<int> first(2 * k.hy + 1, w), last(2 * k.hy + 1, -1);
  for (int j = 0; j < 2 * k.hy + 1; ++j)
    for (int i = 0; i < w; ++i) {
      taps[static_cast<size_t>(j) * w + i] = static_cast<float>(k.taps[static_cast<size_t>(j) * w + i] * per_km2);
      if (k.taps[static_cast<size_t>(j) * w + i] != 0) {
        first[j] = std::min(first[j], i);
        last[j] = i;
      }
    }
  // The kernel is the same j rows above and below (it depends on j²), so those two source rows are added
  // first and correlated once: half the multiply-adds.
  auto used = [&](int row) { return row >= 0 && row < ny && row_used[row]; };
  detail::parallel_chunks(ny, threads, [&](size_t r0, size_t r1, int) {
    std::vector<float> pair(stride);
    for (int r = static_cast<int>(r0); r < static_cast<int>(r1); ++r) {
      float* dst = &out.values[static_cast<size_t>(r) * nx];
      for (int j = 0; j <= k.hy; ++j) {
        const int t = j + k.hy, count = last[t] - first[t] + 1;
        const bool above = j > 0 && used(r - j), below = used(r + j);
        if (count <= 0 || (!above && !below)) continue;
        const float* src = &binned[static_cast<size_t>(below ? r + j : r - j) * stride];
        if (above && below) {
          const float* a = &binned[static_cast<size_t>(r - j) * stride];
          for (int c = first[t]; c < first[t] + count + nx - 1; ++c) pair[c] = a[c] + src[c];
          src = pair.data();
        }
        correlate_along(dst, src + first[t], &taps[static_cast<size_t>(t) * w + first[t]], count, nx);
      }
    }
  });
  return out;
}

DensityGrid density_difference(const DensityGrid& before, const DensityGrid& after) {
  const GridSpec &a = before.grid, &b = after.grid;
  if (a.nx != b.nx || a.ny != b.ny || a.minx != b.minx || a.maxy != b.maxy || a.cell_x != b.cell_x ||
      a.cell_y != b.cell_y || before.values.size() != after.values.size())
    throw Error(ErrorKind::BadInput, "the two density surfaces are on different grids");
  DensityGrid d = after;
  for (size_t i = 0; i < d.values.size(); ++i) d.values[i] = after.values[i] - before.values[i];
  d.weight_in_grid = after.weight_in_grid - before.weight_in_grid;
  d.points_in_grid = after.points_in_grid - before.points_in_grid;
  d.units = after.units + " (change)";
  return d;
}

}  // namespace sitmap::analysis
