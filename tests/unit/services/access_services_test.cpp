// Sign-in through the workspace, and the audited exports and imports of a sensitive layer: a leader and an
// uncleared analyst get nothing out, a cleared analyst does, and each attempt leaves its audit row.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../io/io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/export.hpp"
#include "sitmap/services/import.hpp"
#include "sitmap/services/users.hpp"

using namespace sitmap;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPassword = "demo password 1";

class AccessServices : public io::test::IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    ::setenv("SITMAP_KEY_DIR", path("keys").c_str(), 1);
    ws_ = services::Workspace::open(path("ws.sqlite"), store::OpenMode::Create);
    services::add_demo_users(*ws_, kPassword);
    services::add_user(*as("admin"), {"vetted", access::Role::Analyst, kPassword, true});
    csv_ = write_bytes("persons.csv", "姓名,lon,lat\n张三,121.47,31.22\n李四,121.48,31.22\n");
    io::ImportOptions o;
    o.layer = "persons";
    o.kind = LayerKind::Sensitive;
    services::import_any(*as("duty"), {csv_, o});
  }
  std::unique_ptr<services::Workspace> as(const std::string& user) {
    auto ws = services::Workspace::open(path("ws.sqlite"), store::OpenMode::ReadWrite);
    ws->sign_in(user, kPassword);
    return ws;
  }
  store::AuditEntry last() { return ws_->store().last_audit().value(); }
  std::string bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::unique_ptr<services::Workspace> ws_;
  fs::path csv_;
};

TEST_F(AccessServices, DemoUsersHaveTheirRoles) {
  EXPECT_EQ(as("leader")->principal().role, access::Role::Leader);
  EXPECT_EQ(as("planner")->principal().role, access::Role::Planner);
  EXPECT_FALSE(as("analyst")->principal().cleared);
  EXPECT_TRUE(as("duty")->principal().cleared);
  EXPECT_EQ(services::list_users(*as("admin")).size(), 6u);
  try {
    ws_->sign_in("admin", "not the password");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Denied);
  }
  EXPECT_EQ(ws_->principal().role, access::Role::Anonymous);  // unchanged by the failure
  EXPECT_EQ(last().action, "sign-in");
  EXPECT_EQ(last().outcome, "wrong password");
}

TEST_F(AccessServices, LeaderAndUnclearedAnalystCannotExportAndAreAudited) {
  for (const char* user : {"leader", "analyst"}) {
    auto ws = as(user);
    for (const char* out : {"p.csv", "p.geojson"}) {
      EXPECT_THROW(services::export_layer(*ws, {"persons", path(out), {}}), Error);
      EXPECT_FALSE(fs::exists(path(out)));
      EXPECT_EQ(last().user, user);
      EXPECT_EQ(last().action, "export");
      EXPECT_EQ(last().object, "persons");
      EXPECT_EQ(last().outcome, "denied");
    }
    EXPECT_FALSE(access::may_see_attributes(ws->principal(), ws->layer("persons")));
  }
}

TEST_F(AccessServices, ClearedAnalystExportsAndIsAudited) {
  auto ws = as("vetted");
  auto r = services::export_layer(*ws, {"persons", path("p.csv"), {}});
  EXPECT_EQ(r.written, 2);
  EXPECT_NE(bytes(path("p.csv")).find("张三"), std::string::npos);
  EXPECT_EQ(last().user, "vetted");
  EXPECT_EQ(last().outcome, "ok: 2 rows to p.csv");
  EXPECT_TRUE(services::verify_audit(*as("admin")).ok);
}

TEST_F(AccessServices, ASensitiveExportWithoutItsAuditRowLeavesNoFile) {
  auto ws = as("vetted");
  ::setenv("SITMAP_KEY_DIR", path("elsewhere").c_str(), 1);  // this workstation lacks the log's key
  EXPECT_THROW(services::export_layer(*ws, {"persons", path("p.csv"), {}}), Error);
  EXPECT_FALSE(fs::exists(path("p.csv")));
}

TEST_F(AccessServices, ImportIntoASensitiveLayerNeedsClearanceAndIsAudited) {
  io::ImportOptions o;
  o.layer = "persons";
  o.mode = io::ImportMode::Append;
  auto analyst = as("analyst");
  for (services::Workspace* ws : {ws_.get(), analyst.get()}) {
    try {
      services::import_any(*ws, {csv_, o});
      FAIL() << ws->principal().user << " imported";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied) << e.what();
    }
    EXPECT_EQ(ws_->store().count("persons", {}), 2);  // rolled back
    EXPECT_EQ(last().action, "import");
    EXPECT_EQ(last().outcome, "denied");
  }
  // A new layer declared sensitive is refused the same way.
  o.layer = "more_persons";
  o.mode = io::ImportMode::Create;
  o.kind = LayerKind::Sensitive;
  EXPECT_THROW(services::import_any(*ws_, {csv_, o}), Error);
  EXPECT_FALSE(ws_->store().find_layer("more_persons"));
  services::import_any(*as("vetted"), {csv_, o});
  EXPECT_EQ(last().outcome, "ok: 2 rows (create)");
  // Open layers import from the workstation as before, audited.
  o.layer = "posts";
  o.kind = LayerKind::Operational;
  services::import_any(*ws_, {csv_, o});
  EXPECT_EQ(last().user, "workstation");
  EXPECT_TRUE(services::verify_audit(*as("admin")).ok);
}

}  // namespace
