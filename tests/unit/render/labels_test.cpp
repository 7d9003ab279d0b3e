#include "sitmap/render/labels.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace sitmap;
using namespace sitmap::render;

namespace {

LabelRequest point_label(const std::string& text, XY at, float priority = 0) {
  LabelRequest r;
  r.text = utf8_to_u32(text);
  r.advances.assign(r.text.size(), 14);
  r.size = 14;
  r.anchor = at;
  r.priority = priority;
  return r;
}

LabelRequest line_label(const std::string& text, std::vector<XY> line, float priority = 0) {
  LabelRequest r = point_label(text, {}, priority);
  r.line = std::move(line);
  return r;
}

Box box_of(const PlacedGlyph& g) { return {g.center.x - 7, g.center.y - 7, g.center.x + 7, g.center.y + 7}; }

}  // namespace

TEST(Labels, Utf8Decoding) {
  EXPECT_EQ(utf8_to_u32("淮海中路"), std::u32string(U"淮海中路"));
  EXPECT_EQ(utf8_to_u32("HH-04"), std::u32string(U"HH-04"));
  EXPECT_EQ(utf8_to_u32("a\xff"
                        "b"),
            std::u32string(U"a\uFFFDb"));
}

TEST(Labels, OverlappingPointLabelsKeepTheHigherPriority) {
  std::vector<LabelRequest> req{point_label("低", {100, 100}, 1), point_label("高优先", {105, 102}, 5),
                                point_label("远处", {400, 300}, 0)};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 2, 0}, index);
  std::set<int> placed;
  for (auto& g : glyphs) placed.insert(g.label);
  EXPECT_EQ(placed, (std::set<int>{1, 2}));
}

TEST(Labels, NoTwoPlacedGlyphsOfDifferentLabelsOverlap) {
  std::vector<LabelRequest> req;
  for (int i = 0; i < 200; ++i)
    req.push_back(point_label("网格" + std::to_string(i), {double((i * 37) % 760 + 20), double((i * 53) % 560 + 20)},
                              float(i % 7)));
  for (int i = 0; i < 20; ++i) req.push_back(line_label("道路名称", {{0, 30.0 * i}, {800, 30.0 * i + 40}}, 3));
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 0, 0}, index);
  ASSERT_GT(glyphs.size(), 20u);
  for (size_t a = 0; a < glyphs.size(); ++a)
    for (size_t b = a + 1; b < glyphs.size(); ++b)
      if (glyphs[a].label != glyphs[b].label)
        ASSERT_FALSE(box_of(glyphs[a]).overlaps(box_of(glyphs[b]))) << a << " " << b;
}

TEST(Labels, LabelsStayInsideTheViewport) {
  std::vector<LabelRequest> req{point_label("边缘标签", {5, 5}), point_label("中间", {400, 300})};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 0, 0}, index);
  for (auto& g : glyphs) EXPECT_EQ(g.label, 1);
  EXPECT_EQ(glyphs.size(), 2u);
}

TEST(Labels, LineLabelFollowsTheLineAndReadsLeftToRight) {
  // Drawn right to left: the glyphs must still come out left to right, on the line.
  std::vector<LabelRequest> req{line_label("淮海中路", {{700, 200}, {100, 200}})};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 0, 0}, index);
  ASSERT_EQ(glyphs.size(), 4u);
  EXPECT_EQ(glyphs[0].codepoint, U'淮');
  for (size_t i = 0; i < glyphs.size(); ++i) {
    EXPECT_NEAR(glyphs[i].center.y, 200, 1e-9);
    if (i) EXPECT_GT(glyphs[i].center.x, glyphs[i - 1].center.x);
  }
}

TEST(Labels, SteepLineReadsTopToBottom) {
  std::vector<LabelRequest> req{line_label("瑞金二路", {{300, 500}, {310, 50}})};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 0, 0}, index);
  ASSERT_EQ(glyphs.size(), 4u);
  for (size_t i = 1; i < glyphs.size(); ++i) EXPECT_GT(glyphs[i].center.y, glyphs[i - 1].center.y);
}

TEST(Labels, TooShortOrSharplyBentLinesGetNoLabel) {
  std::vector<LabelRequest> req{line_label("淮海中路", {{100, 100}, {140, 100}}),
                                line_label("复兴中路", {{100, 300}, {160, 300}, {160, 360}, {100, 360}})};
  CollisionIndex index(800, 600);
  EXPECT_TRUE(place_labels(req, {800, 600, 0, 0}, index).empty());
}

TEST(Labels, RepeatedStreetNameIsNotPlacedTwiceNearby) {
  std::vector<LabelRequest> req{line_label("淮海中路", {{0, 100}, {300, 100}}),
                                line_label("淮海中路", {{300, 100}, {600, 100}}),
                                line_label("淮海中路", {{0, 500}, {800, 500}})};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 0, 450}, index);
  std::set<int> placed;
  for (auto& g : glyphs) placed.insert(g.label);
  EXPECT_EQ(placed.size(), 2u);
  EXPECT_TRUE(placed.count(2));
}

TEST(Labels, ObstaclesAlreadyInTheIndexBlockLabels) {
  CollisionIndex index(800, 600);
  index.insert({350, 250, 450, 350});
  auto glyphs = place_labels({point_label("被挡住", {400, 300})}, {800, 600, 0, 0}, index);
  EXPECT_TRUE(glyphs.empty());
}

// A cluster without its number reads as a single incident: a street name never takes its place.
TEST(Labels, ClusterCountsWinOverStreetNames) {
  std::vector<LabelRequest> req{line_label("淮海中路", {{100, 300}, {500, 300}}, label_priority::kStreet + 9),
                                point_label("1234", {300, 300}, label_priority::kClusterCount + 1234)};
  CollisionIndex index(800, 600);
  auto glyphs = place_labels(req, {800, 600, 2, 0}, index);
  std::set<int> placed;
  for (auto& g : glyphs) placed.insert(g.label);
  EXPECT_TRUE(placed.count(1));
}
