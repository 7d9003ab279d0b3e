// Label placement in screen space: point labels centred on an anchor, line labels as upright glyphs spaced
// along the line (the usual way Chinese street names are set). Greedy by priority; a label is placed only
// where none of its glyph boxes overlaps an earlier one. GL-free and unit-tested.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::render {

struct LabelRequest {
  std::u32string text;
  std::vector<float> advances;  // pixels per glyph (parallel to text)
  float size = 14;              // glyph box height in pixels
  std::vector<XY> line;         // screen polyline for a line label; empty for a point label
  XY anchor;                    // screen point for a point label
  float priority = 0;           // higher first
  int source = 0;               // caller's id (layer, feature) for the placed glyphs
};

// Which labels win a place first. A cluster or a count badge without its number reads as one point, so the
// numbers go before street names, and street names (wider streets first) before the names of places.
namespace label_priority {
constexpr float kClusterCount = 10000;  // + the count: larger clusters first
constexpr float kCountBadge = 9000;
constexpr float kStreet = 5000;  // + the street's width in pixels
constexpr float kPointName = 50;  // + the layer's index: upper layers first
}  // namespace label_priority

struct PlacedGlyph {
  char32_t codepoint;
  XY center;  // screen pixels
  float size;
  int label;  // index into the requests
};

struct Box {
  double minx, miny, maxx, maxy;
  bool overlaps(const Box& o) const { return minx < o.maxx && o.minx < maxx && miny < o.maxy && o.miny < maxy; }
};

// Boxes already placed, bucketed on a coarse grid so each test looks at a few neighbours only.
class CollisionIndex {
 public:
  CollisionIndex(double width, double height, double cell = 64);
  bool free(const Box& b) const;
  void insert(const Box& b);
  const std::vector<Box>& boxes() const { return boxes_; }

 private:
  template <typename F>
  void cells(const Box& b, F&& f) const;
  double cell_;
  int cols_, rows_;
  std::vector<std::vector<uint32_t>> grid_;
  std::vector<Box> boxes_;
};

struct LabelOptions {
  double width = 0, height = 0;  // viewport: labels must fit inside
  float padding = 2;             // pixels kept clear around each glyph box
  double repeat_distance = 0;    // a line label already placed closer than this (pixels) is not placed again
};

// Places what fits; returns the glyphs of the placed labels. `collisions` may hold obstacles already.
std::vector<PlacedGlyph> place_labels(const std::vector<LabelRequest>& requests, const LabelOptions& options,
                                      CollisionIndex& collisions);

std::u32string utf8_to_u32(std::string_view s);

}  // namespace sitmap::render
