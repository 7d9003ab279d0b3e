// `sitmap audit list|verify DB --user ADMIN`: the audit log and its MAC chain (access/audit.hpp).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/users.hpp"

namespace sitmap::app {
namespace {

struct Args {
  std::string db, user;
  bool json = false;
};

CommandRegistrar reg("audit", [](CLI::App& top) {
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("audit", "the audit log / 审计日志");
  cmd->require_subcommand(1);
  auto common = [a](CLI::App* sub) {
    sub->add_option("DB", a->db, "workspace database")->required();
    sub->add_option("--user", a->user, "an admin (password from SITMAP_PASSWORD or a prompt)")->required();
  };

  auto* list = cmd->add_subcommand("list", "the log's rows, oldest first");
  common(list);
  list->add_flag("--json", a->json, "one JSON array");
  list->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto rows = services::audit_log(*ws);
    if (a->json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& r : rows)
        out.push_back({{"seq", r.seq}, {"at", r.at}, {"user", r.user}, {"action", r.action}, {"object", r.object},
                       {"outcome", r.outcome}});
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    for (auto& r : rows)
      std::printf("%6lld %s %-12s %-12s %-16s %s\n", static_cast<long long>(r.seq), r.at.c_str(), r.user.c_str(),
                  r.action.c_str(), r.object.c_str(), r.outcome.c_str());
  });

  auto* verify = cmd->add_subcommand("verify", "check every row's MAC, their order and the log's end");
  common(verify);
  verify->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto check = services::verify_audit(*ws);
    if (!check.ok) throw Error(ErrorKind::Denied, a->db + ": audit log tampered with: " + check.problem);
    std::printf("%s: audit log intact, %lld rows\n", a->db.c_str(), static_cast<long long>(check.rows));
  });
});

}  // namespace
}  // namespace sitmap::app
