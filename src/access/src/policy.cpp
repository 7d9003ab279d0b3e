#include "sitmap/access/policy.hpp"

#include "sitmap/core/error.hpp"

namespace sitmap::access {

const char* role_name(Role r) {
  switch (r) {
    case Role::Viewer: return "viewer";
    case Role::Analyst: return "analyst";
    case Role::Planner: return "planner";
    case Role::Officer: return "officer";
  }
  return "viewer";
}

bool may_see_points(const Principal& who, const LayerInfo& layer) {
  return layer.kind != LayerKind::Sensitive || who.role == Role::Officer;
}

bool may_export(const Principal&, const LayerInfo& layer) {
  // No audited sign-in exists yet, so nobody is authorised to take sensitive rows out of the store.
  return layer.kind != LayerKind::Sensitive;
}

bool may_show_in_briefing(const LayerInfo& layer) { return layer.kind != LayerKind::Sensitive; }

void require_export(const Principal& who, const LayerInfo& layer) {
  if (!may_export(who, layer))
    throw Error(ErrorKind::Denied, "layer '" + layer.name +
                                       "' is sensitive (受限图层): exporting it needs an authorised role, "
                                       "which this workstation does not have");
}

}  // namespace sitmap::access
