// Planning on the demo district through the services the 规划 workspace and `sitmap plan` call: the demo
// validates clean; a draft is saved edit by edit and never touches the published blocks; the diff names the
// door plates and households that change block; publish is permitted, validated, audited and keeps history.
#include "sitmap/services/planning.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/services/users.hpp"

using namespace sitmap;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPassword = "planning test 1";

class Planning : public ::testing::Test {
 protected:
  static fs::path dir() { return fs::temp_directory_path() / ("sitmap_planning_" + std::to_string(::getpid())); }
  static void SetUpTestSuite() {
    fs::remove_all(dir());
    fs::create_directories(dir());
    ::setenv("SITMAP_KEY_DIR", (dir() / "keys").c_str(), 1);
    io::write_demo_district(dir() / "demo.sqlite", {1, 200}, false);
    auto ws = services::Workspace::open(dir() / "demo.sqlite", store::OpenMode::ReadWrite);
    services::add_demo_users(*ws, kPassword);
  }
  static void TearDownTestSuite() { fs::remove_all(dir()); }
  void SetUp() override {
    file_ = dir() / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".sqlite");
    fs::copy_file(dir() / "demo.sqlite", file_, fs::copy_options::overwrite_existing);
  }
  std::unique_ptr<services::Workspace> as(const std::string& user) {
    auto ws = services::Workspace::open(file_, store::OpenMode::ReadWrite);
    if (!user.empty()) ws->sign_in(user, kPassword);
    return ws;
  }
  // A vertex inside the district shared by three or four blocks, and a point it can move to.
  static int32_t inner_junction(const analysis::BlockTopology& t) {
    for (int32_t v = 0; v < static_cast<int32_t>(t.vertices().size()); ++v) {
      auto faces = t.faces_of_vertex(v);
      bool inner = faces.size() >= 3;
      for (auto& e : t.edges())
        if ((e.a == v || e.b == v) && (e.left < 0 || e.right < 0)) inner = false;
      if (inner) return v;
    }
    return -1;
  }
  fs::path file_;
};

TEST_F(Planning, DemoValidatesCleanWithEveryDoorPlateInABlock) {
  auto ws = as("");
  auto r = services::validate(*ws, {});
  EXPECT_TRUE(r.problems.empty()) << r.problems.size() << " problems, first "
                                  << analysis::problem_type_name(r.problems[0].type);
  ASSERT_EQ(r.metrics.size(), 114u);
  EXPECT_EQ(r.summary.unassigned, 0);
  EXPECT_EQ(r.summary.households, 28475);
  // The published figures agree with the door plates counted by the half-open rule.
  auto blocks = ws->store().features("blocks");
  int hh = ws->layer("blocks").field_index("households");
  for (size_t i = 0; i < blocks.size(); ++i)
    EXPECT_EQ(std::get<int64_t>(blocks[i].values[static_cast<size_t>(hh)]), r.metrics[i].households) << i;
}

