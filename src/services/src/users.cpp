#include "sitmap/services/users.hpp"

namespace sitmap::services {

access::Principal sign_in(store::Store& store, std::string_view user, std::string_view password) {
  return access::sign_in(store, user, password);
}

void add_user(Workspace& workspace, const access::NewUser& user) {
  access::add_user(workspace.store(), workspace.principal(), user);
}

void set_password(Workspace& workspace, std::string_view name, std::string_view password) {
  access::set_password(workspace.store(), workspace.principal(), name, password);
}

void disable_user(Workspace& workspace, std::string_view name) {
  access::disable_user(workspace.store(), workspace.principal(), name);
}

std::vector<access::UserSummary> list_users(const Workspace& workspace) {
  return access::list_users(workspace.store(), workspace.principal());
}

void add_demo_users(Workspace& workspace, std::string_view password) {
  using access::Role;
  std::string pw(password);
  access::add_user(workspace.store(), workspace.principal(), {"admin", Role::Admin, pw, false});
  access::Principal admin{"admin", Role::Admin, false};
  for (auto [role, cleared] : {std::pair{Role::Leader, false}, {Role::Planner, false}, {Role::Analyst, false},
                               {Role::Duty, true}})
    access::add_user(workspace.store(), admin, {access::role_name(role), role, pw, cleared});
}

std::vector<store::AuditEntry> audit_log(const Workspace& workspace) {
  return access::read_audit(workspace.store(), workspace.principal());
}

access::AuditCheck verify_audit(const Workspace& workspace) {
  return access::verify_audit(workspace.store(), workspace.principal());
}

}  // namespace sitmap::services
