// The permission matrix: who may see, export and import sensitive rows, and who manages users.
#include "sitmap/access/policy.hpp"

#include <gtest/gtest.h>

#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::access;

namespace {

LayerInfo layer(LayerKind kind) {
  LayerInfo info;
  info.name = "special_persons";
  info.kind = kind;
  return info;
}

TEST(Policy, OnlyClearedRolesReachSensitiveRows) {
  const LayerInfo persons = layer(LayerKind::Sensitive);
  for (Principal who : {Principal{}, Principal{"l", Role::Leader, true}, Principal{"p", Role::Planner, true},
                        Principal{"a", Role::Analyst, false}, Principal{"ad", Role::Admin, true},
                        Principal{"d", Role::Duty, false}}) {
    SCOPED_TRACE(who.user);
    EXPECT_FALSE(may_export(who, persons));
    EXPECT_THROW(require_export(who, persons), Error);
  }
  for (Principal who : {Principal{}, Principal{"l", Role::Leader, true}, Principal{"a", Role::Analyst, false},
                        Principal{"ad", Role::Admin, true}}) {
    SCOPED_TRACE(who.user);
    EXPECT_FALSE(may_see_points(who, persons));
    EXPECT_FALSE(may_see_attributes(who, persons));
    EXPECT_FALSE(may_import(who, persons));
  }
  Principal vetted{"v", Role::Analyst, true};
  EXPECT_TRUE(may_see_points(vetted, persons));
  EXPECT_TRUE(may_see_attributes(vetted, persons));
  EXPECT_TRUE(may_export(vetted, persons));
  EXPECT_NO_THROW(require_export(vetted, persons));
  Principal duty{"d", Role::Duty, false};  // on duty sees who is where, takes nothing out without clearance
  EXPECT_TRUE(may_see_points(duty, persons));
  EXPECT_TRUE(may_import(duty, persons));
  EXPECT_TRUE(may_export(Principal{"d", Role::Duty, true}, persons));
  EXPECT_FALSE(may_show_in_briefing(persons));
}

TEST(Policy, OpenLayersAreOpenToEveryone) {
  const LayerInfo cameras = layer(LayerKind::Operational);
  for (Principal who : {Principal{}, Principal{"l", Role::Leader, false}}) {
    EXPECT_TRUE(may_see_points(who, cameras));
    EXPECT_TRUE(may_export(who, cameras));
    EXPECT_TRUE(may_import(who, cameras));
  }
}

TEST(Policy, OnlyAdminsManageUsersAndOnlyPlannersEditBlocks) {
  for (Role r : {Role::Anonymous, Role::Leader, Role::Planner, Role::Analyst, Role::Duty}) {
    EXPECT_FALSE(has(Principal{"x", r, true}, Permission::ManageUsers)) << role_name(r);
    EXPECT_EQ(has(Principal{"x", r, true}, Permission::EditBlocks), r == Role::Planner) << role_name(r);
  }
  EXPECT_TRUE(has(Principal{"x", Role::Admin, false}, Permission::ManageUsers));
  EXPECT_TRUE(has(Principal{"x", Role::Leader, false}, Permission::PublishBlocks));
  try {
    require(Principal{"lead", Role::Leader, false}, Permission::ManageUsers, "users");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Denied);
  }
}

TEST(Policy, RoleNamesRoundTripAndUnknownOnesAreRefused) {
  for (Role r : {Role::Leader, Role::Planner, Role::Analyst, Role::Duty, Role::Admin})
    EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("workstation"));  // nobody signs in as the anonymous workstation
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role(""));
}

}  // namespace

namespace sitmap::access {
namespace {

TEST(Policy, OnlyDutyOfficersHandleCasesAndMeetTheirReporters) {
  for (Role r : {Role::Anonymous, Role::Leader, Role::Planner, Role::Analyst, Role::Duty, Role::Admin})
    for (bool cleared : {false, true}) {
      EXPECT_EQ(has(Principal{"x", r, cleared}, Permission::HandleCases), r == Role::Duty) << role_name(r);
      EXPECT_EQ(has(Principal{"x", r, cleared}, Permission::SeeReporters), r == Role::Duty) << role_name(r);
    }
}

}  // namespace
}  // namespace sitmap::access
