#include "sitmap/analysis/cluster.hpp"

#include <algorithm>

#include "point_index.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {
double cross(XY o, XY a, XY b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
}  // namespace

std::vector<XY> convex_hull(std::vector<XY> pts) {
  std::sort(pts.begin(), pts.end(), [](XY a, XY b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  if (pts.size() < 3) {
    if (!pts.empty()) pts.push_back(pts.front());
    return pts;
  }
  std::vector<XY> hull(2 * pts.size());
  size_t k = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
    hull[k++] = pts[i];
  }
  for (size_t i = pts.size() - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) --k;
    hull[k++] = pts[i];
  }
  hull.resize(k);  // the last point repeats the first: closed
  return hull;
}

DbscanResult dbscan(std::span<const XY> points, double eps, int min_points) {
  if (!(eps > 0)) throw Error(ErrorKind::BadInput, "DBSCAN: the distance must be positive");
  if (min_points < 1) throw Error(ErrorKind::BadInput, "DBSCAN: the minimum number of points must be at least 1");
  const size_t n = points.size();
  detail::PointIndex index(points, eps);
  DbscanResult out;
  out.labels.assign(n, -1);
  std::vector<uint8_t> core(n, 0);
  std::vector<uint32_t> near;
  for (size_t i = 0; i < n; ++i) {
    size_t c = 0;
    index.within(points[i], eps, [&](uint32_t, double) { ++c; });
    core[i] = c >= static_cast<size_t>(min_points);
  }
  std::vector<uint32_t> frontier;
  for (size_t i = 0; i < n; ++i) {
    if (!core[i] || out.labels[i] != -1) continue;
    const int32_t id = static_cast<int32_t>(out.clusters.size());
    out.clusters.emplace_back();
    out.labels[i] = id;
    frontier.assign(1, static_cast<uint32_t>(i));
    while (!frontier.empty()) {
      uint32_t p = frontier.back();
      frontier.pop_back();
      if (!core[p]) continue;  // border points join but do not spread the cluster
      index.within(points[p], eps, [&](uint32_t j, double) {
        if (out.labels[j] != -1) return;
        out.labels[j] = id;
        frontier.push_back(j);
      });
    }
  }
  std::vector<std::vector<XY>> members(out.clusters.size());
  for (size_t i = 0; i < n; ++i)
    if (out.labels[i] >= 0) members[out.labels[i]].push_back(points[i]);
  for (size_t c = 0; c < members.size(); ++c) {
    Cluster& cl = out.clusters[c];
    cl.count = static_cast<int64_t>(members[c].size());
    for (const XY& p : members[c]) {
      cl.centroid.x += p.x / static_cast<double>(cl.count);
      cl.centroid.y += p.y / static_cast<double>(cl.count);
    }
    cl.hull = convex_hull(std::move(members[c]));
  }
  return out;
}

}  // namespace sitmap::analysis
