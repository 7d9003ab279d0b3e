#include "sitmap/render/tessellate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sitmap::render {

double signed_area(const std::vector<XY>& ring) {
  double a = 0;
  for (size_t i = 0, n = ring.size(); i < n; ++i) {
    const XY& p = ring[i];
    const XY& q = ring[(i + 1) % n];
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}

namespace {

double cross(XY a, XY b, XY c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

bool same(XY a, XY b) { return a.x == b.x && a.y == b.y; }

// Strictly inside or on the edges of the counter-clockwise triangle abc.
bool in_triangle(XY a, XY b, XY c, XY p) { return cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0; }

// Ring vertices without the closing repeat and without consecutive duplicates.
std::vector<XY> clean(const Ring& ring) {
  std::vector<XY> out;
  for (const XY& p : ring) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    if (out.empty() || !same(out.back(), p)) out.push_back(p);
  }
  while (out.size() > 1 && same(out.front(), out.back())) out.pop_back();
  return out;
}

struct Node {
  uint32_t index;  // into Triangles::vertices
  int prev, next;
};

class EarClipper {
 public:
  explicit EarClipper(const std::vector<XY>& v) : v_(v) {}

  // Appends a ring as a circular list; returns one of its nodes.
  int add_ring(uint32_t first, uint32_t count) {
    int start = static_cast<int>(nodes_.size());
    for (uint32_t i = 0; i < count; ++i)
      nodes_.push_back(
          {first + i, start + static_cast<int>((i + count - 1) % count), start + static_cast<int>((i + 1) % count)});
    return start;
  }

  // Joins a hole into the outer list through a bridge from its rightmost vertex (Eberly's construction):
  // the ray to +x hits an outer edge; the visible outer vertex nearest that hit becomes the bridge's end.
  void bridge_hole(int outer, int hole) {
    int m = hole;
    for (int n = nodes_[hole].next; n != hole; n = nodes_[n].next)
      if (pt(n).x > pt(m).x) m = n;
    XY M = pt(m);
    int best = -1;
    double best_x = std::numeric_limits<double>::infinity();
    int n = outer;
    do {
      XY a = pt(n), b = pt(nodes_[n].next);
      if ((a.y <= M.y && b.y >= M.y) || (b.y <= M.y && a.y >= M.y)) {
        double x = a.y == b.y ? std::max(a.x, b.x) : a.x + (M.y - a.y) * (b.x - a.x) / (b.y - a.y);
        if (x >= M.x && x < best_x) {
          best_x = x;
          best = a.x > b.x ? n : nodes_[n].next;
        }
      }
      n = nodes_[n].next;
    } while (n != outer);
    if (best < 0) return;  // hole outside the shell: ignore it
    // A reflex outer vertex inside triangle (M, hit, P) would block the bridge: take the one with the
    // smallest angle to the ray instead.
    XY I{best_x, M.y}, P = pt(best);
    double best_tan = std::numeric_limits<double>::infinity();
    n = outer;
    do {
      XY q = pt(n);
      if (n != best && !same(q, M) && q.x >= M.x) {
        bool inside = P.y < M.y ? in_triangle(M, P, I, q) || in_triangle(M, I, P, q)
                                : in_triangle(M, I, P, q) || in_triangle(M, P, I, q);
        if (inside) {
          double t = std::abs(q.y - M.y) / std::max(q.x - M.x, 1e-300);
          if (t < best_tan || (t == best_tan && q.x < pt(best).x)) {
            best_tan = t;
            best = n;
          }
        }
      }
      n = nodes_[n].next;
    } while (n != outer);
    // Splice: best -> m ... (around the hole) ... m' -> best' -> (rest of the outer ring).
    int best2 = static_cast<int>(nodes_.size());
    nodes_.push_back({nodes_[best].index, -1, -1});
    int m2 = static_cast<int>(nodes_.size());
    nodes_.push_back({nodes_[m].index, -1, -1});
    int best_next = nodes_[best].next, m_prev = nodes_[m].prev;
    link(best, m);
    link(m_prev, m2);
    link(m2, best2);
    link(best2, best_next);
  }

  void clip(int start, std::vector<uint32_t>& out) {
    int count = 1;
    for (int n = nodes_[start].next; n != start; n = nodes_[n].next) ++count;
    int ear = start, stall = 0;
    while (count > 2) {
      int a = nodes_[ear].prev, c = nodes_[ear].next;
      double turn = cross(pt(a), pt(ear), pt(c));
      if (turn == 0 && count > 3) {  // collinear or repeated: drop the vertex, no triangle
        ear = remove(ear, count);
        stall = 0;
        continue;
      }
      if ((turn > 0 && is_ear(ear)) || (stall > count && turn > 0) || stall > 2 * count) {
        // Second pass (stall > count): a convex vertex even with something inside, from rings that touch
        // themselves; last resort (stall > 2 count): anything, so bad input still ends.
        if (turn > 0) out.insert(out.end(), {nodes_[a].index, nodes_[ear].index, nodes_[c].index});
        ear = remove(ear, count);
        stall = 0;
        continue;
      }
      ear = c;
      ++stall;
    }
  }

 private:
  XY pt(int n) const { return v_[nodes_[n].index]; }
  void link(int a, int b) {
    nodes_[a].next = b;
    nodes_[b].prev = a;
  }
  int remove(int n, int& count) {
    link(nodes_[n].prev, nodes_[n].next);
    --count;
    return nodes_[n].next;
  }
  bool is_ear(int ear) const {
    int a = nodes_[ear].prev, c = nodes_[ear].next;
    XY A = pt(a), B = pt(ear), C = pt(c);
    for (int n = nodes_[c].next; n != a; n = nodes_[n].next) {
      XY p = pt(n);
      if (same(p, A) || same(p, B) || same(p, C)) continue;  // bridge duplicates
      if (in_triangle(A, B, C, p) && cross(pt(nodes_[n].prev), p, pt(nodes_[n].next)) <= 0) return false;
    }
    return true;
  }

  const std::vector<XY>& v_;
  std::vector<Node> nodes_;
};

}  // namespace

void tessellate(const std::vector<Ring>& rings, Triangles& out) {
  if (rings.empty()) return;
  std::vector<std::vector<XY>> cleaned;
  for (size_t i = 0; i < rings.size(); ++i) {
    auto r = clean(rings[i]);
    double a = r.size() >= 3 ? signed_area(r) : 0;
    if (a == 0) {
      if (i == 0) return;  // no shell, nothing to fill
      continue;
    }
    // Shell counter-clockwise, holes clockwise.
    if ((i == 0) != (a > 0)) std::reverse(r.begin(), r.end());
    cleaned.push_back(std::move(r));
  }
  uint32_t base = static_cast<uint32_t>(out.vertices.size());
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (auto& r : cleaned) {
    spans.emplace_back(static_cast<uint32_t>(out.vertices.size()), static_cast<uint32_t>(r.size()));
    out.vertices.insert(out.vertices.end(), r.begin(), r.end());
  }
  (void)base;
  EarClipper clipper(out.vertices);
  int outer = clipper.add_ring(spans[0].first, spans[0].second);
  // Holes are bridged in order of their rightmost x, largest first, so later bridges never cross earlier ones.
  std::vector<std::pair<double, int>> holes;
  for (size_t i = 1; i < spans.size(); ++i) {
    double maxx = -std::numeric_limits<double>::infinity();
    for (uint32_t k = 0; k < spans[i].second; ++k) maxx = std::max(maxx, out.vertices[spans[i].first + k].x);
    holes.emplace_back(maxx, clipper.add_ring(spans[i].first, spans[i].second));
  }
  std::sort(holes.begin(), holes.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (auto& [x, h] : holes) clipper.bridge_hole(outer, h);
  clipper.clip(outer, out.indices);
}

}  // namespace sitmap::render
