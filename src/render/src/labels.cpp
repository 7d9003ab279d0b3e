#include "sitmap/render/labels.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sitmap::render {

std::u32string utf8_to_u32(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {  // invalid byte: replacement character, resynchronise
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

CollisionIndex::CollisionIndex(double width, double height, double cell)
    : cell_(cell),
      cols_(std::max(1, static_cast<int>(std::ceil(width / cell)))),
      rows_(std::max(1, static_cast<int>(std::ceil(height / cell)))),
      grid_(static_cast<size_t>(cols_) * rows_) {}

template <typename F>
void CollisionIndex::cells(const Box& b, F&& f) const {
  int x0 = std::clamp(static_cast<int>(std::floor(b.minx / cell_)), 0, cols_ - 1);
  int x1 = std::clamp(static_cast<int>(std::floor(b.maxx / cell_)), 0, cols_ - 1);
  int y0 = std::clamp(static_cast<int>(std::floor(b.miny / cell_)), 0, rows_ - 1);
  int y1 = std::clamp(static_cast<int>(std::floor(b.maxy / cell_)), 0, rows_ - 1);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) f(static_cast<size_t>(y) * cols_ + x);
}

bool CollisionIndex::free(const Box& b) const {
  bool ok = true;
  cells(b, [&](size_t c) {
    if (!ok) return;
    for (uint32_t i : grid_[c])
      if (boxes_[i].overlaps(b)) {
        ok = false;
        return;
      }
  });
  return ok;
}

void CollisionIndex::insert(const Box& b) {
  auto id = static_cast<uint32_t>(boxes_.size());
  boxes_.push_back(b);
  cells(b, [&](size_t c) { grid_[c].push_back(id); });
}

namespace {

Box glyph_box(XY c, double w, double h, double pad) {
  return {c.x - w / 2 - pad, c.y - h / 2 - pad, c.x + w / 2 + pad, c.y + h / 2 + pad};
}

bool inside(const Box& b, const LabelOptions& o) {
  return b.minx >= 0 && b.miny >= 0 && b.maxx <= o.width && b.maxy <= o.height;
}

// Glyph centres along the polyline, starting at arc length `start`, or empty when the line bends too
// sharply under the text (a label around a corner is hard to read).
std::vector<XY> along(const std::vector<XY>& line, const std::vector<double>& cum, double start,
                      const std::vector<float>& advances) {
  std::vector<XY> out;
  double s = start;
  size_t seg = 0;
  double first_angle = NAN;
  for (float adv : advances) {
    double mid = s + adv / 2;
    while (seg + 1 < cum.size() - 1 && cum[seg + 1] < mid) ++seg;
    XY a = line[seg], b = line[seg + 1];
    double len = cum[seg + 1] - cum[seg];
    double t = len > 0 ? (mid - cum[seg]) / len : 0;
    double angle = std::atan2(b.y - a.y, b.x - a.x);
    if (std::isnan(first_angle)) first_angle = angle;
    double turn = std::abs(std::remainder(angle - first_angle, 2 * M_PI));
    if (turn > M_PI / 4) return {};
    out.push_back({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t});
    s += adv;
  }
  return out;
}

}  // namespace

std::vector<PlacedGlyph> place_labels(const std::vector<LabelRequest>& requests, const LabelOptions& options,
                                      CollisionIndex& collisions) {
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return requests[a].priority > requests[b].priority; });

  std::vector<PlacedGlyph> placed;
  std::vector<std::pair<std::u32string, XY>> placed_texts;  // for repeat_distance
  std::vector<Box> boxes;
  std::vector<XY> centers;
  for (size_t li : order) {
    const LabelRequest& r = requests[li];
    if (r.text.empty() || r.advances.size() != r.text.size()) continue;
    double total = std::accumulate(r.advances.begin(), r.advances.end(), 0.0);
    std::vector<std::vector<XY>> candidates;
    if (r.line.size() >= 2) {
      // Read left to right, or top to bottom for steep lines: reverse the line when it runs the other way.
      std::vector<XY> line = r.line;
      XY d{line.back().x - line.front().x, line.back().y - line.front().y};
      if (std::abs(d.x) >= std::abs(d.y) ? d.x < 0 : d.y < 0) std::reverse(line.begin(), line.end());
      std::vector<double> cum{0};
      for (size_t i = 1; i < line.size(); ++i)
        cum.push_back(cum.back() + std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y));
      double length = cum.back();
      // Spaced-out glyphs on long lines read better: up to 1.8 x the advance, and the text centred.
      if (length < total * 1.2) continue;
      double spacing = std::min(1.8, length * 0.6 / total);
      std::vector<float> advances = r.advances;
      for (float& a : advances) a *= static_cast<float>(spacing);
      double span = total * spacing;
      for (double f : {0.5, 0.3, 0.7}) {
        double start = length * f - span / 2;
        if (start < 0 || start + span > length) continue;
        auto pts = along(line, cum, start, advances);
        if (!pts.empty()) candidates.push_back(std::move(pts));
      }
    } else {
      std::vector<XY> pts;
      double x = r.anchor.x - total / 2;
      for (float adv : r.advances) {
        pts.push_back({x + adv / 2, r.anchor.y});
        x += adv;
      }
      candidates.push_back(std::move(pts));
    }
    for (auto& pts : candidates) {
      boxes.clear();
      XY mid = pts[pts.size() / 2];
      bool ok = true;
      for (auto& [text, at] : placed_texts)
        if (!r.line.empty() && text == r.text && std::hypot(at.x - mid.x, at.y - mid.y) < options.repeat_distance)
          ok = false;
      for (size_t g = 0; g < pts.size() && ok; ++g) {
        Box b = glyph_box(pts[g], r.advances[g], r.size, options.padding);
        ok = inside(b, options) && collisions.free(b);
        boxes.push_back(b);
      }
      if (!ok) continue;
      for (auto& b : boxes) collisions.insert(b);
      if (!r.line.empty()) placed_texts.emplace_back(r.text, mid);
      for (size_t g = 0; g < pts.size(); ++g) placed.push_back({r.text[g], pts[g], r.size, static_cast<int>(li)});
      break;
    }
  }
  return placed;
}

}  // namespace sitmap::render