TEST_F(Planning, DemoTopologySharesEveryInnerEdgeAndADragIsCheap) {
  auto ws = as("");
  auto topo = analysis::BlockTopology::build(services::layer_blocks(*ws));
  for (auto& e : topo.edges()) EXPECT_NE(e.left, e.right);
  analysis::PlanEditor ed(topo, services::address_points(*ws));
  int32_t v = inner_junction(ed.topology());
  ASSERT_GE(v, 0);
  XY start = ed.topology().vertices()[static_cast<size_t>(v)];
  ed.begin_drag(v);
  auto t0 = std::chrono::steady_clock::now();
  int steps = 0;
  for (int i = 1; i <= 40; ++i) {
    ed.drag_to({start.x + i * 0.25e-5, start.y + i * 0.1e-5});  // about 10 m east, 4 m north in all
    ++steps;
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps;
  std::printf("drag update on the demo: %.2f ms per step (%d steps)\n", ms, steps);
  RecordProperty("drag_ms_per_update", std::to_string(ms));
  // Incremental figures equal a full recount.
  auto full = analysis::block_metrics(ed.topology().blocks(), ed.addresses(), ed.target());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_EQ(ed.metrics()[i].households, full[i].households) << i;
  ed.end_drag();
  auto problems = analysis::validate_blocks(ed.topology().blocks(), services::district_boundary(*ws));
  EXPECT_TRUE(problems.empty());
}

TEST_F(Planning, DraftIsSavedEditByEditAndLeavesThePublishedBlocksAlone) {
  auto ws = as("planner");
  services::new_plan(*ws, {"2027 调整", ""});
  EXPECT_THROW(services::new_plan(*ws, {"2027 调整", ""}), Error);
  auto blocks_before = services::layer_blocks(*ws);
  {
    services::PlanSession session(*ws, "2027 调整");
    int32_t v = inner_junction(session.editor().topology());
    XY p = session.editor().topology().vertices()[static_cast<size_t>(v)];
    session.apply([&](analysis::BlockTopology& t) { return t.move_vertex(v, {p.x + 6e-5, p.y + 3e-5}); });
    EXPECT_TRUE(session.problems().empty());
    // Saved already: another handle reads the moved vertex.
    auto other = as("");
    auto saved = services::plan_blocks(*other, "2027 调整");
    auto now = session.editor().topology().blocks();
    ASSERT_EQ(saved.size(), now.size());
    for (auto& b : now) {
      auto it = std::find_if(saved.begin(), saved.end(), [&](auto& s) { return s.block_no == b.block_no; });
      ASSERT_NE(it, saved.end());
      EXPECT_EQ(it->polygon.polygons[0].rings, b.polygon.polygons[0].rings) << b.block_no;
    }
    session.apply([&](analysis::BlockTopology& t) { return t.merge(now[0].block_no, now[1].block_no); });
    EXPECT_EQ(services::plan_blocks(*other, "2027 调整").size(), 113u);
    EXPECT_TRUE(session.undo());
    EXPECT_EQ(services::plan_blocks(*other, "2027 调整").size(), 114u);
  }
  auto blocks_after = services::layer_blocks(*ws);
  ASSERT_EQ(blocks_after.size(), blocks_before.size());
  for (size_t i = 0; i < blocks_after.size(); ++i)
    EXPECT_EQ(blocks_after[i].polygon.polygons[0].rings, blocks_before[i].polygon.polygons[0].rings);
  // The diff: the reshaped blocks, and every moved door plate with its households and leaders.
  auto d = services::diff_plan(*ws, "2027 调整");
  EXPECT_GE(d.blocks.size(), 3u);
  for (auto& c : d.blocks) EXPECT_EQ(c.change, "reshaped");
  int64_t moved = 0, net = 0;
  for (auto& m : d.moves) {
    moved += m.households;
    EXPECT_NE(m.from_block, m.to_block);
    EXPECT_FALSE(m.from_leader.empty());
  }
  for (auto& c : d.blocks) net += std::llabs(c.households_after - c.households_before);
  EXPECT_EQ(moved, d.households_moved);
  EXPECT_LE(net, 2 * moved);
  EXPECT_EQ(d.leaders_affected.empty(), d.moves.empty());
}

TEST_F(Planning, PublishSwitchesTheBlocksKeepsHistoryAndIsAudited) {
  auto ws = as("planner");
  auto old_blocks = services::layer_blocks(*ws);
  services::new_plan(*ws, {"p1", ""});
  {
    services::PlanSession session(*ws, "p1");
    auto t = session.editor().topology();
    auto& f = t.faces()[5];
    XY a = t.vertices()[static_cast<size_t>(f.ring[0])], b = t.vertices()[static_cast<size_t>(f.ring[2])];
    // A cut across block 6 from one corner's side to the opposite side, through its middle.
    XY mid{(a.x + b.x) / 2, (a.y + b.y) / 2};
    XY dir{b.x - a.x, -(b.y - a.y)};
    session.apply([&](analysis::BlockTopology& tt) {
      return tt.split(f.block_no, std::vector<XY>{{mid.x - dir.x, mid.y - dir.y}, {mid.x + dir.x, mid.y + dir.y}});
    });
  }
  auto diff = services::diff_plan(*ws, "p1");
  auto r = services::publish_plan(*ws, "p1");
  EXPECT_EQ(r.superseded, "published-before-p1");
  auto now = services::layer_blocks(*ws);
  EXPECT_EQ(now.size(), 115u);
  EXPECT_EQ(services::find_plan(*ws, "p1")->status, "published");
  auto history = services::plan_blocks(*ws, "published-before-p1");
  ASSERT_EQ(history.size(), old_blocks.size());
  EXPECT_EQ(history[0].polygon.polygons[0].rings, old_blocks[0].polygon.polygons[0].rings);
  auto audit = ws->store().last_audit().value();
  EXPECT_EQ(audit.action, "plan-publish");
  EXPECT_EQ(audit.user, "planner");
  EXPECT_EQ(audit.object, "p1");
  EXPECT_EQ(audit.outcome.rfind("ok", 0), 0u);
  // The door plates carry their new block numbers; the published figures add up.
  auto report = services::validate(*ws, {});
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(report.summary.households, 28475);
  if (!diff.moves.empty()) {
    store::Query q;
    q.where = "id = " + std::to_string(diff.moves[0].address_id);
    auto plate = ws->store().features("addresses", q).at(0);
    EXPECT_EQ(std::get<int64_t>(plate.values[static_cast<size_t>(ws->layer("addresses").field_index("block_no"))]),
              diff.moves[0].to_block);
  }
  EXPECT_THROW(services::publish_plan(*ws, "p1"), Error);  // published already
  // A second plan supersedes the first.
  services::new_plan(*ws, {"p2", "p1"});
  services::publish_plan(*ws, "p2");
  EXPECT_EQ(services::find_plan(*ws, "p1")->status, "superseded");
  EXPECT_EQ(services::list_plans(*ws).size(), 3u);
}

TEST_F(Planning, PlanWithProblemsOrWithoutTheRightIsNotPublished) {
  auto ws = as("planner");
  services::new_plan(*ws, {"bad", ""});
  // An overlap planted behind the editor's back: block 1 grown into its neighbours.
  auto rows = ws->store().features(services::kPlanBlocksLayer);
  ws->store().write([&](store::Writer& w) {
    rows[0].geometry = geo::buffer(rows[0].geometry, 0.0002);
    w.update(services::kPlanBlocksLayer, rows[0]);
  });
  std::string before = ws->store().content_hash();
  try {
    services::publish_plan(*ws, "bad");
    FAIL() << "published";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ws->store().content_hash(), before);
  // Leaders approve (publish) plans but do not draw them; analysts do neither.
  auto leader = as("leader");
  EXPECT_THROW(services::new_plan(*leader, {"mine", ""}), Error);
  EXPECT_THROW(services::PlanSession(*leader, "bad"), Error);
  auto analyst = as("analyst");
  try {
    services::publish_plan(*analyst, "bad");
    FAIL() << "published";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Denied);
  }
  EXPECT_EQ(analyst->store().last_audit()->outcome, "denied");
  EXPECT_EQ(analyst->store().last_audit()->action, "plan-publish");
}

