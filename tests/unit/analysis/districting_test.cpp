// Topological editing of grid blocks, their figures and the checks of a plan, on a small grid of blocks
// near Huaihai Road. Each edit is checked with GEOS (validate_blocks) against the outer boundary: an edit that
// goes through leaves no gap and no overlap.
#include "sitmap/analysis/districting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"

using namespace sitmap;
using namespace sitmap::analysis;

namespace {

constexpr double kX0 = 121.47, kY0 = 31.21, kD = 0.001;  // about 95 m by 111 m per cell

XY at(double i, double j) { return {kX0 + i * kD, kY0 + j * kD}; }

Geometry rect(double i0, double j0, double i1, double j1) {
  return Geometry::polygon(Polygon{{Ring{at(i0, j0), at(i1, j0), at(i1, j1), at(i0, j1), at(i0, j0)}}});
}

// Blocks 1..3 on the bottom row, 4..6 on the top, one cell each.
std::vector<PlanBlock> grid() {
  std::vector<PlanBlock> out;
  for (int j = 0; j < 2; ++j)
    for (int i = 0; i < 3; ++i) out.push_back({j * 3 + i + 1, "组长" + std::to_string(j * 3 + i + 1), rect(i, j, i + 1, j + 1)});
  return out;
}

Geometry outline() { return rect(0, 0, 3, 2); }

// One door plate of 10 households at the centre of each quarter of each cell; compound 0 straddles blocks 1|2.
AddressPoints plates() {
  AddressPoints a;
  a.compound_names = {"梧桐小区"};
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 6; ++i) {
      a.at.push_back(at(0.25 + i * 0.5, 0.25 + j * 0.5));
      a.households.push_back(10);
      a.compound.push_back(j == 0 && (i == 1 || i == 2) ? 0 : -1);
    }
  return a;
}

std::vector<Problem> problems(const BlockTopology& t) { return validate_blocks(t.blocks(), outline()); }

std::string describe(const std::vector<Problem>& ps) {
  std::string s;
  for (auto& p : ps) s += std::string(problem_type_name(p.type)) + " " + std::to_string(p.area_m2) + "; ";
  return s;
}

double total_area(const BlockTopology& t) {
  double a = 0;
  for (auto& b : t.blocks()) a += geo::area(b.polygon);
  return a;
}

TEST(Districting, BuildSharesCornersAndKnowsBothSidesOfEachEdge) {
  auto t = BlockTopology::build(grid());
  std::set<int32_t> used;
  for (auto& f : t.faces()) used.insert(f.ring.begin(), f.ring.end());
  EXPECT_EQ(used.size(), 12u);  // a 4 x 3 lattice of corners, each kept once
  int interior = 0, outer = 0;
  for (auto& e : t.edges()) {
    if (e.left >= 0 && e.right >= 0) ++interior;
    else ++outer;
    EXPECT_NE(e.left, e.right);
  }
  EXPECT_EQ(interior, 7);
  EXPECT_EQ(outer, 10);
  EXPECT_TRUE(problems(t).empty());
}

TEST(Districting, CornerOnANeighboursSideBecomesSharedVertex) {
  // One tall block on the left beside two stacked ones: their common corner lies on the tall block's side.
  std::vector<PlanBlock> b{{1, "", rect(0, 0, 1, 2)}, {2, "", rect(1, 0, 2, 1)}, {3, "", rect(1, 1, 2, 2)}};
  auto t = BlockTopology::build(b);
  int32_t middle = t.vertex_near(at(1, 1), 0.01);
  ASSERT_GE(middle, 0);
  EXPECT_EQ(t.faces_of_vertex(middle).size(), 3u);
  t.move_vertex(middle, at(0.8, 1.1));  // into the tall block: all three follow
  auto ps = validate_blocks(t.blocks(), rect(0, 0, 2, 2));
  EXPECT_TRUE(ps.empty()) << describe(ps);
}

