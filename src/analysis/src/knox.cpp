#include "sitmap/analysis/knox.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "parallel.hpp"
#include "point_index.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"

namespace sitmap::analysis {

namespace {

template <class T>
void check_bands(const std::vector<T>& edges, const char* what) {
  if (edges.empty()) throw Error(ErrorKind::BadInput, std::string("Knox test: no ") + what + " bands");
  for (size_t i = 0; i < edges.size(); ++i)
    if (!(edges[i] > 0) || (i > 0 && !(edges[i] > edges[i - 1])))
      throw Error(ErrorKind::BadInput, std::string("Knox test: ") + what + " bands must be positive and ascending");
}

// Band of a non-negative distance: the first edge it does not exceed, or -1 beyond the last.
template <class T>
int band_of(const std::vector<T>& edges, T d) {
  auto it = std::lower_bound(edges.begin(), edges.end(), d);
  return it == edges.end() ? -1 : static_cast<int>(it - edges.begin());
}

}  // namespace

KnoxResult knox_test(std::span<const XY> all_points, std::span<const int64_t> all_times, const KnoxOptions& o) {
  if (all_points.size() != all_times.size())
    throw Error(ErrorKind::BadInput, "Knox test: points and times differ in length");
  check_bands(o.space_bands, "space");
  check_bands(o.time_bands, "time");
  if (o.permutations < 1) throw Error(ErrorKind::BadInput, "Knox test: at least one permutation is needed");
  std::vector<XY> points;
  std::vector<int64_t> times;
  for (size_t i = 0; i < all_points.size(); ++i)
    if (all_times[i] != INT64_MIN) {
      points.push_back(all_points[i]);
      times.push_back(all_times[i]);
    }
  KnoxResult r;
  r.space_count = o.space_bands.size();
  r.time_count = o.time_bands.size();
  const size_t cells = r.space_count * r.time_count;

  // The pairs close in space never change under the shuffle: find them once, with their space band.
  struct Pair {
    uint32_t i, j;
    uint32_t band;
  };
  std::vector<Pair> pairs;
  detail::PointIndex index(points, o.space_bands.back());
  for (size_t i = 0; i < points.size(); ++i)
    index.within(points[i], o.space_bands.back(), [&](uint32_t j, double d2) {
      if (j <= i) return;
      int b = band_of(o.space_bands, std::sqrt(d2));
      if (b >= 0) pairs.push_back({static_cast<uint32_t>(i), j, static_cast<uint32_t>(b)});
    });

  auto tabulate = [&](const std::vector<int64_t>& t, std::vector<int64_t>& table) {
    std::fill(table.begin(), table.end(), 0);
    for (const Pair& p : pairs) {
      int tb = band_of(o.time_bands, static_cast<int64_t>(std::llabs(t[p.i] - t[p.j])));
      if (tb >= 0) ++table[p.band * r.time_count + tb];
    }
  };
  r.observed.assign(cells, 0);
  tabulate(times, r.observed);

  // Each permutation gets its own generator seeded from (seed, permutation), so the result does not depend
  // on how the permutations are split between threads.
  const int threads = detail::thread_count(o.threads);
  std::vector<std::vector<double>> sums(threads, std::vector<double>(cells, 0.0));
  std::vector<std::vector<int64_t>> extreme(threads, std::vector<int64_t>(cells, 0));
  detail::parallel_chunks(static_cast<size_t>(o.permutations), threads, [&](size_t b, size_t e, int chunk) {
    std::vector<int64_t> shuffled, table(cells);
    for (size_t k = b; k < e; ++k) {
      Random rng(o.seed * 1000003u + k);
      shuffled = times;
      for (size_t i = shuffled.size(); i > 1; --i)
        std::swap(shuffled[i - 1], shuffled[rng.integer(0, static_cast<int64_t>(i) - 1)]);
      tabulate(shuffled, table);
      for (size_t c = 0; c < cells; ++c) {
        sums[chunk][c] += static_cast<double>(table[c]);
        if (table[c] >= r.observed[c]) ++extreme[chunk][c];
      }
    }
  });
  r.expected.assign(cells, 0.0);
  r.ratio.assign(cells, 0.0);
  r.p.assign(cells, 0.0);
  for (size_t c = 0; c < cells; ++c) {
    int64_t ext = 0;
    for (int t = 0; t < threads; ++t) {
      r.expected[c] += sums[t][c];
      ext += extreme[t][c];
    }
    r.expected[c] /= o.permutations;
    r.ratio[c] = r.expected[c] > 0 ? static_cast<double>(r.observed[c]) / r.expected[c] : std::nan("");
    r.p[c] = static_cast<double>(1 + ext) / static_cast<double>(1 + o.permutations);
  }
  return r;
}

}  // namespace sitmap::analysis
