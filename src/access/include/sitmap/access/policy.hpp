// Who may see and take what. Roles and signed-in users come with the access-control work; until then
// the only principal is the anonymous workstation user, who never sees or exports sensitive rows.
#pragma once
#include <string>

#include "sitmap/core/types.hpp"

namespace sitmap::access {

enum class Role { Viewer, Analyst, Planner, Officer };  // Officer: may see sensitive points
const char* role_name(Role r);

struct Principal {
  std::string user = "workstation";
  Role role = Role::Viewer;
};

// Sensitive layers appear to everyone else as counts per block only.
bool may_see_points(const Principal& who, const LayerInfo& layer);
// Exports of sensitive layers need an authorised, audited principal (not available yet: always refused).
bool may_export(const Principal& who, const LayerInfo& layer);
// Briefing mode (the shared wall screen) never shows sensitive points, whoever is signed in.
bool may_show_in_briefing(const LayerInfo& layer);

// Throws Error(Denied) with a message that names the layer but no row of it.
void require_export(const Principal& who, const LayerInfo& layer);

}  // namespace sitmap::access
