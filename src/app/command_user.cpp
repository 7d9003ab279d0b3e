// `sitmap user add|passwd|disable|list DB ... --user ADMIN`: the workspace's users (services/users.hpp).
// The signed-in user's password comes from SITMAP_PASSWORD or a prompt, a new password from
// SITMAP_NEW_PASSWORD or a prompt. The first user of a workspace (an admin) is added without --user.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/users.hpp"

namespace sitmap::app {
namespace {

struct Args {
  std::string db, user, name, role = "analyst";
  bool cleared = false, json = false;
};

std::unique_ptr<services::Workspace> open_signed_in(const Args& a) {
  auto ws = services::Workspace::open(a.db, store::OpenMode::ReadWrite);
  sign_in_if_asked(*ws, a.user);
  return ws;
}

std::string new_password(const std::string& name) {
  return read_password("SITMAP_NEW_PASSWORD", "new password of " + name + " / 新密码: ", true);
}

CLI::App* with_common(CLI::App* cmd, Args& a) {
  cmd->add_option("DB", a.db, "workspace database")->required();
  cmd->add_option("--user", a.user, "signed-in user (an admin; password from SITMAP_PASSWORD or a prompt)");
  return cmd;
}

CommandRegistrar reg("user", [](CLI::App& top) {
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("user", "users and roles of the workspace / 用户管理");
  cmd->require_subcommand(1);

  auto* add = with_common(cmd->add_subcommand("add", "add a user"), *a);
  add->add_option("NAME", a->name, "user name")->required();
  add->add_option("--role", a->role, "leader|planner|analyst|duty|admin")->capture_default_str();
  add->add_flag("--cleared", a->cleared, "vetted for sensitive rows (where the role allows it)");
  add->callback([a] {
    auto role = access::parse_role(a->role);
    if (!role) throw Error(ErrorKind::BadInput, "--role: unknown role (use leader, planner, analyst, duty or admin)");
    auto ws = open_signed_in(*a);
    services::add_user(*ws, {a->name, *role, new_password(a->name), a->cleared});
    std::printf("user %s added (%s%s)\n", a->name.c_str(), access::role_name(*role), a->cleared ? ", cleared" : "");
  });

  auto* passwd = with_common(cmd->add_subcommand("passwd", "set a user's password (an admin's, or one's own)"), *a);
  passwd->add_option("NAME", a->name, "user name")->required();
  passwd->callback([a] {
    auto ws = open_signed_in(*a);
    services::set_password(*ws, a->name, new_password(a->name));
    std::printf("password of %s changed\n", a->name.c_str());
  });

  auto* disable = with_common(cmd->add_subcommand("disable", "disable a user"), *a);
  disable->add_option("NAME", a->name, "user name")->required();
  disable->callback([a] {
    auto ws = open_signed_in(*a);
    services::disable_user(*ws, a->name);
    std::printf("user %s disabled\n", a->name.c_str());
  });

  auto* list = with_common(cmd->add_subcommand("list", "list the users"), *a);
  list->add_flag("--json", a->json, "one JSON array");
  list->callback([a] {
    auto ws = open_signed_in(*a);
    auto users = services::list_users(*ws);
    if (a->json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& u : users)
        out.push_back({{"name", u.name}, {"role", access::role_name(u.role)}, {"cleared", u.cleared},
                       {"disabled", u.disabled}, {"locked", u.locked}, {"created_at", u.created_at}});
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    for (auto& u : users)
      std::printf("%-16s %-8s %s%s%s %s\n", u.name.c_str(), access::role_name(u.role), u.cleared ? "cleared " : "",
                  u.disabled ? "disabled " : "", u.locked ? "locked " : "", u.created_at.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
