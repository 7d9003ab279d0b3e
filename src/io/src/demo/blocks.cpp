// Grid blocks (网格) by recursive bisection of the boundary: each region is cut by a straight line into two
// parts whose households match the ratio of the blocks they will hold, preferring a cut along a street when the
// balance allows. The pieces come from GEOS (intersection and difference with one half-plane), so together they
// are exactly the region: no gaps, no overlaps.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "district.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::io::demo {

namespace {

constexpr double kMinGap = 0.05;  // metres between the cut and the nearest door

struct Cut {
  bool along_u = false;  // the line is v = at (parallel to the u axis) or u = at
  double at = 0;
  double deviation = 1e300;
};

struct Bisector {
  District& d;
  double mean;              // households per block over the whole district
  double street_deviation;  // a street may cut when both sides stay this close to the mean
  std::vector<int> leaf_of;
  std::vector<Geometry> leaves;

  // Deviation from the district's mean of the worse of the two sides.
  double deviation(int64_t left, int64_t total, int k1, int k2) const {
    double l = static_cast<double>(left) / k1 / mean - 1, r = static_cast<double>(total - left) / k2 / mean - 1;
    return std::max(std::abs(l), std::abs(r));
  }

  Cut best_cut(std::vector<int>& items, const BBox& region, bool along_u, int k1, int k2) {
    auto coord = [&](int i) {
      return along_u ? d.addresses[static_cast<size_t>(i)].at.y : d.addresses[static_cast<size_t>(i)].at.x;
    };
    std::sort(items.begin(), items.end(),
              [&](int a, int b) { return coord(a) < coord(b) || (coord(a) == coord(b) && a < b); });
    int64_t total = 0;
    for (int i : items) total += d.addresses[static_cast<size_t>(i)].households;
    Cut best;
    best.along_u = along_u;
    int64_t left = 0;
    double best_score = 1e300;
    for (size_t i = 0; i + 1 < items.size(); ++i) {
      left += d.addresses[static_cast<size_t>(items[i])].households;
      double gap = coord(items[i + 1]) - coord(items[i]);
      if (gap < 2 * kMinGap) continue;
      double dev = deviation(left, total, k1, k2);
      double score = dev + (gap < 3 ? 0.005 : 0);  // a gap between building rows reads better than one through a row
      if (score < best_score) {
        best_score = score;
        best.at = (coord(items[i]) + coord(items[i + 1])) / 2;
        best.deviation = dev;
      }
    }
    // A street running the same way and lying between the doors.
    double street_dev = 1e300, street_at = 0;
    for (auto& s : d.data.streets) {
      // Only a street that crosses the whole region: a cut along a street's line beyond its end runs through houses.
      if (s.along_u != along_u || s.lo > (along_u ? region.minx : region.miny) + 30 ||
          s.hi < (along_u ? region.maxx : region.maxy) - 30)
        continue;
      int64_t below = 0;
      bool clear = true;
      for (int i : items) {
        double c = coord(i);
        if (std::abs(c - s.across) < 3) clear = false;
        if (c < s.across) below += d.addresses[static_cast<size_t>(i)].households;
      }
      if (!clear || below == 0 || below == total) continue;
      double dev = deviation(below, total, k1, k2);
      if (dev < street_dev) street_dev = dev, street_at = s.across;
    }
    if (street_dev <= street_deviation) {
      best.at = street_at;
      best.deviation = street_dev;
    }
    return best;
  }

