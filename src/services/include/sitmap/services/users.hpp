// Signing in and managing users, as `sitmap user ...`, `--user NAME` and the window's sign-in do it. The
// rules (roles, hashes, lockout, audit rows) are access's; these run them on a workspace's store as its
// signed-in principal.
#pragma once
#include <string_view>
#include <vector>

#include "sitmap/access/audit.hpp"
#include "sitmap/access/users.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

// The principal of `user`, or Error(Denied) saying no more than that the sign-in was refused. Audited.
access::Principal sign_in(store::Store& store, std::string_view user, std::string_view password);

void add_user(Workspace& workspace, const access::NewUser& user);
void set_password(Workspace& workspace, std::string_view name, std::string_view password);
void disable_user(Workspace& workspace, std::string_view name);
std::vector<access::UserSummary> list_users(const Workspace& workspace);

// One user per role, named after it (leader, planner, analyst, duty, admin), all with `password`; the duty
// officer is cleared, the analyst is not. For a workspace without users (`sitmap demo`). The admin and the
// duty officer keep copies of the workspace's data key (the workspace's own, when it holds one).
void add_demo_users(Workspace& workspace, std::string_view password);

std::vector<store::AuditEntry> audit_log(const Workspace& workspace);
access::AuditCheck verify_audit(const Workspace& workspace);

}  // namespace sitmap::services
