#include "sitmap/analysis/hotspot.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "point_index.hpp"
#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::analysis {

namespace {

// A bucket holding a few points on average, from the points' bounding box (a strip, for collinear points).
double bucket_for(std::span<const XY> points) {
  BBox b;
  for (const XY& p : points) b.expand(p);
  if (b.empty()) return 1;
  double n = static_cast<double>(points.size()), longest = std::max(b.width(), b.height());
  double area = std::max(b.width() * b.height(), longest * longest / n);
  double side = std::sqrt(area / n) * 2;
  return side > 0 ? side : 1;
}

}  // namespace

SpatialWeights knn_weights(std::span<const XY> points, int k) {
  if (k < 1) throw Error(ErrorKind::BadInput, "k nearest neighbours: k must be at least 1");
  const size_t n = points.size();
  const size_t want = std::min<size_t>(static_cast<size_t>(k), n > 0 ? n - 1 : 0);
  detail::PointIndex index(points, bucket_for(points));
  SpatialWeights w;
  std::vector<std::pair<double, uint32_t>> found;
  for (size_t i = 0; i < n; ++i) {
    found.clear();
    size_t seen = 0;
    for (int64_t r = 0;; ++r) {
      index.ring(points[i], r, [&](uint32_t j, double d2) {
        ++seen;
        if (j != i) found.emplace_back(d2, j);
      });
      // Points in rings beyond r are farther than r buckets away.
      double reach = r * index.bucket();
      if (seen >= n) break;
      if (found.size() >= want) {
        std::nth_element(found.begin(), found.begin() + (want - 1), found.end());
        if (want == 0 || found[want - 1].first < reach * reach) break;
      }
    }
    std::sort(found.begin(), found.end());
    w.neighbours.push_back(static_cast<uint32_t>(i));
    w.weights.push_back(1.0);
    for (size_t m = 0; m < want; ++m) {
      w.neighbours.push_back(found[m].second);
      w.weights.push_back(1.0);
    }
    w.offsets.push_back(w.neighbours.size());
  }
  return w;
}

SpatialWeights distance_weights(std::span<const XY> points, double distance) {
  if (!(distance > 0)) throw Error(ErrorKind::BadInput, "distance band: the distance must be positive");
  detail::PointIndex index(points, std::max(distance, bucket_for(points)));
  SpatialWeights w;
  std::vector<uint32_t> found;
  for (size_t i = 0; i < points.size(); ++i) {
    found.clear();
    index.within(points[i], distance, [&](uint32_t j, double) { found.push_back(j); });
    std::sort(found.begin(), found.end());
    for (uint32_t j : found) {
      w.neighbours.push_back(j);
      w.weights.push_back(1.0);
    }
    w.offsets.push_back(w.neighbours.size());
  }
  return w;
}

double normal_two_sided_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

std::vector<GiStar> getis_ord_gi_star(std::span<const double> x, const SpatialWeights& w) {
  const size_t n = x.size();
  if (n < 3) throw Error(ErrorKind::BadInput, "Gi* needs at least 3 units, got " + std::to_string(n));
  if (w.size() != n)
    throw Error(ErrorKind::BadInput,
                "Gi*: " + std::to_string(w.size()) + " weight rows for " + std::to_string(n) + " units");
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]))
      throw Error(ErrorKind::BadInput, "Gi*: the value of unit " + std::to_string(i + 1) + " is not a number");
    sum += x[i];
    sum2 += x[i] * x[i];
  }
  const double nd = static_cast<double>(n), mean = sum / nd;
  const double s = std::sqrt(std::max(0.0, sum2 / nd - mean * mean));
  std::vector<GiStar> out(n);
  // S below this is rounding noise around equal values.
  if (s <= 1e-12 * std::max(1.0, std::fabs(mean))) return out;
  for (size_t i = 0; i < n; ++i) {
    double wx = 0, sw = 0, sw2 = 0;
    for (size_t m = w.offsets[i]; m < w.offsets[i + 1]; ++m) {
      double wij = w.weights[m];
      wx += wij * x[w.neighbours[m]];
      sw += wij;
      sw2 += wij * wij;
    }
    double var = (nd * sw2 - sw * sw) / (nd - 1);
    if (!(var > 1e-12)) continue;
    out[i].z = (wx - mean * sw) / (s * std::sqrt(var));
    out[i].p = normal_two_sided_p(out[i].z);
  }
  return out;
}

std::vector<double> benjamini_hochberg(std::span<const double> p) {
  const size_t n = p.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(n);
  double running = 1.0;
  for (size_t r = n; r-- > 0;) {
    size_t i = order[r];
    running = std::min(running, p[i] * static_cast<double>(n) / static_cast<double>(r + 1));
    q[i] = running;
  }
  return q;
}

const char* hotspot_class_name(HotspotClass c) {
  switch (c) {
    case HotspotClass::Hot99:
      return "hot_99";
    case HotspotClass::Hot95:
      return "hot_95";
    case HotspotClass::Hot90:
      return "hot_90";
    case HotspotClass::NotSignificant:
      return "not_significant";
    case HotspotClass::Cold90:
      return "cold_90";
    case HotspotClass::Cold95:
      return "cold_95";
    case HotspotClass::Cold99:
      return "cold_99";
  }
  return "?";
}

int hotspot_bin(HotspotClass c) { return 3 - static_cast<int>(c); }

