#include "sitmap/analysis/districting.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <unordered_map>

#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::analysis {

namespace {

double signed_area(const std::vector<XY>& pts) {
  double s = 0;
  for (size_t i = 0, j = pts.size() - 1; i < pts.size(); j = i++) s += (pts[j].x * pts[i].y - pts[i].x * pts[j].y);
  return s / 2;
}

// Parameter along a→b of the point nearest to p (clamped) and the distance in metres.
std::pair<double, double> project(XY p, XY a, XY b, const LocalMetres& m) {
  double dx = (b.x - a.x) * m.kx, dy = (b.y - a.y) * m.ky;
  double px = (p.x - a.x) * m.kx, py = (p.y - a.y) * m.ky;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
  return {t, std::hypot(px - t * dx, py - t * dy)};
}

XY lerp(XY a, XY b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

// Proper or touching intersection of segments p1p2 and q1q2: parameters along each.
std::optional<std::pair<double, double>> segment_hit(XY p1, XY p2, XY q1, XY q2) {
  double rx = p2.x - p1.x, ry = p2.y - p1.y, sx = q2.x - q1.x, sy = q2.y - q1.y;
  double den = rx * sy - ry * sx;
  if (den == 0) return std::nullopt;  // parallel: a line along a side does not cross it
  double qpx = q1.x - p1.x, qpy = q1.y - p1.y;
  double t = (qpx * sy - qpy * sx) / den, u = (qpx * ry - qpy * rx) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return std::nullopt;
  return std::pair{t, u};
}

Geometry ring_polygon(const std::vector<XY>& vertices, const std::vector<int32_t>& ring) {
  Ring r;
  r.reserve(ring.size() + 1);
  for (int32_t v : ring) r.push_back(vertices[static_cast<size_t>(v)]);
  if (!r.empty()) r.push_back(r.front());
  return Geometry::polygon(Polygon{{std::move(r)}});
}

double area_m2(const Geometry& g, const LocalMetres& m) { return geo::area(g) * m.kx * m.ky; }

// Shape figures of one polygon's shell in metres.
void shape(const Geometry& g, const LocalMetres& m, BlockMetrics& out) {
  double a = 0, p = 0;
  for (const Polygon& part : g.polygons)
    for (size_t k = 0; k < part.rings.size(); ++k) {
      const Ring& r = part.rings[k];
      if (r.size() < 2) continue;
      double s = 0;
      for (size_t i = 0; i + 1 < r.size(); ++i) {
        s += (r[i].x * r[i + 1].y - r[i + 1].x * r[i].y);
        p += m.distance(r[i], r[i + 1]);
      }
      a += (k == 0 ? 1 : -1) * std::abs(s / 2);
    }
  out.area_m2 = a * m.kx * m.ky;
  out.perimeter_m = p;
  out.compactness = p > 0 ? 4 * std::numbers::pi * out.area_m2 / (p * p) : 0;
}

// Households, door plates and compounds split, from each door plate's block.
void tally(std::vector<BlockMetrics>& metrics, const AddressPoints& addr, const std::vector<int32_t>& block_of,
           double target) {
  for (auto& m : metrics) m.households = m.addresses = m.compounds_split = 0;
  std::map<int32_t, std::set<int32_t>> blocks_of_compound;
  for (size_t i = 0; i < block_of.size(); ++i) {
    int32_t b = block_of[i];
    if (b < 0) continue;
    metrics[static_cast<size_t>(b)].households += addr.households[i];
    ++metrics[static_cast<size_t>(b)].addresses;
    if (addr.compound[i] >= 0) blocks_of_compound[addr.compound[i]].insert(b);
  }
  for (auto& [c, blocks] : blocks_of_compound)
    if (blocks.size() > 1)
      for (int32_t b : blocks) ++metrics[static_cast<size_t>(b)].compounds_split;
  for (auto& m : metrics) m.deviation = static_cast<double>(m.households) / target - 1;
}

LocalMetres metres_for(std::span<const PlanBlock> blocks) {
  BBox b;
  for (auto& blk : blocks) b.expand(blk.polygon.bbox());
  return LocalMetres::at(b.empty() ? 0 : b.center().y);
}

std::string block_name(int64_t no) { return "block " + std::to_string(no); }

}  // namespace

LocalMetres LocalMetres::at(double lat_deg) {
  // WGS84 meridian and parallel degree lengths.
  double phi = lat_deg * std::numbers::pi / 180;
  return {111412.84 * std::cos(phi) - 93.5 * std::cos(3 * phi),
          111132.92 - 559.82 * std::cos(2 * phi) + 1.175 * std::cos(4 * phi)};
}

double LocalMetres::distance(XY a, XY b) const { return std::hypot((b.x - a.x) * kx, (b.y - a.y) * ky); }

std::vector<BlockMetrics> block_metrics(std::span<const PlanBlock> blocks, const AddressPoints& addresses,
                                        double target, std::vector<int32_t>* block_of) {
  std::vector<Geometry> polys;
  for (auto& b : blocks) {
    polys.push_back(b.polygon);
    if (polys.back().is_empty()) polys.back().type = GeomType::Polygon;  // a block without geometry holds nothing
  }
  PolygonLocator locator(polys);
  std::vector<int32_t> located(addresses.at.size());
  for (size_t i = 0; i < located.size(); ++i) located[i] = locator.locate(addresses.at[i]);
  LocalMetres m = metres_for(blocks);
  std::vector<BlockMetrics> out(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    out[i].block_no = blocks[i].block_no;
    shape(blocks[i].polygon, m, out[i]);
  }
  tally(out, addresses, located, target);
  if (block_of) *block_of = std::move(located);
  return out;
}

PlanSummary summarize(std::span<const BlockMetrics> metrics, int64_t unassigned, double tolerance) {
  PlanSummary s;
  s.blocks = static_cast<int64_t>(metrics.size());
  s.unassigned = unassigned;
  for (auto& m : metrics) {
    s.households += m.households;
    if (std::abs(m.deviation) <= tolerance + 1e-12) ++s.within;
    s.worst_deviation = std::max(s.worst_deviation, std::abs(m.deviation));
  }
  return s;
}

const char* problem_type_name(ProblemType t) {
  switch (t) {
    case ProblemType::Invalid: return "invalid";
    case ProblemType::Overlap: return "overlap";
    case ProblemType::Gap: return "gap";
    case ProblemType::Outside: return "outside";
  }
  return "?";
}

const char* problem_type_title_zh(ProblemType t) {
  switch (t) {
    case ProblemType::Invalid: return "无效几何";
    case ProblemType::Overlap: return "重叠";
    case ProblemType::Gap: return "缝隙";
    case ProblemType::Outside: return "越界";
  }
  return "?";
}

std::vector<Problem> validate_blocks(std::span<const PlanBlock> blocks, const std::optional<Geometry>& boundary) {
  LocalMetres m = metres_for(blocks);
  std::vector<Problem> out;
  std::vector<Geometry> usable(blocks.size());
  std::vector<BBox> boxes(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Geometry& g = blocks[i].polygon;
    std::string reason = g.is_empty() ? "empty geometry" : geo::invalid_reason(g);
    if (!reason.empty()) {
      Problem p{ProblemType::Invalid, {blocks[i].block_no}, {}, g.bbox(), 0, reason};
      p.location = p.extent.empty() ? XY{} : p.extent.center();
      // GEOS names the spot: "Self-intersection[121.47 31.21]".
      if (auto at = reason.find('['); at != std::string::npos)
        std::sscanf(reason.c_str() + at, "[%lf %lf]", &p.location.x, &p.location.y);
      out.push_back(std::move(p));
      if (!g.is_empty()) usable[i] = geo::make_valid(g);
    } else {
      usable[i] = g;
    }
    boxes[i] = usable[i].bbox();
  }
  auto add_parts = [&](ProblemType type, const Geometry& g, const std::function<std::vector<int64_t>(const Geometry&)>& who) {
    for (const Polygon& part : g.polygons) {
      Geometry piece = Geometry::polygon(part);
      double a = area_m2(piece, m);
      if (a < kMinProblemArea) continue;
      auto blocks_in = who(piece);
      std::sort(blocks_in.begin(), blocks_in.end());
      out.push_back({type, std::move(blocks_in), geo::point_on_surface(piece), piece.bbox(), a, {}});
    }
  };
  for (size_t i = 0; i < blocks.size(); ++i)
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      if (boxes[i].empty() || !boxes[i].intersects(boxes[j])) continue;
      if (!geo::intersects(usable[i], usable[j])) continue;
      Geometry inter = geo::intersection(usable[i], usable[j]);
      add_parts(ProblemType::Overlap, inter, [&](const Geometry&) {
        return std::vector<int64_t>{blocks[i].block_no, blocks[j].block_no};
      });
    }
  std::vector<Geometry> present;
  for (auto& g : usable)
    if (!g.is_empty()) present.push_back(g);
  if (present.empty()) return out;
  Geometry all = geo::union_all(present);
  // A block borders a gap along a side (not only at a corner): grown by 5 cm it covers a strip of the gap.
  double touch = 0.05 / m.kx;
  auto touching = [&](const Geometry& piece) {
    std::vector<int64_t> who;
    BBox box = piece.bbox();
    box.minx -= touch, box.miny -= touch, box.maxx += touch, box.maxy += touch;
    for (size_t i = 0; i < blocks.size(); ++i)
      if (boxes[i].intersects(box) && geo::distance(usable[i], piece) <= touch &&
          area_m2(geo::intersection(geo::buffer(usable[i], touch), piece), m) > 0.05 * 0.5)
        who.push_back(blocks[i].block_no);
    return who;
  };
  if (boundary) {
    add_parts(ProblemType::Gap, geo::difference(*boundary, all), touching);
    add_parts(ProblemType::Outside, geo::difference(all, *boundary), [&](const Geometry& piece) {
      std::vector<int64_t> who;
      for (size_t i = 0; i < blocks.size(); ++i)
        if (boxes[i].intersects(piece.bbox()) && area_m2(geo::intersection(usable[i], piece), m) > 0)
          who.push_back(blocks[i].block_no);
      return who;
    });
  } else {
    // Without a boundary, a gap is a hole in the union of the blocks.
    Geometry holes;
    holes.type = GeomType::MultiPolygon;
    for (const Polygon& part : all.polygons)
      for (size_t k = 1; k < part.rings.size(); ++k) holes.polygons.push_back(Polygon{{part.rings[k]}});
    add_parts(ProblemType::Gap, holes, touching);
  }
  return out;
}

