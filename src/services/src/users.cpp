#include "sitmap/services/users.hpp"

namespace sitmap::services {

access::Principal sign_in(store::Store& store, std::string_view user, std::string_view password) {
  return access::sign_in(store, user, password);
}

void add_user(Workspace& workspace, const access::NewUser& user) {
  access::add_user(workspace.store(), workspace.principal(), user, workspace.data_key().get());
}

void set_password(Workspace& workspace, std::string_view name, std::string_view password) {
  access::set_password(workspace.store(), workspace.principal(), name, password, workspace.data_key().get());
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
  // The workspace's key when it holds one (sitmap demo sealed its persons with it), else the one the first
  // admin creates.
  auto key = workspace.data_key();
  access::add_user(workspace.store(), workspace.principal(), {"admin", Role::Admin, pw, false}, key.get());
  access::Principal admin{"admin", Role::Admin, false};
  if (!key) key = access::unwrap_data_key(workspace.store(), "admin", pw);
  for (auto [role, cleared] : {std::pair{Role::Leader, false}, {Role::Planner, false}, {Role::Analyst, false},
                               {Role::Duty, true}})
    access::add_user(workspace.store(), admin, {access::role_name(role), role, pw, cleared}, key.get());
}

std::vector<store::AuditEntry> audit_log(const Workspace& workspace) {
  return access::read_audit(workspace.store(), workspace.principal());
}

access::AuditCheck verify_audit(const Workspace& workspace) {
  return access::verify_audit(workspace.store(), workspace.principal());
}

}  // namespace sitmap::services
