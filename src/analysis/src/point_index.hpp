// Points hashed into square buckets, for radius and nearest-neighbour queries in ground metres.
#pragma once
#include <cmath>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis::detail {

class PointIndex {
 public:
  PointIndex(std::span<const XY> points, double bucket) : pts_(points), bucket_(bucket > 0 ? bucket : 1) {
    std::vector<std::pair<int64_t, uint32_t>> keyed(points.size());
    for (size_t i = 0; i < points.size(); ++i)
      keyed[i] = {key(cell(points[i].x), cell(points[i].y)), static_cast<uint32_t>(i)};
    std::sort(keyed.begin(), keyed.end());
    order_.resize(keyed.size());
    for (size_t i = 0; i < keyed.size(); ++i) {
      order_[i] = keyed[i].second;
      auto& range = buckets_[keyed[i].first];
      if (range.second == 0) range.first = static_cast<uint32_t>(i);
      range.second = static_cast<uint32_t>(i + 1);
    }
  }

  // fn(j, squared distance) for every point j within `radius` of p (p itself included when it is a point).
  template <class Fn>
  void within(XY p, double radius, Fn&& fn) const {
    double r2 = radius * radius;
    int64_t cx0 = cell(p.x - radius), cx1 = cell(p.x + radius), cy0 = cell(p.y - radius), cy1 = cell(p.y + radius);
    for (int64_t cy = cy0; cy <= cy1; ++cy)
      for (int64_t cx = cx0; cx <= cx1; ++cx) {
        auto it = buckets_.find(key(cx, cy));
        if (it == buckets_.end()) continue;
        for (uint32_t k = it->second.first; k < it->second.second; ++k) {
          uint32_t j = order_[k];
          double dx = pts_[j].x - p.x, dy = pts_[j].y - p.y, d2 = dx * dx + dy * dy;
          if (d2 <= r2) fn(j, d2);
        }
      }
  }

  // Visits the buckets in square rings around p: fn(j, d2) for every point of ring `ring`; returns false
  // when the ring lies wholly beyond all points.
  template <class Fn>
  void ring(XY p, int64_t ring, Fn&& fn) const {
    int64_t cx = cell(p.x), cy = cell(p.y);
    auto visit = [&](int64_t bx, int64_t by) {
      auto it = buckets_.find(key(bx, by));
      if (it == buckets_.end()) return;
      for (uint32_t k = it->second.first; k < it->second.second; ++k) {
        uint32_t j = order_[k];
        double dx = pts_[j].x - p.x, dy = pts_[j].y - p.y;
        fn(j, dx * dx + dy * dy);
      }
    };
    if (ring == 0) return visit(cx, cy);
    for (int64_t d = -ring; d <= ring; ++d) {
      visit(cx + d, cy - ring);
      visit(cx + d, cy + ring);
    }
    for (int64_t d = -ring + 1; d <= ring - 1; ++d) {
      visit(cx - ring, cy + d);
      visit(cx + ring, cy + d);
    }
  }
  double bucket() const { return bucket_; }

 private:
  int64_t cell(double v) const { return static_cast<int64_t>(std::floor(v / bucket_)); }
  static int64_t key(int64_t cx, int64_t cy) { return (cx << 32) ^ (cy & 0xffffffff); }

  std::span<const XY> pts_;
  double bucket_;
  std::vector<uint32_t> order_;
  std::unordered_map<int64_t, std::pair<uint32_t, uint32_t>> buckets_;
};

}  // namespace sitmap::analysis::detail