// ---- snapping targets

SnapTargets::SnapTargets(std::span<const Geometry> geometries) {
  auto add_line = [&](const std::vector<XY>& pts) {
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
      segs_.push_back({pts[i], pts[i + 1]});
      extent_.expand(pts[i]);
      extent_.expand(pts[i + 1]);
    }
  };
  for (const Geometry& g : geometries) {
    for (auto& l : g.lines) add_line(l);
    for (auto& p : g.polygons)
      for (auto& r : p.rings) add_line(r);
  }
  if (segs_.empty()) return;
  // Buckets of about 20 m.
  cell_ = 20.0 / LocalMetres::at(extent_.center().y).ky;
  gx_ = std::max(1, static_cast<int>(extent_.width() / cell_) + 1);
  gy_ = std::max(1, static_cast<int>(extent_.height() / cell_) + 1);
  buckets_.assign(static_cast<size_t>(gx_) * gy_, {});
  for (size_t i = 0; i < segs_.size(); ++i) {
    BBox b;
    b.expand(segs_[i].a);
    b.expand(segs_[i].b);
    int x0 = static_cast<int>((b.minx - extent_.minx) / cell_), x1 = static_cast<int>((b.maxx - extent_.minx) / cell_);
    int y0 = static_cast<int>((b.miny - extent_.miny) / cell_), y1 = static_cast<int>((b.maxy - extent_.miny) / cell_);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) buckets_[static_cast<size_t>(y) * gx_ + x].push_back(static_cast<int32_t>(i));
  }
}