TEST(Districting, MovingASharedVertexMovesItInEveryBlockWithoutGapsOrOverlaps) {
  auto t = BlockTopology::build(grid());
  int32_t v = t.vertex_near(at(1, 1), 0.01);
  auto faces = t.move_vertex(v, at(1.3, 1.2));
  EXPECT_EQ(faces.size(), 4u);
  for (int f : faces) {
    auto ring = t.face_polygon(static_cast<size_t>(f)).polygons[0].rings[0];
    EXPECT_NE(std::find(ring.begin(), ring.end(), at(1.3, 1.2)), ring.end()) << "block " << t.faces()[f].block_no;
  }
  auto ps = problems(t);
  EXPECT_TRUE(ps.empty()) << describe(ps);
  EXPECT_NEAR(total_area(t), geo::area(outline()), 1e-15);
}

TEST(Districting, AMoveThatWouldFoldABlockIsRefusedAndChangesNothing) {
  auto t = BlockTopology::build(grid());
  auto before = t.blocks();
  int32_t v = t.vertex_near(at(1, 1), 0.01);
  try {
    t.move_vertex(v, at(2.5, 1.5));  // past the far side of block 5
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("block"), std::string::npos);
  }
  auto after = t.blocks();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i].polygon.polygons[0].rings, before[i].polygon.polygons[0].rings);
}

TEST(Districting, SplitByALineMakesTwoBlocksThatTileTheOldOne) {
  auto t = BlockTopology::build(grid());
  std::vector<XY> line{at(1.5, -0.2), at(1.4, 0.5), at(1.5, 1), at(1.5, 1.2)};
  auto changed = t.split(2, line);
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(t.faces().size(), 7u);
  EXPECT_EQ(t.faces()[static_cast<size_t>(changed[1])].block_no, 7);
  auto ps = problems(t);
  EXPECT_TRUE(ps.empty()) << describe(ps);
  EXPECT_NEAR(total_area(t), geo::area(outline()), 1e-15);
  // The cut's ends are vertices of the neighbours' sides too (block 5 above shares the top one).
  int32_t top = t.vertex_near(at(1.5, 1), 0.01);
  ASSERT_GE(top, 0);
  EXPECT_EQ(t.faces_of_vertex(top).size(), 3u);
  EXPECT_THROW(t.split(1, std::vector<XY>{at(0.5, -0.5), at(0.5, 0.5)}), Error);  // crosses once
}

TEST(Districting, MergeJoinsNeighboursOnlyAndUndoRestoresThem) {
  auto blocks = grid();
  PlanEditor ed(BlockTopology::build(blocks), plates());
  ed.apply([](BlockTopology& t) { return t.merge(1, 2); });
  EXPECT_EQ(ed.topology().faces().size(), 5u);
  EXPECT_TRUE(problems(ed.topology()).empty());
  const auto& m = ed.metrics()[static_cast<size_t>(ed.topology().face_index(1))];
  EXPECT_EQ(m.households, 80);
  EXPECT_EQ(m.compounds_split, 0);  // the compound is whole again
  EXPECT_THROW(ed.apply([](BlockTopology& t) { return t.merge(1, 6); }), Error);  // not neighbours
  EXPECT_TRUE(ed.undo());
  EXPECT_EQ(ed.topology().faces().size(), 6u);
  auto again = ed.topology().blocks();
  for (size_t i = 0; i < blocks.size(); ++i) EXPECT_EQ(again[i].polygon.polygons[0].rings[0].size(), 5u);
  EXPECT_EQ(ed.metrics()[0].compounds_split, 1);
  EXPECT_TRUE(ed.redo());
  EXPECT_EQ(ed.topology().faces().size(), 5u);
  EXPECT_FALSE(ed.redo());
}

