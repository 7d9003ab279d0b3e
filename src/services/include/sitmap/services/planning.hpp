// Grid-boundary planning (规划), as the window's 规划 workspace and `sitmap plan` / `sitmap validate` do it.
//
// The published plan is the `blocks` layer. Drafts live beside it in two plain layers, so any backend keeps
// them and `sitmap export` writes them out: `plans` (one row per plan: name, status, who and when) and
// `plan_blocks` (block_no, leader and polygon of each block of each plan). A draft never touches `blocks`;
// an open draft (PlanSession) saves each edit in a transaction of its own, so a killed process loses at most
// the edit in progress. Publishing replaces `blocks` (and the door plates' block_no) with the draft in one
// transaction that also marks the plan published, keeps the plan it replaces as `superseded` (readable like
// any plan) and appends the audit row; a plan with validation problems is refused.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/analysis/districting.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

inline constexpr const char* kPlansLayer = "plans";
inline constexpr const char* kPlanBlocksLayer = "plan_blocks";

struct PlanInfo {
  std::string name;
  std::string status;  // draft, published, superseded
  std::string based_on;
  std::string created_at, created_by;
  std::string published_at, published_by;
  int64_t blocks = 0;
};

// Every plan, oldest first (none before the first `new_plan`).
std::vector<PlanInfo> list_plans(const Workspace& ws);
std::optional<PlanInfo> find_plan(const Workspace& ws, std::string_view name);

// The published blocks (layer `blocks`, or another polygon layer with a block_no field).
std::vector<analysis::PlanBlock> layer_blocks(const Workspace& ws, std::string_view layer = "blocks");
// A plan's blocks; throws Error(NotFound) naming the plan.
std::vector<analysis::PlanBlock> plan_blocks(const Workspace& ws, std::string_view plan);
// The door plates (layer `addresses`: households, compound); throws Error(NotFound / BadInput) naming the field.
analysis::AddressPoints address_points(const Workspace& ws);
// The sub-district boundary (layer `boundary`, every row united), when there is one.
std::optional<Geometry> district_boundary(const Workspace& ws);

struct NewPlanRequest {
  std::string name;
  std::string from;  // an existing plan to copy; empty: the published blocks
};
// Needs Permission::EditBlocks. Throws Error(BadInput) for an empty or taken name.
PlanInfo new_plan(Workspace& ws, const NewPlanRequest& request);

struct ValidateRequest {
  std::string layer = "blocks";
  std::string plan;  // when set, the plan's blocks instead of the layer's
  double target = analysis::kDefaultTarget;
};
struct ValidationReport {
  std::string subject;  // "layer blocks" or "plan NAME"
  std::vector<analysis::Problem> problems;
  std::vector<analysis::BlockMetrics> metrics;
  analysis::PlanSummary summary;
};
ValidationReport validate(const Workspace& ws, const ValidateRequest& request);

struct BlockChange {
  int64_t block_no = 0;
  std::string change;  // added, removed, reshaped, leader
  std::string leader_before, leader_after;
  int64_t households_before = 0, households_after = 0;
};
struct AddressMove {
  int64_t address_id = 0;
  std::string address;
  int64_t households = 0;
  int64_t from_block = 0, to_block = 0;  // 0: in no block
  std::string from_leader, to_leader;
  XY at;
};
struct PlanDiff {
  std::string plan;
  std::vector<BlockChange> blocks;
  std::vector<AddressMove> moves;
  int64_t households_moved = 0;
  std::vector<std::string> leaders_affected;  // sorted, each once
};
// The plan against the published blocks.
PlanDiff diff_plan(const Workspace& ws, std::string_view plan);

struct PublishResult {
  PlanDiff diff;
  std::string superseded;  // the plan that was published before (recorded as "published-before-NAME" the first time)
};
// Needs Permission::PublishBlocks and a plan without validation problems (Error(BadInput) listing them).
PublishResult publish_plan(Workspace& ws, std::string_view plan);

// An open draft: the editor of its blocks with every edit saved as it is made. Needs EditBlocks.
class PlanSession {
 public:
  PlanSession(Workspace& ws, std::string_view plan, double target = analysis::kDefaultTarget);

  const std::string& plan() const { return plan_; }
  const analysis::PlanEditor& editor() const { return editor_; }
  const analysis::SnapTargets& snap_targets() const { return targets_; }
  const std::optional<Geometry>& boundary() const { return boundary_; }

  // One edit of the topology (see analysis::BlockTopology), saved in its own transaction.
  void apply(const std::function<std::vector<int>(analysis::BlockTopology&)>& edit);
  void begin_drag(int32_t vertex) { editor_.begin_drag(vertex); }
  void drag_to(XY p) { editor_.drag_to(p); }  // figures only; nothing saved until end_drag
  void end_drag();
  void cancel_drag() { editor_.cancel_drag(); }
  bool undo();
  bool redo();
  std::vector<analysis::Problem> problems() const;

 private:
  void save();

  Workspace& ws_;
  std::string plan_;
  analysis::PlanEditor editor_;
  analysis::SnapTargets targets_;
  std::optional<Geometry> boundary_;
  std::vector<analysis::PlanBlock> saved_;  // as last written
};

struct RebalanceRequest {
  std::string from;  // the plan to start from; empty: the published blocks
  std::string name;  // the new draft
  double target = analysis::kDefaultTarget;
  double tolerance = analysis::kBalanceTolerance;
};
struct RebalanceResult {
  PlanInfo plan;
  analysis::PlanSummary before, after;
  int64_t moves = 0, units = 0;
  bool balanced = false;
};
// analysis::rebalance_blocks on a plan (or the published blocks), written as a new draft for the planner to
// review. Needs EditBlocks. progress gets 0..1; a set cancel flag stops it with Error(Cancelled), nothing written.
RebalanceResult rebalance(Workspace& ws, const RebalanceRequest& request,
                          const std::function<void(double)>& progress = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace sitmap::services
