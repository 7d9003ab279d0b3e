#include "sitmap/access/policy.hpp"

#include <array>

#include "sitmap/core/error.hpp"

namespace sitmap::access {

namespace {

constexpr Grant N = Grant::No, C = Grant::IfCleared, Y = Grant::Yes;
constexpr size_t kPermissions = 9;

// The permission matrix: one row per role (Role order), one column per permission (Permission order).
// Admins manage people, not cases: they see no sensitive rows. Nobody is cleared by role alone to take
// sensitive rows out of the store. Cases are the duty officers' work, and only they meet the reporters.
constexpr std::array<std::array<Grant, kPermissions>, 6> kMatrix = {{
    //  points attrs export import edit publish users cases reporters
    {{N, N, N, N, N, N, N, N, N}},  // anonymous workstation
    {{N, N, N, N, N, Y, N, N, N}},  // leader: approves plans, sees counts only
    {{N, N, N, N, Y, Y, N, N, N}},  // planner
    {{C, C, C, C, N, N, N, N, N}},  // analyst
    {{Y, Y, C, Y, N, N, N, Y, Y}},  // duty officer (值班)
    {{N, N, N, N, N, N, Y, N, N}},  // admin
}};

}  // namespace

const char* role_name(Role r) {
  switch (r) {
    case Role::Anonymous: return "workstation";
    case Role::Leader: return "leader";
    case Role::Planner: return "planner";
    case Role::Analyst: return "analyst";
    case Role::Duty: return "duty";
    case Role::Admin: return "admin";
  }
  return "workstation";
}

const char* role_title_zh(Role r) {
  switch (r) {
    case Role::Anonymous: return "未登录";
    case Role::Leader: return "领导";
    case Role::Planner: return "规划";
    case Role::Analyst: return "分析";
    case Role::Duty: return "值班";
    case Role::Admin: return "管理员";
  }
  return "未登录";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::Leader, Role::Planner, Role::Analyst, Role::Duty, Role::Admin})
    if (name == role_name(r)) return r;
  return std::nullopt;
}

const char* permission_name(Permission p) {
  switch (p) {
    case Permission::SeeSensitivePoints: return "see sensitive points";
    case Permission::SeeSensitiveAttributes: return "see sensitive attributes";
    case Permission::ExportSensitive: return "export sensitive layers";
    case Permission::Import: return "import into sensitive layers";
    case Permission::EditBlocks: return "edit blocks";
    case Permission::PublishBlocks: return "publish blocks";
    case Permission::ManageUsers: return "manage users";
    case Permission::HandleCases: return "handle cases";
    case Permission::SeeReporters: return "see case reporters";
  }
  return "?";
}

Grant grant(Role role, Permission permission) {
  return kMatrix[static_cast<size_t>(role)][static_cast<size_t>(permission)];
}

bool has(const Principal& who, Permission p) {
  Grant g = grant(who.role, p);
  return g == Grant::Yes || (g == Grant::IfCleared && who.cleared);
}

void require(const Principal& who, Permission p, std::string_view object) {
  if (!has(who, p))
    throw Error(ErrorKind::Denied, std::string(object) + ": " + permission_name(p) + " is not granted to " +
                                       who.user + " (" + role_name(who.role) + ")");
}

bool may_see_points(const Principal& who, const LayerInfo& layer) {
  return layer.kind != LayerKind::Sensitive || has(who, Permission::SeeSensitivePoints);
}

bool may_see_attributes(const Principal& who, const LayerInfo& layer) {
  return layer.kind != LayerKind::Sensitive || has(who, Permission::SeeSensitiveAttributes);
}

bool may_export(const Principal& who, const LayerInfo& layer) {
  return layer.kind != LayerKind::Sensitive || has(who, Permission::ExportSensitive);
}

bool may_import(const Principal& who, const LayerInfo& layer) {
  return layer.kind != LayerKind::Sensitive || has(who, Permission::Import);
}

bool may_show_in_briefing(const LayerInfo& layer) { return layer.kind != LayerKind::Sensitive; }

void require_export(const Principal& who, const LayerInfo& layer) {
  if (!may_export(who, layer))
    throw Error(ErrorKind::Denied, "layer '" + layer.name + "' is sensitive (受限图层): exporting it needs a cleared "
                                       "role, which " + who.user + " (" + role_name(who.role) + ") is not");
}

void require_import(const Principal& who, const LayerInfo& layer) {
  if (!may_import(who, layer))
    throw Error(ErrorKind::Denied, "layer '" + layer.name + "' is sensitive (受限图层): importing into it needs a "
                                       "cleared role, which " + who.user + " (" + role_name(who.role) + ") is not");
}

}  // namespace sitmap::access
