// The rebalance assistant (districting.hpp): units from Voronoi cells of the door plates, adjacency by the
// length of boundary two units share, and a greedy local search over unit moves between neighbouring blocks.
#include <algorithm>
#include <cmath>
#include <queue>
#include <set>

#include "sitmap/analysis/districting.hpp"
#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::analysis {

namespace {

struct Unit {
  Geometry cell;  // Polygon, lon/lat
  int block = -1;
  int64_t households = 0;
  BBox box;
  std::vector<std::pair<int, double>> neighbours;  // unit, shared boundary in metres
};

// Boundary length shared by two polygons whose sides run along each other (within eps metres), in metres.
double shared_length(const Geometry& a, const Geometry& b, const LocalMetres& m, XY origin, double eps) {
  auto segments = [&](const Geometry& g) {
    std::vector<std::pair<XY, XY>> out;
    for (auto& part : g.polygons)
      for (auto& r : part.rings)
        for (size_t i = 0; i + 1 < r.size(); ++i)
          out.push_back({{(r[i].x - origin.x) * m.kx, (r[i].y - origin.y) * m.ky},
                         {(r[i + 1].x - origin.x) * m.kx, (r[i + 1].y - origin.y) * m.ky}});
    return out;
  };
  auto sa = segments(a), sb = segments(b);
  double total = 0;
  for (auto& [p1, p2] : sa) {
    double dx = p2.x - p1.x, dy = p2.y - p1.y, len = std::hypot(dx, dy);
    if (len < eps) continue;
    double ux = dx / len, uy = dy / len;
    for (auto& [q1, q2] : sb) {
      double d1 = (q1.x - p1.x) * uy - (q1.y - p1.y) * ux, d2 = (q2.x - p1.x) * uy - (q2.y - p1.y) * ux;
      if (std::abs(d1) > eps || std::abs(d2) > eps) continue;
      double t1 = (q1.x - p1.x) * ux + (q1.y - p1.y) * uy, t2 = (q2.x - p1.x) * ux + (q2.y - p1.y) * uy;
      double lo = std::max(0.0, std::min(t1, t2)), hi = std::min(len, std::max(t1, t2));
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

double penalty(double households, double target, double tolerance) {
  double d = households / target - 1, over = std::max(0.0, std::abs(d) - tolerance);
  return over * over + 0.01 * d * d;
}

}  // namespace

RebalanceOutcome rebalance_blocks(std::span<const PlanBlock> blocks, const AddressPoints& addresses,
                                  const RebalanceOptions& options, const std::function<void(double)>& progress,
                                  const std::atomic<bool>* cancel) {
  auto cancelled = [&] {
    if (cancel && cancel->load()) throw Error(ErrorKind::Cancelled, "rebalance cancelled");
  };
  BBox all;
  for (auto& b : blocks) all.expand(b.polygon.bbox());
  const LocalMetres m = LocalMetres::at(all.empty() ? 0 : all.center().y);
  const XY origin = all.empty() ? XY{} : XY{all.minx, all.miny};
  std::vector<int32_t> block_of;
  block_metrics(blocks, addresses, options.target, &block_of);

  // Units.
  std::vector<Unit> units;
  std::vector<std::vector<size_t>> plates_of(blocks.size());
  for (size_t i = 0; i < block_of.size(); ++i)
    if (block_of[i] >= 0) plates_of[static_cast<size_t>(block_of[i])].push_back(i);
  for (size_t b = 0; b < blocks.size(); ++b) {
    cancelled();
    std::vector<XY> sites;
    for (size_t i : plates_of[b]) sites.push_back(addresses.at[i]);
    std::vector<Geometry> parts;
    for (const Geometry& cell : sites.size() < 2 ? std::vector<Geometry>{blocks[b].polygon}
                                                 : geo::voronoi_cells(sites, blocks[b].polygon))
      for (const Polygon& p : cell.polygons) parts.push_back(Geometry::polygon(p));
    PolygonLocator locate(parts);
    size_t first = units.size();
    for (auto& g : parts) units.push_back({g, static_cast<int>(b), 0, g.bbox(), {}});
    for (size_t i : plates_of[b])
      if (int k = locate.locate(addresses.at[i]); k >= 0) units[first + static_cast<size_t>(k)].households += addresses.households[i];
  }
  if (progress) progress(0.02);

  // Adjacency: units whose boxes meet and whose sides run along each other for half a metre or more.
  std::vector<size_t> order(units.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return units[a].box.minx < units[b].box.minx; });
  const double pad = 0.05 / m.kx;
  for (size_t oi = 0; oi < order.size(); ++oi) {
    if (oi % 256 == 0) cancelled();
    Unit& u = units[order[oi]];
    for (size_t oj = oi + 1; oj < order.size() && units[order[oj]].box.minx <= u.box.maxx + pad; ++oj) {
      Unit& v = units[order[oj]];
      if (v.box.miny > u.box.maxy + pad || v.box.maxy < u.box.miny - pad) continue;
      double len = shared_length(u.cell, v.cell, m, origin, 1e-5);
      if (len < 0.5) continue;
      u.neighbours.push_back({static_cast<int>(order[oj]), len});
      v.neighbours.push_back({static_cast<int>(order[oi]), len});
    }
  }
  if (progress) progress(0.1);

  std::vector<double> hh(blocks.size(), 0);
  std::vector<int64_t> count(blocks.size(), 0);
  for (auto& u : units) hh[static_cast<size_t>(u.block)] += static_cast<double>(u.households), ++count[static_cast<size_t>(u.block)];
  auto excess = [&] {
    double e = 0;
    for (double h : hh) e += std::max(0.0, std::abs(h / options.target - 1) - options.tolerance);
    return e;
  };
  const double start_excess = excess();
  // Whether block `b` stays in one piece without unit `skip`.
  auto connected_without = [&](int b, int skip) {
    int start = -1;
    for (auto& [v, len] : units[static_cast<size_t>(skip)].neighbours)
      if (units[static_cast<size_t>(v)].block == b) start = v;
    if (start < 0) return false;
    std::vector<char> seen(units.size(), 0);
    std::queue<int> q;
    q.push(start);
    seen[static_cast<size_t>(start)] = 1;
    int64_t reached = 1;
    while (!q.empty()) {
      int x = q.front();
      q.pop();
      for (auto& [y, len] : units[static_cast<size_t>(x)].neighbours)
        if (y != skip && !seen[static_cast<size_t>(y)] && units[static_cast<size_t>(y)].block == b) {
          seen[static_cast<size_t>(y)] = 1;
          ++reached;
          q.push(y);
        }
    }
    return reached == count[static_cast<size_t>(b)] - 1;
  };

  RebalanceOutcome out;
  out.units = static_cast<int64_t>(units.size());
  std::vector<char> changed(blocks.size(), 0);
  struct Move {
    double score;
    int unit, to;
  };
  for (;;) {
    cancelled();
    if (excess() <= 1e-12) break;
    std::vector<Move> moves;
    for (size_t ui = 0; ui < units.size(); ++ui) {
      const Unit& u = units[ui];
      if (u.households == 0 || count[static_cast<size_t>(u.block)] < 2) continue;
      const size_t a = static_cast<size_t>(u.block);
      double to_own = 0;
      for (auto& [v, len] : u.neighbours)
        if (units[static_cast<size_t>(v)].block == u.block) to_own += len;
      std::set<int> tried;
      for (auto& [v, len] : u.neighbours) {
        int c = units[static_cast<size_t>(v)].block;
        if (c == u.block || !tried.insert(c).second) continue;
        const size_t cc = static_cast<size_t>(c);
        double h = static_cast<double>(u.households);
        double delta = penalty(hh[a] - h, options.target, options.tolerance) +
                       penalty(hh[cc] + h, options.target, options.tolerance) -
                       penalty(hh[a], options.target, options.tolerance) - penalty(hh[cc], options.target, options.tolerance);
        if (delta >= -1e-12) continue;
        double to_new = 0;
        for (auto& [w, l] : u.neighbours)
          if (units[static_cast<size_t>(w)].block == c) to_new += l;
        moves.push_back({delta + 1e-7 * (to_own - to_new), static_cast<int>(ui), c});
      }
    }
    if (moves.empty()) break;
    // The best few usually include one that keeps its block whole; sort the rest only when none does.
    auto better = [](const Move& x, const Move& y) { return x.score < y.score; };
    std::partial_sort(moves.begin(), moves.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(32, moves.size())),
                      moves.end(), better);
    if (moves.size() > 32 && std::none_of(moves.begin(), moves.begin() + 32, [&](const Move& mv) {
          return connected_without(units[static_cast<size_t>(mv.unit)].block, mv.unit);
        }))
      std::sort(moves.begin(), moves.end(), better);
    bool moved = false;
    for (const Move& mv : moves) {
      Unit& u = units[static_cast<size_t>(mv.unit)];
      if (!connected_without(u.block, mv.unit)) continue;
      const size_t a = static_cast<size_t>(u.block), c = static_cast<size_t>(mv.to);
      hh[a] -= static_cast<double>(u.households);
      hh[c] += static_cast<double>(u.households);
      --count[a];
      ++count[c];
      changed[a] = changed[c] = 1;
      u.block = mv.to;
      ++out.moves;
      moved = true;
      break;
    }
    if (!moved) break;
    if (progress && start_excess > 0) progress(0.1 + 0.8 * std::clamp(1 - excess() / start_excess, 0.0, 1.0));
  }

  // Polygons of the changed blocks: the union of their units, one piece without holes.
  out.blocks.assign(blocks.begin(), blocks.end());
  const double sliver = kMinProblemArea / (m.kx * m.ky);
  for (size_t b = 0; b < blocks.size(); ++b) {
    if (!changed[b]) continue;
    cancelled();
    std::vector<Geometry> cells;
    for (auto& u : units)
      if (u.block == static_cast<int>(b)) cells.push_back(u.cell);
    // Units of different blocks were clipped separately, so their common sides agree only to rounding, and
    // GEOS's overlay can then leave a hairline between two of them: the first union that gives one piece.
    std::vector<Polygon> pieces;
    for (double grid : {1e-10, 0.0, 1e-9}) {
      Geometry merged = grid > 0 ? geo::union_on_grid(cells, grid) : geo::union_all(cells);
      pieces.clear();
      for (auto& p : merged.polygons)
        if (geo::area(Geometry::polygon(p)) > sliver) pieces.push_back(p);
      if (pieces.size() == 1) break;
    }
    if (pieces.size() != 1)
      throw Error(ErrorKind::Internal, "rebalance: block " + std::to_string(blocks[b].block_no) + " came out in " +
                                           std::to_string(pieces.size()) + " pieces");
    Polygon shell{{pieces[0].rings[0]}};
    for (size_t k = 1; k < pieces[0].rings.size(); ++k)
      if (geo::area(Geometry::polygon(Polygon{{pieces[0].rings[k]}})) > sliver)
        throw Error(ErrorKind::Internal, "rebalance: block " + std::to_string(blocks[b].block_no) +
                                             " would surround another block");
    out.blocks[b].polygon = Geometry::polygon(std::move(shell));
  }
  out.balanced = excess() <= 1e-12;
  if (progress) progress(1);
  return out;
}

}  // namespace sitmap::analysis