std::optional<XY> SnapTargets::nearest(XY p, double tolerance_m, const LocalMetres& m) const {
  if (segs_.empty()) return std::nullopt;
  double rx = tolerance_m / m.kx, ry = tolerance_m / m.ky;
  int x0 = std::max(0, static_cast<int>(std::floor((p.x - rx - extent_.minx) / cell_)));
  int x1 = std::min(gx_ - 1, static_cast<int>(std::floor((p.x + rx - extent_.minx) / cell_)));
  int y0 = std::max(0, static_cast<int>(std::floor((p.y - ry - extent_.miny) / cell_)));
  int y1 = std::min(gy_ - 1, static_cast<int>(std::floor((p.y + ry - extent_.miny) / cell_)));
  double best_vertex = tolerance_m, best_line = tolerance_m;
  std::optional<XY> vertex, line;
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x)
      for (int32_t i : buckets_[static_cast<size_t>(y) * gx_ + x]) {
        const Seg& s = segs_[static_cast<size_t>(i)];
        for (XY end : {s.a, s.b})
          if (double d = m.distance(p, end); d <= best_vertex) best_vertex = d, vertex = end;
        auto [t, d] = project(p, s.a, s.b, m);
        if (d <= best_line) best_line = d, line = lerp(s.a, s.b, t);
      }
  return vertex ? vertex : line;
}

// ---- topology

BlockTopology BlockTopology::build(std::span<const PlanBlock> blocks, double tolerance_m) {
  BlockTopology t;
  t.metres_ = metres_for(blocks);
  t.tolerance_m_ = tolerance_m;
  const double cell_x = tolerance_m / t.metres_.kx, cell_y = tolerance_m / t.metres_.ky;
  std::unordered_map<int64_t, std::vector<int32_t>> grid;
  auto key = [](int64_t x, int64_t y) { return x * 1000003 + y; };
  auto vertex_for = [&](XY p) {
    auto gx = static_cast<int64_t>(std::floor(p.x / cell_x)), gy = static_cast<int64_t>(std::floor(p.y / cell_y));
    for (int64_t dy = -1; dy <= 1; ++dy)
      for (int64_t dx = -1; dx <= 1; ++dx)
        if (auto it = grid.find(key(gx + dx, gy + dy)); it != grid.end())
          for (int32_t v : it->second)
            if (t.metres_.distance(t.vertices_[static_cast<size_t>(v)], p) <= tolerance_m) return v;
    int32_t v = t.add_point(p);
    grid[key(gx, gy)].push_back(v);
    return v;
  };
  for (const PlanBlock& b : blocks) {
    if (b.polygon.polygons.size() != 1 || b.polygon.polygons[0].rings.size() != 1 ||
        b.polygon.polygons[0].rings[0].size() < 4)
      throw Error(ErrorKind::BadInput, block_name(b.block_no) +
                                           ": the planner edits blocks that are one polygon without holes");
    Face f{b.block_no, b.leader, {}};
    const Ring& r = b.polygon.polygons[0].rings[0];
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      int32_t v = vertex_for(r[i]);
      if (f.ring.empty() || f.ring.back() != v) f.ring.push_back(v);
    }
    while (f.ring.size() > 1 && f.ring.front() == f.ring.back()) f.ring.pop_back();
    std::vector<XY> pts;
    for (int32_t v : f.ring) pts.push_back(t.vertices_[static_cast<size_t>(v)]);
    if (signed_area(pts) < 0) std::reverse(f.ring.begin(), f.ring.end());
    t.faces_.push_back(std::move(f));
  }
  // A corner of one block lying on another block's side becomes a vertex of that side too (a T-junction).
  for (Face& f : t.faces_) {
    std::vector<int32_t> ring;
    for (size_t i = 0; i < f.ring.size(); ++i) {
      int32_t a = f.ring[i], b = f.ring[(i + 1) % f.ring.size()];
      ring.push_back(a);
      XY pa = t.vertices_[static_cast<size_t>(a)], pb = t.vertices_[static_cast<size_t>(b)];
      BBox box;
      box.expand(pa);
      box.expand(pb);
      int64_t x0 = static_cast<int64_t>(std::floor(box.minx / cell_x)) - 1, x1 = static_cast<int64_t>(std::floor(box.maxx / cell_x)) + 1;
      int64_t y0 = static_cast<int64_t>(std::floor(box.miny / cell_y)) - 1, y1 = static_cast<int64_t>(std::floor(box.maxy / cell_y)) + 1;
      std::vector<std::pair<double, int32_t>> on;
      // Walk the vertices rather than the cells when the side spans many cells.
      auto consider = [&](int32_t v) {
        if (v == a || v == b) return;
        auto [u, d] = project(t.vertices_[static_cast<size_t>(v)], pa, pb, t.metres_);
        if (d <= tolerance_m && u > 0 && u < 1) on.emplace_back(u, v);
      };
      if ((x1 - x0) * (y1 - y0) > static_cast<int64_t>(t.vertices_.size())) {
        for (int32_t v = 0; v < static_cast<int32_t>(t.vertices_.size()); ++v) consider(v);
      } else {
        for (int64_t y = y0; y <= y1; ++y)
          for (int64_t x = x0; x <= x1; ++x)
            if (auto it = grid.find(key(x, y)); it != grid.end())
              for (int32_t v : it->second) consider(v);
      }
      std::sort(on.begin(), on.end());
      for (auto& [u, v] : on) ring.push_back(v);
    }
    f.ring = std::move(ring);
  }
  return t;
}

