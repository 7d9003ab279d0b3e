#include "sitmap/analysis/hotspot.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "point_index.hpp"
#include "sitmap/core/error.hpp"

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

}  // namespace sitmap::analysis
