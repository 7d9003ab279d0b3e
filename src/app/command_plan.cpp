// `sitmap plan list|new|diff|rebalance|publish DB ...`: draft block plans beside the published `blocks`, through
// services/planning.hpp as the 规划 workspace does. new and publish need --user of a planner (publish: a
// planner or a leader); rebalance writes a new draft; publish is refused for a plan with validation problems, and audited.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/planning.hpp"

namespace sitmap::app {
namespace {

struct Args {
  std::string db, name, from, user;
  bool json = false;
};

nlohmann::json diff_json(const services::PlanDiff& d) {
  nlohmann::json blocks = nlohmann::json::array(), moves = nlohmann::json::array();
  for (auto& c : d.blocks)
    blocks.push_back({{"block_no", c.block_no},
                      {"change", c.change},
                      {"leader_before", c.leader_before},
                      {"leader_after", c.leader_after},
                      {"households_before", c.households_before},
                      {"households_after", c.households_after}});
  for (auto& m : d.moves)
    moves.push_back({{"address_id", m.address_id},
                     {"address", m.address},
                     {"households", m.households},
                     {"from_block", m.from_block},
                     {"to_block", m.to_block},
                     {"from_leader", m.from_leader},
                     {"to_leader", m.to_leader}});
  return {{"plan", d.plan},
          {"blocks_changed", blocks},
          {"addresses_moved", moves},
          {"households_moved", d.households_moved},
          {"leaders_affected", d.leaders_affected}};
}

void print_diff(const services::PlanDiff& d) {
  for (auto& c : d.blocks)
    std::printf("block %-5lld %-9s %5lld → %5lld households  %s%s%s\n", static_cast<long long>(c.block_no),
                c.change.c_str(), static_cast<long long>(c.households_before),
                static_cast<long long>(c.households_after), c.leader_before.c_str(),
                c.leader_before != c.leader_after ? " → " : "", c.leader_before != c.leader_after ? c.leader_after.c_str() : "");
  std::printf("plan %s: %zu blocks changed, %zu door plates (%lld households) change block, %zu leaders affected\n",
              d.plan.c_str(), d.blocks.size(), d.moves.size(), static_cast<long long>(d.households_moved),
              d.leaders_affected.size());
}

CommandRegistrar reg("plan", [](CLI::App& top) {
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("plan", "draft, compare and publish grid-block plans / 网格规划方案");
  cmd->require_subcommand(1);
  auto db = [a](CLI::App* sub) { sub->add_option("DB", a->db, "workspace database")->required(); };
  auto user = [a](CLI::App* sub, const char* who) {
    sub->add_option("--user", a->user, std::string(who) + " (password from SITMAP_PASSWORD or a prompt)")->required();
  };

  auto* list = cmd->add_subcommand("list", "every plan: name, status, blocks, who and when");
  db(list);
  list->add_flag("--json", a->json, "one JSON array");
  list->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    auto plans = services::list_plans(*ws);
    if (a->json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& p : plans)
        out.push_back({{"name", p.name}, {"status", p.status}, {"based_on", p.based_on}, {"blocks", p.blocks},
                       {"created_at", p.created_at}, {"created_by", p.created_by},
                       {"published_at", p.published_at}, {"published_by", p.published_by}});
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    if (plans.empty()) std::printf("no plans yet (sitmap plan new DB NAME --user PLANNER)\n");
    for (auto& p : plans)
      std::printf("%-24s %-11s %4lld blocks  created %s by %s%s%s\n", p.name.c_str(), p.status.c_str(),
                  static_cast<long long>(p.blocks), p.created_at.c_str(), p.created_by.c_str(),
                  p.published_at.empty() ? "" : ", published ", p.published_at.c_str());
  });

  auto* create = cmd->add_subcommand("new", "a new draft, copied from the published blocks or another plan");
  db(create);
  create->add_option("NAME", a->name, "the plan's name")->required();
  create->add_option("--from", a->from, "copy this plan instead of the published blocks");
  user(create, "a planner");
  create->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto p = services::new_plan(*ws, {a->name, a->from});
    std::printf("plan %s: draft of %lld blocks from %s\n", p.name.c_str(), static_cast<long long>(p.blocks),
                p.based_on.c_str());
  });

  auto* diff = cmd->add_subcommand("diff", "a plan against the published blocks: blocks, door plates, leaders");
  db(diff);
  diff->add_option("NAME", a->name, "the plan")->required();
  diff->add_flag("--json", a->json, "one JSON object");
  diff->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    auto d = services::diff_plan(*ws, a->name);
    if (a->json) std::printf("%s\n", diff_json(d).dump(2).c_str());
    else print_diff(d);
  });

  auto* rebalance = cmd->add_subcommand("rebalance", "a new draft with door plates moved until every block is within "
                                                     "±10 % of the target (contiguous blocks)");
  db(rebalance);
  rebalance->add_option("NAME", a->name, "the new draft")->required();
  rebalance->add_option("--from", a->from, "start from this plan instead of the published blocks");
  rebalance->add_flag("--json", a->json, "one JSON object");
  user(rebalance, "a planner");
  rebalance->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto r = services::rebalance(*ws, {a->from, a->name});
    if (a->json) {
      nlohmann::json j = {{"plan", r.plan.name},
                          {"balanced", r.balanced},
                          {"units", r.units},
                          {"moves", r.moves},
                          {"within_before", r.before.within},
                          {"within_after", r.after.within},
                          {"blocks", r.after.blocks},
                          {"worst_deviation_before", r.before.worst_deviation},
                          {"worst_deviation_after", r.after.worst_deviation}};
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("plan %s: %lld door-plate units moved; within ±10 %%: %lld → %lld of %lld blocks (worst %.1f %% → "
                "%.1f %%)%s\n",
                r.plan.name.c_str(), static_cast<long long>(r.moves), static_cast<long long>(r.before.within),
                static_cast<long long>(r.after.within), static_cast<long long>(r.after.blocks),
                100 * r.before.worst_deviation, 100 * r.after.worst_deviation,
                r.balanced ? "" : "; not every block could be balanced, review the draft");
  });

  auto* publish = cmd->add_subcommand("publish", "make a valid draft the published blocks (audited; history kept)");
  db(publish);
  publish->add_option("NAME", a->name, "the plan")->required();
  publish->add_flag("--json", a->json, "the published change as one JSON object");
  user(publish, "a planner or leader");
  publish->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto r = services::publish_plan(*ws, a->name);
    if (a->json) {
      auto j = diff_json(r.diff);
      j["superseded"] = r.superseded;
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    print_diff(r.diff);
    std::printf("published %s; the plan it replaces stays readable as %s\n", a->name.c_str(), r.superseded.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