TEST(Districting, NewBlockDrawnInAGapClosesIt) {
  auto blocks = grid();
  blocks.erase(blocks.begin() + 4);  // block 5 gone: a gap
  auto t = BlockTopology::build(blocks);
  auto ps = problems(t);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].type, ProblemType::Gap);
  EXPECT_EQ(ps[0].blocks, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_NEAR(ps[0].location.x, at(1.5, 1.5).x, kD / 2);
  // Drawn a little off the corners: snapping within the tolerance puts it on them.
  std::vector<XY> ring{at(1.00001, 1), at(2, 1), at(2, 2), at(1, 2)};
  for (auto& p : ring) p = t.snap(p, 2.0).at;
  t.add_block(ring, 0, "");
  ps = problems(t);
  EXPECT_TRUE(ps.empty()) << describe(ps);
  EXPECT_EQ(t.faces().back().block_no, 7);
  EXPECT_THROW(t.add_block(std::vector<XY>{at(0.5, 0.5), at(1.5, 0.5), at(1.5, 1.5)}, 0, ""), Error);  // overlaps
}

TEST(Districting, ReshapeMovesTheSharedBoundaryOfTwoBlocks) {
  PlanEditor ed(BlockTopology::build(grid()), plates());
  // Along the boundary of blocks 1 and 2, bulging into block 2 by 0.4 of a cell.
  std::vector<XY> line{at(1, 0), at(1.4, 0.3), at(1, 1)};
  ed.apply([&](BlockTopology& t) { return t.reshape(line); });
  auto ps = problems(ed.topology());
  EXPECT_TRUE(ps.empty()) << describe(ps);
  const auto& t = ed.topology();
  EXPECT_EQ(ed.metrics()[static_cast<size_t>(t.face_index(1))].households, 50);  // the plate at (1.25, 0.25) changed sides
  EXPECT_EQ(ed.metrics()[static_cast<size_t>(t.face_index(2))].households, 30);
  EXPECT_THROW(ed.apply([&](BlockTopology& tt) { return tt.reshape(std::vector<XY>{at(0.5, 0.5), at(0.7, 0.7)}); }),
               Error);
}

TEST(Districting, AddAndDeleteVertexKeepTheTiling) {
  auto t = BlockTopology::build(grid());
  int32_t a = t.vertex_near(at(1, 0), 0.01), b = t.vertex_near(at(1, 1), 0.01);
  int32_t v = t.add_vertex(a, b, at(1.2, 0.5));
  EXPECT_EQ(t.faces_of_vertex(v).size(), 2u);
  EXPECT_TRUE(problems(t).empty());
  t.delete_vertex(v);
  EXPECT_TRUE(problems(t).empty());
  EXPECT_THROW(t.delete_vertex(b), Error);  // a junction of four blocks
}

TEST(Districting, SnapPrefersVerticesThenSidesThenStreets) {
  auto t = BlockTopology::build(grid());
  const double m = t.metres().ky * kD;  // metres per cell, north-south
  auto s = t.snap(at(1, 1 + 1.0 / m), 3.0);
  EXPECT_EQ(s.kind, SnapKind::Vertex);
  EXPECT_EQ(s.at, at(1, 1));
  s = t.snap(at(1.5, 1 + 1.0 / m), 3.0);
  EXPECT_EQ(s.kind, SnapKind::Edge);
  EXPECT_NEAR(s.at.y, at(0, 1).y, 1e-12);
  std::vector<Geometry> streets{Geometry::line({at(1.5, 0.5), at(1.5, 1.8)})};
  SnapTargets targets(streets);
  s = t.snap(at(1.5 + 2.0 / (t.metres().kx * kD), 0.7), 3.0, &targets);
  EXPECT_EQ(s.kind, SnapKind::Line);
  EXPECT_NEAR(s.at.x, at(1.5, 0).x, 1e-12);
  EXPECT_EQ(t.snap(at(0.5, 0.5), 3.0, &targets).kind, SnapKind::None);
}

