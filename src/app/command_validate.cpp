// `sitmap validate DB [--layer blocks] [--plan NAME] [--json]`: a plan's blocks checked with GEOS (invalid
// geometry, overlaps, gaps inside the sub-district boundary, area outside it) through services::validate, as
// the 规划 workspace's problem list does. Exits 4 when there is any problem.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/planning.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("validate", [](CLI::App& top) {
  struct Args {
    std::string db;
    services::ValidateRequest request;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("validate", "check grid blocks for overlaps, gaps and invalid shapes / 网格校验");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--layer", a->request.layer, "polygon layer with block_no (default blocks, the published plan)");
  cmd->add_option("--plan", a->request.plan, "a plan's blocks instead of the layer's");
  cmd->add_option("--target", a->request.target, "households per block aimed at (default 250)");
  cmd->add_flag("--json", a->json, "one JSON object: problems, summary and each block's figures");
  cmd->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    auto r = services::validate(*ws, a->request);
    if (a->json) {
      nlohmann::json problems = nlohmann::json::array(), blocks = nlohmann::json::array();
      for (auto& p : r.problems)
        problems.push_back({{"type", analysis::problem_type_name(p.type)},
                            {"blocks", p.blocks},
                            {"location", {p.location.x, p.location.y}},
                            {"extent", {p.extent.minx, p.extent.miny, p.extent.maxx, p.extent.maxy}},
                            {"area_m2", p.area_m2},
                            {"detail", p.detail}});
      for (auto& m : r.metrics)
        blocks.push_back({{"block_no", m.block_no},
                          {"households", m.households},
                          {"addresses", m.addresses},
                          {"area_m2", m.area_m2},
                          {"compactness", m.compactness},
                          {"deviation", m.deviation},
                          {"compounds_split", m.compounds_split}});
      nlohmann::json out = {{"subject", r.subject},
                            {"problems", problems},
                            {"summary",
                             {{"blocks", r.summary.blocks},
                              {"within_10_percent", r.summary.within},
                              {"households", r.summary.households},
                              {"unassigned_addresses", r.summary.unassigned},
                              {"worst_deviation", r.summary.worst_deviation}}},
                            {"blocks", blocks}};
      std::printf("%s\n", out.dump(2).c_str());
    } else {
      for (auto& p : r.problems) {
        std::string who;
        for (auto b : p.blocks) who += (who.empty() ? "" : ",") + std::to_string(b);
        std::printf("%-8s blocks %-12s at %.6f,%.6f  %.1f m²%s%s\n", analysis::problem_type_name(p.type), who.c_str(),
                    p.location.x, p.location.y, p.area_m2, p.detail.empty() ? "" : "  ", p.detail.c_str());
      }
      std::printf("%s: %lld blocks, %zu problems; %lld within ±10 %% of %.0f households, %lld door plates in no block\n",
                  r.subject.c_str(), static_cast<long long>(r.summary.blocks), r.problems.size(),
                  static_cast<long long>(r.summary.within), a->request.target,
                  static_cast<long long>(r.summary.unassigned));
    }
    std::fflush(stdout);
    if (!r.problems.empty())
      throw Error(ErrorKind::BadInput, a->db + ": " + r.subject + " has " + std::to_string(r.problems.size()) +
                                           " problem(s)");
  });
});

}  // namespace
}  // namespace sitmap::app