int32_t BlockTopology::add_point(XY p) {
  vertices_.push_back(p);
  return static_cast<int32_t>(vertices_.size() - 1);
}

int BlockTopology::face_index(int64_t block_no) const {
  for (size_t i = 0; i < faces_.size(); ++i)
    if (faces_[i].block_no == block_no) return static_cast<int>(i);
  return -1;
}

std::vector<BlockTopology::Edge> BlockTopology::edges() const {
  std::map<std::pair<int32_t, int32_t>, Edge> by;
  for (size_t f = 0; f < faces_.size(); ++f) {
    const auto& r = faces_[f].ring;
    for (size_t i = 0; i < r.size(); ++i) {
      int32_t a = r[i], b = r[(i + 1) % r.size()];
      Edge& e = by[{std::min(a, b), std::max(a, b)}];
      e.a = std::min(a, b);
      e.b = std::max(a, b);
      // Rings run counter-clockwise: the face is on the left of its own direction.
      (a < b ? e.left : e.right) = static_cast<int32_t>(f);
    }
  }
  std::vector<Edge> out;
  for (auto& [k, e] : by) out.push_back(e);
  return out;
}

std::vector<int> BlockTopology::faces_of_vertex(int32_t v) const {
  std::vector<int> out;
  for (size_t f = 0; f < faces_.size(); ++f)
    if (std::find(faces_[f].ring.begin(), faces_[f].ring.end(), v) != faces_[f].ring.end())
      out.push_back(static_cast<int>(f));
  return out;
}

std::vector<int> BlockTopology::faces_on_segment(int32_t a, int32_t b) const {
  std::vector<int> out;
  for (size_t f = 0; f < faces_.size(); ++f) {
    const auto& r = faces_[f].ring;
    for (size_t i = 0; i < r.size(); ++i) {
      int32_t p = r[i], q = r[(i + 1) % r.size()];
      if ((p == a && q == b) || (p == b && q == a)) {
        out.push_back(static_cast<int>(f));
        break;
      }
    }
  }
  return out;
}

Geometry BlockTopology::face_polygon(size_t face) const { return ring_polygon(vertices_, faces_[face].ring); }

std::vector<PlanBlock> BlockTopology::blocks() const {
  std::vector<PlanBlock> out;
  for (size_t f = 0; f < faces_.size(); ++f) out.push_back({faces_[f].block_no, faces_[f].leader, face_polygon(f)});
  return out;
}

int64_t BlockTopology::next_block_no() const {
  int64_t n = 0;
  for (auto& f : faces_) n = std::max(n, f.block_no);
  return n + 1;
}

int32_t BlockTopology::vertex_near(XY p, double tolerance_m) const {
  int32_t best = -1;
  double best_d = tolerance_m;
  for (auto& f : faces_)
    for (int32_t v : f.ring)
      if (double d = metres_.distance(vertices_[static_cast<size_t>(v)], p); d <= best_d) best_d = d, best = v;
  return best;
}

SnapResult BlockTopology::snap(XY p, double tolerance_m, const SnapTargets* targets, int32_t except) const {
  SnapResult r;
  r.at = p;
  double best = tolerance_m;
  for (auto& f : faces_)
    for (int32_t v : f.ring)
      if (v != except)
        if (double d = metres_.distance(vertices_[static_cast<size_t>(v)], p); d <= best) {
          best = d;
          r = {SnapKind::Vertex, vertices_[static_cast<size_t>(v)], v, -1, -1, d};
        }
  if (r.kind != SnapKind::None) return r;
  for (auto& f : faces_)
    for (size_t i = 0; i < f.ring.size(); ++i) {
      int32_t a = f.ring[i], b = f.ring[(i + 1) % f.ring.size()];
      if (a == except || b == except) continue;
      XY pa = vertices_[static_cast<size_t>(a)], pb = vertices_[static_cast<size_t>(b)];
      auto [t, d] = project(p, pa, pb, metres_);
      if (d <= best) {
        best = d;
        r = {SnapKind::Edge, lerp(pa, pb, t), -1, a, b, d};
      }
    }
  if (r.kind != SnapKind::None || !targets) return r;
  if (auto q = targets->nearest(p, tolerance_m, metres_)) r = {SnapKind::Line, *q, -1, -1, -1, metres_.distance(p, *q)};
  return r;
}

