// Who may do what: the roles of the centre, one permission matrix, and the checks every front end asks.
// The window and every sub-command decide through these functions only; none keeps its own rule.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "sitmap/core/types.hpp"

namespace sitmap::access {

// Anonymous: the workstation before anyone signs in (what the window and plain sub-commands run as).
enum class Role { Anonymous, Leader, Planner, Analyst, Duty, Admin };
const char* role_name(Role r);      // "leader", "planner", "analyst", "duty", "admin"; "workstation"
const char* role_title_zh(Role r);  // 领导, 规划, 分析, 值班, 管理员; 未登录
std::optional<Role> parse_role(std::string_view name);  // the five signed-in roles only

enum class Permission {
  SeeSensitivePoints,      // positions of a sensitive layer's rows (others get counts per block)
  SeeSensitiveAttributes,  // names, ID numbers, addresses
  ExportSensitive,
  Import,                  // into a sensitive layer; other layers take imports from the workstation
  EditBlocks,
  PublishBlocks,
  ManageUsers,             // also reads and verifies the audit log
  HandleCases,             // receive, route, close and visit cases (#14)
  SeeReporters,            // a case's reporter: name and phone
};
const char* permission_name(Permission p);

// A cell of the matrix: IfCleared needs the user's clearance flag (set by an admin) as well as the role.
enum class Grant { No, IfCleared, Yes };
Grant grant(Role role, Permission permission);

struct Principal {
  std::string user = "workstation";
  Role role = Role::Anonymous;
  bool cleared = false;
};

bool has(const Principal& who, Permission p);
// Throws Error(Denied) naming the permission and the object, never a row's content.
void require(const Principal& who, Permission p, std::string_view object);

// Sensitive layers appear to everyone else as counts per block only.
bool may_see_points(const Principal& who, const LayerInfo& layer);
bool may_see_attributes(const Principal& who, const LayerInfo& layer);
bool may_export(const Principal& who, const LayerInfo& layer);
bool may_import(const Principal& who, const LayerInfo& layer);
// Briefing mode (the shared wall screen) never shows sensitive points, whoever is signed in.
bool may_show_in_briefing(const LayerInfo& layer);

// Throws Error(Denied) with a message that names the layer but no row of it.
void require_export(const Principal& who, const LayerInfo& layer);
void require_import(const Principal& who, const LayerInfo& layer);

}  // namespace sitmap::access
