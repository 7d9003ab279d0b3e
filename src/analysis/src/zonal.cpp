#include "sitmap/analysis/zonal.hpp"

#include <algorithm>
#include <cmath>

#include "parallel.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {

// Even-odd crossing test of one ring with the half-open rule (an edge counts when it straddles p.y with one
// end strictly above), which makes shared edges belong to one side only.
bool crosses_odd(const std::vector<XY>& ring, XY p) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const XY &a = ring[i], &b = ring[j];
    if ((a.y > p.y) != (b.y > p.y)) {
      double x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
      if (p.x < x) inside = !inside;
    }
  }
  return inside;
}

}  // namespace

PolygonLocator::PolygonLocator(std::span<const Geometry> polygons) {
  polys_.resize(polygons.size());
  for (size_t i = 0; i < polygons.size(); ++i) {
    const Geometry& g = polygons[i];
    if (g.type != GeomType::Polygon && g.type != GeomType::MultiPolygon)
      throw Error(ErrorKind::BadInput, "feature " + std::to_string(i + 1) + " is a " + geom_type_name(g.type) +
                                           ", not a polygon: cannot count points in it");
    for (const Polygon& part : g.polygons)
      for (const Ring& r : part.rings) {
        if (r.size() < 3) continue;
        polys_[i].rings.push_back(r);
        for (const XY& p : r) polys_[i].box.expand(p);
      }
    extent_.expand(polys_[i].box);
  }
  if (extent_.empty()) return;
  // About one polygon per bucket: a point then tests one or two candidates.
  int side = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(polys_.size())))) * 2);
  gx_ = gy_ = side;
  buckets_.assign(static_cast<size_t>(gx_) * gy_, {});
  auto bx = [&](double x) {
    return std::clamp(static_cast<int>((x - extent_.minx) / extent_.width() * gx_), 0, gx_ - 1);
  };
  auto by = [&](double y) {
    return std::clamp(static_cast<int>((y - extent_.miny) / extent_.height() * gy_), 0, gy_ - 1);
  };
  for (size_t i = 0; i < polys_.size(); ++i) {
    const BBox& b = polys_[i].box;
    if (b.empty()) continue;
    for (int y = by(b.miny); y <= by(b.maxy); ++y)
      for (int x = bx(b.minx); x <= bx(b.maxx); ++x)
        buckets_[static_cast<size_t>(y) * gx_ + x].push_back(static_cast<int32_t>(i));
  }
}

int PolygonLocator::locate(XY p) const {
  if (!extent_.contains(p)) return -1;
  int x = std::clamp(static_cast<int>((p.x - extent_.minx) / extent_.width() * gx_), 0, gx_ - 1);
  int y = std::clamp(static_cast<int>((p.y - extent_.miny) / extent_.height() * gy_), 0, gy_ - 1);
  for (int32_t i : buckets_[static_cast<size_t>(y) * gx_ + x]) {
    const Prepared& poly = polys_[i];
    if (!poly.box.contains(p)) continue;
    bool inside = false;
    for (const auto& r : poly.rings)
      if (crosses_odd(r, p)) inside = !inside;
    if (inside) return i;
  }
  return -1;
}

std::vector<int32_t> PolygonLocator::locate_all(std::span<const double> x, std::span<const double> y,
                                                int threads) const {
  if (x.size() != y.size()) throw Error(ErrorKind::BadInput, "locate: x and y differ in length");
  std::vector<int32_t> out(x.size(), -1);
  detail::parallel_chunks(x.size(), x.size() < 50000 ? 1 : detail::thread_count(threads), [&](size_t b, size_t e, int) {
    for (size_t i = b; i < e; ++i) out[i] = locate(XY{x[i], y[i]});
  });
  return out;
}

std::vector<int64_t> count_per_unit(std::span<const int32_t> unit_of_row, size_t units,
                                    std::optional<std::span<const uint32_t>> rows) {
  std::vector<int64_t> counts(units, 0);
  auto add = [&](size_t row) {
    int32_t u = unit_of_row[row];
    if (u >= 0 && static_cast<size_t>(u) < units) ++counts[u];
  };
  if (!rows)
    for (size_t i = 0; i < unit_of_row.size(); ++i) add(i);
  else
    for (uint32_t r : *rows) add(r);
  return counts;
}

std::vector<double> rate_per_100_households(std::span<const int64_t> counts, std::span<const double> households) {
  if (counts.size() != households.size())
    throw Error(ErrorKind::BadInput, "rates: counts and households differ in length");
  std::vector<double> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i)
    out[i] = households[i] > 0 ? 100.0 * static_cast<double>(counts[i]) / households[i] : std::nan("");
  return out;
}

}  // namespace sitmap::analysis