  void split(const Geometry& region, std::vector<int> items, int k) {
    if (k == 1) {
      for (int i : items) leaf_of[static_cast<size_t>(i)] = static_cast<int>(leaves.size());
      leaves.push_back(region);
      return;
    }
    int k1 = k / 2, k2 = k - k1;
    BBox b = region.bbox();
    // Cut across the longer side, so that blocks stay compact, unless the other way balances much better.
    bool first_along_u = b.height() > b.width();
    Cut first = best_cut(items, b, first_along_u, k1, k2), second = best_cut(items, b, !first_along_u, k1, k2);
    if (second.deviation + 0.02 < first.deviation) std::swap(first, second);
    std::string failure;
    for (const Cut& cut : {first, second}) {
      bool along_u = cut.along_u;
      if (cut.deviation > 1) continue;
      Polygon half{{along_u ? Ring{{b.minx - 10, b.miny - 10},
                                   {b.maxx + 10, b.miny - 10},
                                   {b.maxx + 10, cut.at},
                                   {b.minx - 10, cut.at},
                                   {b.minx - 10, b.miny - 10}}
                            : Ring{{b.minx - 10, b.miny - 10},
                                   {cut.at, b.miny - 10},
                                   {cut.at, b.maxy + 10},
                                   {b.minx - 10, b.maxy + 10},
                                   {b.minx - 10, b.miny - 10}}}};
      Geometry low = geo::intersection(region, Geometry::polygon(half));
      Geometry high = geo::difference(region, Geometry::polygon(half));
      if (low.polygons.size() != 1 || high.polygons.size() != 1) {
        failure = "a cut left a block in several parts";
        continue;
      }
      low.type = high.type = GeomType::Polygon;
      std::vector<int> low_items, high_items;
      for (int i : items) {
        const XY& p = d.addresses[static_cast<size_t>(i)].at;
        ((along_u ? p.y : p.x) < cut.at ? low_items : high_items).push_back(i);
      }
      split(low, std::move(low_items), k1);
      split(high, std::move(high_items), k2);
      return;
    }
    throw Error(ErrorKind::Internal, "demo: cannot divide a region into " + std::to_string(k) +
                                         " blocks: " + (failure.empty() ? "too few door plates" : failure));
  }
};

}  // namespace

void divide_blocks(District& d, Random& rng) {
  int64_t total = 0;
  for (auto& a : d.addresses) total += a.households;
  const double target = 250;
  auto balanced = [&](const Bisector& b) {
    std::vector<int64_t> sums(b.leaves.size(), 0);
    for (size_t i = 0; i < d.addresses.size(); ++i)
      sums[static_cast<size_t>(b.leaf_of[i])] += d.addresses[i].households;
    for (auto s : sums)
      if (std::abs(static_cast<double>(s) / target - 1) > kBlockTolerance) return false;
    return true;
  };
  // Cuts along streets give blocks that read well on the map but cost balance; with less of them when needed.
  std::optional<Bisector> result;
  for (double street_deviation : {0.05, 0.02, 0.0}) {
    result.emplace(Bisector{
        d, static_cast<double>(total) / kBlocks, street_deviation, std::vector<int>(d.addresses.size(), -1), {}});
    std::vector<int> all(d.addresses.size());
    std::iota(all.begin(), all.end(), 0);
    result->split(Geometry::polygon(d.data.boundary), std::move(all), kBlocks);
    if (balanced(*result)) {
      spdlog::info("demo: blocks cut along streets where balance stays within {:.0f} %", street_deviation * 100);
      break;
    }
  }
  Bisector& bisector = *result;

  d.blocks.clear();
  for (size_t i = 0; i < bisector.leaves.size(); ++i) {
    Block b;
    b.polygon = std::move(bisector.leaves[i]);
    b.number = static_cast<int64_t>(i) + 1;
    b.leader = fake_name(d.data, rng);
    d.blocks.push_back(std::move(b));
  }
  std::vector<std::map<int, int64_t>> by_compound(d.blocks.size());
  for (size_t i = 0; i < d.addresses.size(); ++i) {
    Address& a = d.addresses[i];
    a.block = bisector.leaf_of[i];
    Block& b = d.blocks[static_cast<size_t>(a.block)];
    b.households += a.households;
    ++b.addresses;
    if (a.compound >= 0) by_compound[static_cast<size_t>(a.block)][a.compound] += a.households;
  }
  for (size_t i = 0; i < d.blocks.size(); ++i) {
    Block& b = d.blocks[i];
    if (std::abs(static_cast<double>(b.households) / target - 1) > kBlockTolerance)
      throw Error(ErrorKind::Internal, "demo: block " + std::to_string(b.number) + " has " +
                                           std::to_string(b.households) + " households, outside 250 ± 15 %");
    int64_t most = 0;
    for (auto& [c, h] : by_compound[i])
      if (h > most) most = h, b.compound = d.compounds[static_cast<size_t>(c)].name;
  }
}

}  // namespace sitmap::io::demo