std::vector<HotspotClass> classify_hotspots(std::span<const GiStar> gi, bool fdr) {
  std::vector<double> p(gi.size());
  for (size_t i = 0; i < gi.size(); ++i) p[i] = gi[i].p;
  if (fdr) p = benjamini_hochberg(p);
  std::vector<HotspotClass> out(gi.size(), HotspotClass::NotSignificant);
  for (size_t i = 0; i < gi.size(); ++i) {
    int level = p[i] < 0.01 ? 3 : p[i] < 0.05 ? 2 : p[i] < 0.10 ? 1 : 0;
    if (level == 0 || gi[i].z == 0) continue;
    out[i] = static_cast<HotspotClass>(gi[i].z > 0 ? 3 - level : 3 + level);
  }
  return out;
}

std::vector<HotspotRow> hotspot_table(const HotspotUnits& u, const HotspotOptions& o) {
  const size_t n = u.ids.size();
  if (u.centres.size() != n || u.counts.size() != n || u.rates.size() != n)
    throw Error(ErrorKind::BadInput, "hot spots: ids, centres, counts and rates of different lengths");
  if (o.knn < 0 || (o.knn == 0 && !(o.distance > 0 && std::isfinite(o.distance))))
    throw Error(ErrorKind::BadInput, "hot spots: give k nearest neighbours (at least 1) or a positive distance");
  std::vector<HotspotRow> rows(n);
  // Units without a value (a rate where households are unknown) stay out of the statistic.
  std::vector<size_t> used;
  std::vector<double> values, cx, cy;
  for (size_t i = 0; i < n; ++i) {
    rows[i] = {u.ids[i], u.counts[i], u.rates[i], std::nan(""), std::nan(""), std::nullopt};
    double v = o.use_rate ? u.rates[i] : static_cast<double>(u.counts[i]);
    if (!std::isfinite(v)) continue;
    used.push_back(i);
    values.push_back(v);
    cx.push_back(u.centres[i].x);
    cy.push_back(u.centres[i].y);
  }
  auto points = LocalFrame::around(cy).ground_points(cx, cy);
  auto weights = o.knn > 0 ? knn_weights(points, o.knn) : distance_weights(points, o.distance);
  auto gi = getis_ord_gi_star(values, weights);
  auto classes = classify_hotspots(gi, o.fdr);
  for (size_t k = 0; k < used.size(); ++k) {
    HotspotRow& r = rows[used[k]];
    r.z = gi[k].z;
    r.p = gi[k].p;
    r.cls = classes[k];
  }
  return rows;
}

HotspotUnits block_hotspot_units(std::span<const int64_t> ids, std::span<const Geometry> polygons, bool lonlat,
                                 std::span<const double> households, std::span<const int32_t> block_of_row,
                                 std::optional<std::span<const uint32_t>> rows) {
  const size_t n = ids.size();
  if (polygons.size() != n || (!households.empty() && households.size() != n))
    throw Error(ErrorKind::BadInput, "block units: " + std::to_string(n) + " ids but " +
                                         std::to_string(polygons.size()) + " polygons and " +
                                         std::to_string(households.size()) + " household counts");
  HotspotUnits u;
  u.ids.assign(ids.begin(), ids.end());
  u.centres.reserve(n);
  for (const Geometry& g : polygons) {
    XY c = geo::centroid(g);
    u.centres.push_back(lonlat ? geo::to_web_mercator(c) : c);
  }
  u.counts = count_per_unit(block_of_row, n, rows);
  if (households.empty())
    u.rates.assign(n, std::nan(""));
  else
    u.rates = rate_per_100_households(u.counts, households);
  return u;
}

std::vector<int32_t> locate_blocks(std::span<const Geometry> polygons, std::span<const double> x,
                                   std::span<const double> y, std::optional<std::span<const uint32_t>> rows) {
  if (x.size() != y.size()) throw Error(ErrorKind::BadInput, "locate blocks: x and y of different lengths");
  PolygonLocator locator(polygons);
  if (!rows) return locator.locate_all(x, y);
  std::vector<double> px(rows->size()), py(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    uint32_t r = (*rows)[i];
    if (r >= x.size()) throw Error(ErrorKind::BadInput, "locate blocks: row " + std::to_string(r) + " out of range");
    px[i] = x[r];
    py[i] = y[r];
  }
  return locator.locate_all(px, py);
}

HotspotUnits grid_hotspot_units(const GridSpec& grid, std::span<const double> x, std::span<const double> y,
                                std::span<const uint32_t> rows) {
  grid.validate();
  HotspotUnits u;
  u.counts.assign(grid.size(), 0);
  for (uint32_t r : rows) {
    if (r >= x.size() || r >= y.size())
      throw Error(ErrorKind::BadInput, "grid units: row " + std::to_string(r) + " out of range");
    long c = grid.cell_of(x[r], y[r]);
    if (c >= 0) ++u.counts[c];
  }
  u.ids.reserve(grid.size());
  u.centres.reserve(grid.size());
  for (int row = 0; row < grid.ny; ++row)
    for (int col = 0; col < grid.nx; ++col) {
      u.ids.push_back(static_cast<int64_t>(row) * grid.nx + col);
      u.centres.push_back(grid.cell_center(col, row));
    }
  u.rates.assign(grid.size(), std::nan(""));
  return u;
}

const char* hotspot_class_label(std::optional<HotspotClass> c) {
  if (!c) return "无数据";
  switch (*c) {
    case HotspotClass::Hot99:
      return "热点 99%";
    case HotspotClass::Hot95:
      return "热点 95%";
    case HotspotClass::Hot90:
      return "热点 90%";
    case HotspotClass::NotSignificant:
      return "不显著";
    case HotspotClass::Cold90:
      return "冷点 90%";
    case HotspotClass::Cold95:
      return "冷点 95%";
    case HotspotClass::Cold99:
      return "冷点 99%";
  }
  return "无数据";
}

}  // namespace sitmap::analysis