void BlockTopology::check_faces(std::span<const int> faces, const char* what) const {
  // Every changed block valid first: GEOS overlays of an invalid polygon fail rather than answer.
  for (int f : faces) {
    std::string reason = geo::invalid_reason(face_polygon(static_cast<size_t>(f)));
    if (!reason.empty())
      throw Error(ErrorKind::BadInput, std::string(what) + ": " + block_name(faces_[f].block_no) +
                                           " would not be a valid polygon (" + reason + ")");
  }
  for (int f : faces) {
    Geometry g = face_polygon(static_cast<size_t>(f));
    BBox box = g.bbox();
    for (size_t o = 0; o < faces_.size(); ++o) {
      if (static_cast<int>(o) == f) continue;
      Geometry other = face_polygon(o);
      if (!box.intersects(other.bbox()) || !geo::intersects(g, other)) continue;
      if (area_m2(geo::intersection(g, other), metres_) > kMinProblemArea)
        throw Error(ErrorKind::BadInput, std::string(what) + ": " + block_name(faces_[f].block_no) + " would overlap " +
                                             block_name(faces_[o].block_no));
    }
  }
}

std::vector<int> BlockTopology::move_vertex(int32_t v, XY to) {
  if (v < 0 || v >= static_cast<int32_t>(vertices_.size())) throw Error(ErrorKind::BadInput, "move: no such vertex");
  auto faces = faces_of_vertex(v);
  if (faces.empty()) throw Error(ErrorKind::BadInput, "move: the vertex belongs to no block");
  XY was = vertices_[static_cast<size_t>(v)];
  vertices_[static_cast<size_t>(v)] = to;
  try {
    check_faces(faces, "move");
  } catch (...) {
    vertices_[static_cast<size_t>(v)] = was;
    throw;
  }
  return faces;
}

