// The audit chain: every row's MAC holds, and edits, deletions, reordering and a cut-off end are found
// even after the attacker drops the table's triggers. Without the key nothing is appended or verified.
#include "sitmap/access/audit.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "access_fixture.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::access;
namespace fs = std::filesystem;

namespace {

class Audit : public test::AccessTest {
 protected:
  void SetUp() override {
    AccessTest::SetUp();
    add_staff();  // five user-add rows
    for (const char* who : {"ana", "nobody", "duty"}) {
      try {
        sign_in(*store_, who, who == std::string("duty") ? kPassword : "wrong password");
      } catch (const Error&) {
      }
    }
    store_.reset();  // the attacker works on the file alone
  }
  AuditCheck check() {
    store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
    return verify_audit(*store_, audit_key(*store_));
  }
  // A file's bytes, or the only file in a folder (a key folder).
  static std::string bytes(const fs::path& path) {
    fs::path file = path;
    if (fs::is_directory(path)) file = fs::directory_iterator(path)->path();
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void drop_triggers() { sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"); }
};

TEST_F(Audit, AnUntouchedLogVerifies) {
  AuditCheck c = check();
  EXPECT_TRUE(c.ok) << c.problem;
  EXPECT_EQ(c.rows, 8);
  auto rows = store_->audit_log();
  EXPECT_EQ(rows[5].outcome, "wrong password");
  EXPECT_EQ(rows[6].outcome, "unknown user");
  EXPECT_EQ(rows[7].outcome, "ok");
}

TEST_F(Audit, TriggersRefuseEditsThroughSql) {
  sqlite3* db = nullptr;
  sqlite3_open(file_.c_str(), &db);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET outcome = 'ok' WHERE seq = 6", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 6", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(check().ok);
}

TEST_F(Audit, AnEditedRowIsFound) {
  drop_triggers();
  sql("UPDATE audit_log SET outcome = 'ok' WHERE seq = 6");
  AuditCheck c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 6);
}

TEST_F(Audit, ADeletedRowIsFound) {
  drop_triggers();
  sql("DELETE FROM audit_log WHERE seq = 6");
  AuditCheck c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 7);
}

TEST_F(Audit, RenumberingAfterADeletionIsFound) {
  drop_triggers();
  sql("DELETE FROM audit_log WHERE seq = 6; UPDATE audit_log SET seq = seq - 1 WHERE seq > 6;");
  EXPECT_FALSE(check().ok);
}

TEST_F(Audit, ReorderedRowsAreFound) {
  drop_triggers();
  sql("UPDATE audit_log SET seq = 100 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = 7; "
      "UPDATE audit_log SET seq = 7 WHERE seq = 100;");
  AuditCheck c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 6);
}

TEST_F(Audit, ACutOffEndIsFound) {
  drop_triggers();
  sql("DELETE FROM audit_log WHERE seq = 8");
  AuditCheck c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.problem.find("end"), std::string::npos) << c.problem;
  // Setting the head mark to the previous row's needs the key: a plain copy of the row's MAC fails.
  sql("UPDATE sitmap_meta SET value = '7:' || (SELECT mac FROM audit_log WHERE seq = 7) WHERE key = 'audit_head'");
  EXPECT_FALSE(check().ok);
}

TEST_F(Audit, ACutIsNotPaperedOverByTheNextRow) {
  drop_triggers();
  sql("DELETE FROM audit_log WHERE seq >= 7");
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  sign_in(*store_, "duty", kPassword);  // appends after the mark, not after the row now last
  AuditCheck c = check();
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_bad_seq, 9);
  // An edited mark: the next row chains to nothing and stays flagged.
  sql("UPDATE sitmap_meta SET value = 'x' WHERE key = 'audit_head'");
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  sign_in(*store_, "duty", kPassword);
  EXPECT_FALSE(check().ok);
}

TEST_F(Audit, RowsForgedWithoutTheKeyAreFound) {
  drop_triggers();
  // A forger copies a row's shape and MAC field; without the key the MAC cannot match the new content.
  sql("UPDATE audit_log SET user = 'root', mac = (SELECT mac FROM audit_log WHERE seq = 5) WHERE seq = 6");
  EXPECT_FALSE(check().ok);
}

TEST_F(Audit, WithoutItsKeyTheLogIsNeitherExtendedNorVerified) {
  ::setenv("SITMAP_KEY_DIR", (dir_ / "elsewhere").c_str(), 1);
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  try {
    audit_key(*store_);
    FAIL() << "a key was made for a log that has rows";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Denied);
  }
  EXPECT_THROW(sign_in(*store_, "duty", kPassword), Error);  // a sign-in that cannot be recorded
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 8);
}

TEST_F(Audit, AnAdminsSignInBringsTheKeyToAnotherWorkstation) {
  const fs::path here = dir_ / "keys", there = dir_ / "elsewhere";
  ::setenv("SITMAP_KEY_DIR", there.c_str(), 1);
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  EXPECT_THROW(sign_in(*store_, "duty", kPassword), Error);
  EXPECT_THROW(sign_in(*store_, "root", "not root's password"), Error);
  EXPECT_FALSE(fs::exists(there)) << "a wrong password opened the key";
  EXPECT_EQ(sign_in(*store_, "root", kPassword).role, Role::Admin);
  EXPECT_EQ(bytes(there), bytes(here));  // the same key, not a new one
  EXPECT_TRUE(verify_audit(*store_, audit_key(*store_)).ok);
  EXPECT_EQ(sign_in(*store_, "duty", kPassword).role, Role::Duty);
}

TEST_F(Audit, ADisabledAdminsOrATamperedCopyOpensNothing) {
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  Principal root{"root", Role::Admin, false};
  add_user(*store_, root, {"root2", Role::Admin, kPassword, false});
  disable_user(*store_, root, "root2");
  store_.reset();
  // One hex digit of root's copy changed: the AEAD tag no longer holds.
  sql("UPDATE sitmap_meta SET value = substr(value, 1, 99) || (CASE substr(value, 100, 1) WHEN 'a' THEN 'b' "
      "ELSE 'a' END) || substr(value, 101) WHERE key = 'wrapped_audit_key:root'");
  ::setenv("SITMAP_KEY_DIR", (dir_ / "elsewhere").c_str(), 1);
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  EXPECT_THROW(sign_in(*store_, "root", kPassword), Error);
  EXPECT_FALSE(restore_audit_key(*store_, "root2", kPassword));
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere"));
}

TEST_F(Audit, TheKeyIsNowhereInTheDatabaseInClear) {
  std::string key = bytes(dir_ / "keys");
  ASSERT_EQ(key.size(), 32u);
  std::string hex;
  for (unsigned char c : key) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
  for (const char* suffix : {"", "-wal"}) {
    std::string db = bytes(fs::path(file_.string() + suffix));
    EXPECT_EQ(db.find(key), std::string::npos) << suffix;
    EXPECT_EQ(db.find(hex), std::string::npos) << suffix;
  }
}

TEST_F(Audit, OnlyAdminsReadOrVerify) {
  store_ = store::open_spatialite(file_, store::OpenMode::ReadWrite);
  EXPECT_THROW(read_audit(*store_, Principal{"duty", Role::Duty, true}), Error);
  EXPECT_THROW(verify_audit(*store_, Principal{"lead", Role::Leader, false}), Error);
  EXPECT_EQ(read_audit(*store_, Principal{"root", Role::Admin, false}).size(), 8u);
  EXPECT_TRUE(verify_audit(*store_, Principal{"root", Role::Admin, false}).ok);
}

}  // namespace