TEST(Districting, FiguresPerBlock) {
  auto ms = block_metrics(grid(), plates(), 40);
  ASSERT_EQ(ms.size(), 6u);
  for (auto& m : ms) {
    EXPECT_EQ(m.households, 40);
    EXPECT_EQ(m.addresses, 4);
    EXPECT_NEAR(m.deviation, 0, 1e-12);
    EXPECT_NEAR(m.area_m2, 0.001 * 0.001 * LocalMetres::at(31.21).kx * LocalMetres::at(31.21).ky, 50);
    EXPECT_GT(m.compactness, 0.7);
    EXPECT_LT(m.compactness, 0.786);
  }
  EXPECT_EQ(ms[0].compounds_split, 1);
  EXPECT_EQ(ms[2].compounds_split, 0);
  auto s = summarize(ms, 0);
  EXPECT_EQ(s.within, 6);
  EXPECT_EQ(s.households, 240);
}

TEST(Districting, DragUpdatesTouchedBlocksAndCancelPutsItBack) {
  PlanEditor ed(BlockTopology::build(grid()), plates());
  int32_t v = ed.topology().vertex_near(at(1, 1), 0.01);
  auto before = ed.topology().blocks();
  ed.begin_drag(v);
  ed.drag_to(at(1.6, 1.6));  // takes the plate at (1.25, 1.25) from block 5 into block 1 ... and others
  auto full = block_metrics(ed.topology().blocks(), ed.addresses(), ed.target());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_EQ(ed.metrics()[i].households, full[i].households) << i;
  EXPECT_THROW(ed.drag_to(at(3.5, 3.5)), Error);
  ed.cancel_drag();
  EXPECT_EQ(ed.topology().blocks()[0].polygon.polygons[0].rings, before[0].polygon.polygons[0].rings);
  EXPECT_FALSE(ed.can_undo());
  ed.begin_drag(v);
  ed.drag_to(at(1.2, 1.1));
  ed.end_drag();
  EXPECT_TRUE(ed.can_undo());
  ed.undo();
  EXPECT_EQ(ed.topology().blocks()[0].polygon.polygons[0].rings, before[0].polygon.polygons[0].rings);
}

TEST(Districting, ValidationFindsOverlapsGapsOutsideAndInvalid) {
  auto b = grid();
  b[0].polygon = rect(0, 0, 1.2, 1);     // into block 2
  b[5].polygon = rect(2, 1, 2.9, 2.3);   // short of the east edge, past the north one
  b[3].polygon = Geometry::polygon(Polygon{{Ring{at(0, 1), at(1, 2), at(1, 1), at(0, 2), at(0, 1)}}});  // bow-tie
  auto ps = validate_blocks(b, outline());
  std::map<ProblemType, std::vector<Problem>> by;
  for (auto& p : ps) by[p.type].push_back(p);
  ASSERT_EQ(by[ProblemType::Overlap].size(), 1u) << describe(ps);
  EXPECT_EQ(by[ProblemType::Overlap][0].blocks, (std::vector<int64_t>{1, 2}));
  EXPECT_NEAR(by[ProblemType::Overlap][0].area_m2, 0.2 * kD * kD * LocalMetres::at(31.21).kx * LocalMetres::at(31.21).ky, 20);
  ASSERT_EQ(by[ProblemType::Invalid].size(), 1u);
  EXPECT_EQ(by[ProblemType::Invalid][0].blocks, (std::vector<int64_t>{4}));
  EXPECT_FALSE(by[ProblemType::Invalid][0].detail.empty());
  ASSERT_FALSE(by[ProblemType::Outside].empty());
  EXPECT_EQ(by[ProblemType::Outside][0].blocks, (std::vector<int64_t>{6}));
  ASSERT_FALSE(by[ProblemType::Gap].empty());
  bool east_gap = false;
  for (auto& p : by[ProblemType::Gap])
    if (std::find(p.blocks.begin(), p.blocks.end(), 6) != p.blocks.end()) east_gap = true;
  EXPECT_TRUE(east_gap);
  EXPECT_TRUE(validate_blocks(grid(), outline()).empty());
}

}  // namespace