int32_t BlockTopology::add_vertex(int32_t a, int32_t b, XY p) {
  auto faces = faces_on_segment(a, b);
  if (faces.empty()) throw Error(ErrorKind::BadInput, "add vertex: the two vertices are not the ends of a side");
  BlockTopology saved = *this;
  int32_t v = add_point(p);
  for (int f : faces) {
    auto& r = faces_[static_cast<size_t>(f)].ring;
    for (size_t i = 0; i < r.size(); ++i) {
      int32_t x = r[i], y = r[(i + 1) % r.size()];
      if ((x == a && y == b) || (x == b && y == a)) {
        r.insert(r.begin() + static_cast<std::ptrdiff_t>(i + 1), v);
        break;
      }
    }
  }
  try {
    check_faces(faces, "add vertex");
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
  return v;
}

std::vector<int> BlockTopology::delete_vertex(int32_t v) {
  auto faces = faces_of_vertex(v);
  if (faces.empty()) throw Error(ErrorKind::BadInput, "delete vertex: the vertex belongs to no block");
  std::set<int32_t> neighbours;
  for (int f : faces) {
    auto& r = faces_[static_cast<size_t>(f)].ring;
    auto i = static_cast<size_t>(std::find(r.begin(), r.end(), v) - r.begin());
    neighbours.insert(r[(i + 1) % r.size()]);
    neighbours.insert(r[(i + r.size() - 1) % r.size()]);
    if (r.size() <= 3)
      throw Error(ErrorKind::BadInput, "delete vertex: " + block_name(faces_[f].block_no) + " would have under 3 corners");
  }
  if (neighbours.size() > 2)
    throw Error(ErrorKind::BadInput, "delete vertex: it is a junction of " + std::to_string(neighbours.size()) +
                                         " sides; only a corner on one boundary can be deleted");
  BlockTopology saved = *this;
  for (int f : faces) std::erase(faces_[static_cast<size_t>(f)].ring, v);
  try {
    check_faces(faces, "delete vertex");
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
  return faces;
}

int32_t BlockTopology::on_boundary_vertex(XY p, double tolerance_m, const std::vector<int32_t>& ring) {
  int32_t best = -1;
  double best_d = tolerance_m;
  for (int32_t v : ring)
    if (double d = metres_.distance(vertices_[static_cast<size_t>(v)], p); d <= best_d) best_d = d, best = v;
  if (best >= 0) return best;
  int32_t a = -1, b = -1;
  XY at;
  for (size_t i = 0; i < ring.size(); ++i) {
    int32_t x = ring[i], y = ring[(i + 1) % ring.size()];
    XY px = vertices_[static_cast<size_t>(x)], py = vertices_[static_cast<size_t>(y)];
    auto [t, d] = project(p, px, py, metres_);
    if (d <= best_d || (a < 0 && d <= tolerance_m)) best_d = d, a = x, b = y, at = lerp(px, py, t);
  }
  if (a < 0) return -1;
  int32_t v = add_point(at);
  for (int f : faces_on_segment(a, b)) {
    auto& r = faces_[static_cast<size_t>(f)].ring;
    for (size_t i = 0; i < r.size(); ++i)
      if ((r[i] == a && r[(i + 1) % r.size()] == b) || (r[i] == b && r[(i + 1) % r.size()] == a)) {
        r.insert(r.begin() + static_cast<std::ptrdiff_t>(i + 1), v);
        break;
      }
  }
  return v;
}

std::vector<int> BlockTopology::split(int64_t block_no, std::span<const XY> line) {
  int f = face_index(block_no);
  if (f < 0) throw Error(ErrorKind::BadInput, "split: there is no " + block_name(block_no));
  if (line.size() < 2) throw Error(ErrorKind::BadInput, "split: the line needs two points or more");
  struct Hit {
    double along;
    XY at;
  };
  std::vector<Hit> hits;
  {
    const auto& r = faces_[static_cast<size_t>(f)].ring;
    for (size_t k = 0; k + 1 < line.size(); ++k)
      for (size_t i = 0; i < r.size(); ++i) {
        XY a = vertices_[static_cast<size_t>(r[i])], b = vertices_[static_cast<size_t>(r[(i + 1) % r.size()])];
        if (auto h = segment_hit(line[k], line[k + 1], a, b))
          hits.push_back({static_cast<double>(k) + h->first, lerp(line[k], line[k + 1], h->first)});
      }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.along < b.along; });
  // A line through a corner meets both sides there: one crossing.
  std::vector<Hit> crossings;
  for (auto& h : hits)
    if (crossings.empty() || metres_.distance(crossings.back().at, h.at) > tolerance_m_) crossings.push_back(h);
  if (crossings.size() != 2)
    throw Error(ErrorKind::BadInput, "split: the line must cross " + block_name(block_no) +
                                         "'s boundary exactly twice (it crosses " + std::to_string(crossings.size()) +
                                         " times)");
  BlockTopology saved = *this;
  try {
    int32_t v1 = on_boundary_vertex(crossings[0].at, tolerance_m_, faces_[static_cast<size_t>(f)].ring);
    int32_t v2 = on_boundary_vertex(crossings[1].at, tolerance_m_, faces_[static_cast<size_t>(f)].ring);
    if (v1 < 0 || v2 < 0 || v1 == v2) throw Error(ErrorKind::BadInput, "split: the line touches the boundary only once");
    std::vector<int32_t> inner;
    for (size_t k = 0; k < line.size(); ++k)
      if (static_cast<double>(k) > crossings[0].along && static_cast<double>(k) < crossings[1].along)
        inner.push_back(add_point(line[k]));
    const auto r = faces_[static_cast<size_t>(f)].ring;
    size_t i1 = static_cast<size_t>(std::find(r.begin(), r.end(), v1) - r.begin());
    size_t i2 = static_cast<size_t>(std::find(r.begin(), r.end(), v2) - r.begin());
    std::vector<int32_t> a, b;
    for (size_t i = i1;; i = (i + 1) % r.size()) {
      a.push_back(r[i]);
      if (i == i2) break;
    }
    a.insert(a.end(), inner.rbegin(), inner.rend());
    for (size_t i = i2;; i = (i + 1) % r.size()) {
      b.push_back(r[i]);
      if (i == i1) break;
    }
    b.insert(b.end(), inner.begin(), inner.end());
    int64_t number = next_block_no();
    faces_[static_cast<size_t>(f)].ring = std::move(a);
    faces_.push_back({number, "", std::move(b)});
    std::vector<int> changed{f, static_cast<int>(faces_.size() - 1)};
    check_faces(changed, "split");
    return changed;
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
}

std::vector<int> BlockTopology::merge(int64_t keep, int64_t absorb) {
  int fa = face_index(keep), fb = face_index(absorb);
  if (fa < 0 || fb < 0 || fa == fb)
    throw Error(ErrorKind::BadInput, "merge: needs two different blocks (" + block_name(keep) + ", " +
                                         block_name(absorb) + ")");
  std::set<std::pair<int32_t, int32_t>> directed;
  auto add_edges = [&](const std::vector<int32_t>& r) {
    for (size_t i = 0; i < r.size(); ++i) directed.insert({r[i], r[(i + 1) % r.size()]});
  };
  add_edges(faces_[static_cast<size_t>(fa)].ring);
  add_edges(faces_[static_cast<size_t>(fb)].ring);
  std::map<int32_t, int32_t> next;
  size_t shared = 0;
  for (auto [a, b] : directed) {
    if (directed.count({b, a})) {
      ++shared;
      continue;
    }
    if (next.count(a))
      throw Error(ErrorKind::BadInput, "merge: " + block_name(keep) + " and " + block_name(absorb) +
                                           " touch only at a corner besides their shared side");
    next[a] = b;
  }
  if (shared == 0)
    throw Error(ErrorKind::BadInput, "merge: " + block_name(keep) + " and " + block_name(absorb) + " are not neighbours");
  std::vector<int32_t> ring;
  int32_t start = next.begin()->first, v = start;
  do {
    ring.push_back(v);
    v = next.at(v);
  } while (v != start && ring.size() <= next.size());
  if (ring.size() != next.size())
    throw Error(ErrorKind::BadInput, "merge: " + block_name(keep) + " and " + block_name(absorb) +
                                         " share more than one stretch of boundary; the merged block would have a hole");
  BlockTopology saved = *this;
  faces_[static_cast<size_t>(fa)].ring = std::move(ring);
  faces_.erase(faces_.begin() + fb);
  int kept = face_index(keep);
  try {
    check_faces(std::vector<int>{kept}, "merge");
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
  return {kept};
}

std::vector<int> BlockTopology::add_block(std::span<const XY> drawn, int64_t block_no, std::string leader) {
  std::vector<XY> pts(drawn.begin(), drawn.end());
  if (pts.size() > 1 && pts.front() == pts.back()) pts.pop_back();
  if (pts.size() < 3) throw Error(ErrorKind::BadInput, "new block: draw three corners or more");
  if (block_no <= 0) block_no = next_block_no();
  if (face_index(block_no) >= 0) throw Error(ErrorKind::BadInput, "new block: " + block_name(block_no) + " exists");
  BlockTopology saved = *this;
  try {
    std::vector<int32_t> ring;
    std::vector<int> changed;
    for (XY p : pts) {
      int32_t v = vertex_near(p, tolerance_m_);
      if (v < 0) {
        v = add_point(p);
        // A new corner on a neighbour's side is a corner of that side too.
        for (size_t f = 0; f < faces_.size(); ++f) {
          auto& r = faces_[f].ring;
          for (size_t i = 0; i < r.size(); ++i) {
            XY a = vertices_[static_cast<size_t>(r[i])], b = vertices_[static_cast<size_t>(r[(i + 1) % r.size()])];
            auto [t, d] = project(p, a, b, metres_);
            if (d <= tolerance_m_ && t > 0 && t < 1) {
              r.insert(r.begin() + static_cast<std::ptrdiff_t>(i + 1), v);
              changed.push_back(static_cast<int>(f));
              break;
            }
          }
        }
      }
      if (ring.empty() || ring.back() != v) ring.push_back(v);
    }
    std::vector<XY> corner;
    for (int32_t v : ring) corner.push_back(vertices_[static_cast<size_t>(v)]);
    if (signed_area(corner) < 0) std::reverse(ring.begin(), ring.end());
    // Neighbours' corners on the new block's sides.
    std::set<int32_t> used;
    for (auto& f : faces_) used.insert(f.ring.begin(), f.ring.end());
    std::vector<int32_t> full;
    for (size_t i = 0; i < ring.size(); ++i) {
      int32_t a = ring[i], b = ring[(i + 1) % ring.size()];
      full.push_back(a);
      std::vector<std::pair<double, int32_t>> on;
      for (int32_t w : used) {
        if (w == a || w == b) continue;
        auto [t, d] = project(vertices_[static_cast<size_t>(w)], vertices_[static_cast<size_t>(a)],
                              vertices_[static_cast<size_t>(b)], metres_);
        if (d <= tolerance_m_ && t > 0 && t < 1) on.emplace_back(t, w);
      }
      std::sort(on.begin(), on.end());
      for (auto& [t, w] : on) full.push_back(w);
    }
    faces_.push_back({block_no, std::move(leader), std::move(full)});
    changed.push_back(static_cast<int>(faces_.size() - 1));
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    check_faces(changed, "new block");
    return changed;
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
}

std::vector<int> BlockTopology::reshape(std::span<const XY> line) {
  if (line.size() < 2) throw Error(ErrorKind::BadInput, "reshape: the line needs two points or more");
  BlockTopology saved = *this;
  try {
    auto resolve = [&](XY p) {
      int32_t v = vertex_near(p, tolerance_m_);
      if (v >= 0) return v;
      for (auto& f : faces_)
        if (int32_t w = on_boundary_vertex(p, tolerance_m_, std::vector<int32_t>(f.ring)); w >= 0) return w;
      throw Error(ErrorKind::BadInput, "reshape: the line must start and end on a boundary between two blocks");
    };
    int32_t vp = resolve(line.front()), vq = resolve(line.back());
    if (vp == vq) throw Error(ErrorKind::BadInput, "reshape: the line starts and ends at the same point");
    // Find a face A whose ring runs vp → vq (or vq → vp) along sides all shared with one neighbour B.
    for (size_t fa = 0; fa < faces_.size(); ++fa) {
      const auto r = faces_[fa].ring;
      auto ip = std::find(r.begin(), r.end(), vp), iq = std::find(r.begin(), r.end(), vq);
      if (ip == r.end() || iq == r.end()) continue;
      for (bool from_p : {true, false}) {
        size_t s = static_cast<size_t>((from_p ? ip : iq) - r.begin()), e = static_cast<size_t>((from_p ? iq : ip) - r.begin());
        int fb = -1;
        bool one_neighbour = true;
        std::vector<int32_t> chain_inner;
        for (size_t i = s; i != e; i = (i + 1) % r.size()) {
          int32_t a = r[i], b = r[(i + 1) % r.size()];
          if (i != s) chain_inner.push_back(a);
          auto on = faces_on_segment(a, b);
          int other = -1;
          for (int g : on)
            if (g != static_cast<int>(fa)) other = g;
          if (on.size() != 2 || (fb >= 0 && other != fb)) {
            one_neighbour = false;
            break;
          }
          fb = other;
        }
        if (!one_neighbour || fb < 0) continue;
        for (int32_t c : chain_inner)
          for (int g : faces_of_vertex(c))
            if (g != static_cast<int>(fa) && g != fb)
              throw Error(ErrorKind::BadInput, "reshape: the boundary passes a corner of " +
                                                   block_name(faces_[static_cast<size_t>(g)].block_no));
        std::vector<int32_t> inner;
        for (size_t k = 1; k + 1 < line.size(); ++k) inner.push_back(add_point(line[k]));
        if (!from_p) std::reverse(inner.begin(), inner.end());
        // A: s → inner → e; B runs the same stretch backwards.
        std::vector<int32_t> na;
        for (size_t i = e;; i = (i + 1) % r.size()) {
          na.push_back(r[i]);
          if (i == s) break;
        }
        na.insert(na.end(), inner.begin(), inner.end());
        faces_[fa].ring = std::move(na);
        const auto rb = faces_[static_cast<size_t>(fb)].ring;
        size_t bs = static_cast<size_t>(std::find(rb.begin(), rb.end(), r[e]) - rb.begin());
        size_t be = static_cast<size_t>(std::find(rb.begin(), rb.end(), r[s]) - rb.begin());
        std::vector<int32_t> nb;
        for (size_t i = be;; i = (i + 1) % rb.size()) {
          nb.push_back(rb[i]);
          if (i == bs) break;
        }
        nb.insert(nb.end(), inner.rbegin(), inner.rend());
        faces_[static_cast<size_t>(fb)].ring = std::move(nb);
        std::vector<int> changed{static_cast<int>(fa), fb};
        check_faces(changed, "reshape");
        return changed;
      }
    }
    throw Error(ErrorKind::BadInput, "reshape: the line's ends are not on one boundary shared by two blocks");
  } catch (...) {
    *this = std::move(saved);
    throw;
  }
}

// ---- editor

PlanEditor::PlanEditor(BlockTopology topology, AddressPoints addresses, double target)
    : topo_(std::move(topology)), addresses_(std::move(addresses)), target_(target) {
  recompute_all();
}

PlanSummary PlanEditor::summary() const {
  return summarize(metrics_, std::count(block_of_.begin(), block_of_.end(), -1));
}

void PlanEditor::recompute_all() {
  metrics_ = block_metrics(topo_.blocks(), addresses_, target_, &block_of_);
}

void PlanEditor::recompute(std::span<const int> faces, const BBox& region) {
  if (metrics_.size() != topo_.faces().size()) return recompute_all();
  std::vector<Geometry> polys;
  for (int f : faces) {
    polys.push_back(topo_.face_polygon(static_cast<size_t>(f)));
    shape(polys.back(), topo_.metres(), metrics_[static_cast<size_t>(f)]);
  }
  PolygonLocator local(polys);
  std::set<int32_t> touched(faces.begin(), faces.end());
  // Only door plates near the touched blocks can change block; others keep theirs.
  for (size_t i = 0; i < addresses_.at.size(); ++i) {
    if (!region.contains(addresses_.at[i])) continue;
    int32_t was = block_of_[i];
    if (was >= 0 && !touched.count(was)) continue;
    int k = local.locate(addresses_.at[i]);
    block_of_[i] = k < 0 ? -1 : static_cast<int32_t>(faces[static_cast<size_t>(k)]);
  }
  tally(metrics_, addresses_, block_of_, target_);
}

void PlanEditor::apply(const std::function<std::vector<int>(BlockTopology&)>& edit) {
  if (dragging()) throw Error(ErrorKind::BadInput, "finish or cancel the drag first");
  BlockTopology before = topo_;
  edit(topo_);  // throws with the topology unchanged
  undo_.push_back(std::move(before));
  redo_.clear();
  recompute_all();
}

void PlanEditor::begin_drag(int32_t vertex) {
  if (topo_.faces_of_vertex(vertex).empty()) throw Error(ErrorKind::BadInput, "drag: the vertex belongs to no block");
  drag_start_ = topo_;
  drag_vertex_ = vertex;
}

void PlanEditor::drag_to(XY p) {
  if (!dragging()) throw Error(ErrorKind::BadInput, "drag: no vertex is being dragged");
  BBox region;
  auto faces = topo_.faces_of_vertex(drag_vertex_);
  for (int f : faces) region.expand(topo_.face_polygon(static_cast<size_t>(f)).bbox());
  topo_.move_vertex(drag_vertex_, p);
  for (int f : faces) region.expand(topo_.face_polygon(static_cast<size_t>(f)).bbox());
  recompute(faces, region);
}

void PlanEditor::end_drag() {
  if (!dragging()) return;
  undo_.push_back(std::move(*drag_start_));
  redo_.clear();
  drag_start_.reset();
  drag_vertex_ = -1;
}

void PlanEditor::cancel_drag() {
  if (!dragging()) return;
  topo_ = std::move(*drag_start_);
  drag_start_.reset();
  drag_vertex_ = -1;
  recompute_all();
}

bool PlanEditor::undo() {
  if (undo_.empty() || dragging()) return false;
  redo_.push_back(std::move(topo_));
  topo_ = std::move(undo_.back());
  undo_.pop_back();
  recompute_all();
  return true;
}

bool PlanEditor::redo() {
  if (redo_.empty() || dragging()) return false;
  undo_.push_back(std::move(topo_));
  topo_ = std::move(redo_.back());
  redo_.pop_back();
  recompute_all();
  return true;
}

}  // namespace sitmap::analysis