// Blocks pushed off balance by moving inner junctions 25-45 m, each move kept only when valid.
void unbalance(services::PlanSession& session, int wanted_outside) {
  const auto& ed = session.editor();
  const double metre = 1 / ed.topology().metres().ky;
  int32_t v = 0;
  for (int tries = 0; tries < 4000 && 114 - ed.summary().within < wanted_outside; ++tries, v = (v + 37) % static_cast<int32_t>(ed.topology().vertices().size())) {
    if (ed.topology().faces_of_vertex(v).size() < 3) continue;
    XY p = ed.topology().vertices()[static_cast<size_t>(v)];
    double angle = tries * 2.399, reach = (25 + tries % 3 * 10) * metre;
    try {
      session.apply([&](analysis::BlockTopology& t) {
        return t.move_vertex(v, {p.x + reach * std::cos(angle) * 1.17, p.y + reach * std::sin(angle)});
      });
      if (!session.problems().empty()) session.undo();
    } catch (const Error&) {
    }
  }
}

TEST_F(Planning, RebalanceBringsAnUnbalancedPlanWithinTenPercentWithContiguousBlocks) {
  auto ws = as("planner");
  services::new_plan(*ws, {"off", ""});
  {
    services::PlanSession session(*ws, "off");
    unbalance(session, 20);
    ASSERT_GE(114 - session.editor().summary().within, 20);
  }
  std::atomic<bool> cancel{true};
  EXPECT_THROW(services::rebalance(*ws, {"off", "never", 250, 0.1}, {}, &cancel), Error);
  EXPECT_FALSE(services::find_plan(*ws, "never"));
  double last = -1;
  bool monotone = true;
  auto t0 = std::chrono::steady_clock::now();
  auto r = services::rebalance(*ws, {"off", "balanced", 250, 0.1}, [&](double f) {
    monotone = monotone && f >= last;
    last = f;
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("rebalance: %lld of %lld units moved in %.2f s; within ±10 %%: %lld -> %lld of 114\n",
              static_cast<long long>(r.moves), static_cast<long long>(r.units), seconds,
              static_cast<long long>(r.before.within), static_cast<long long>(r.after.within));
  EXPECT_TRUE(monotone);
  EXPECT_EQ(last, 1);
  EXPECT_TRUE(r.balanced);
  auto report = services::validate(*ws, {"blocks", "balanced"});
  EXPECT_EQ(report.summary.within, 114);
  EXPECT_EQ(report.summary.households, 28475);
  EXPECT_TRUE(report.problems.empty()) << analysis::problem_type_name(report.problems[0].type);
  for (auto& b : services::plan_blocks(*ws, "balanced")) {
    EXPECT_EQ(b.polygon.polygons.size(), 1u) << b.block_no;
    EXPECT_EQ(b.polygon.polygons[0].rings.size(), 1u) << b.block_no;
    EXPECT_EQ(geo::invalid_reason(b.polygon), "") << b.block_no;
  }
  // The draft opens for editing like any other.
  services::PlanSession session(*ws, "balanced");
  EXPECT_EQ(session.editor().summary().within, 114);
}

}  // namespace
