// Sign-in: Argon2id hashes, one refusal for every wrong case, lockout, disabled users, audited failures,
// and user names that try SQL.
#include "sitmap/access/users.hpp"

#include <gtest/gtest.h>

#include "access_fixture.hpp"
#include "sitmap/access/audit.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::access;

namespace {

class Users : public test::AccessTest {
 protected:
  // The refusal's message, which must be the same whatever was wrong.
  std::string refusal(std::string_view user, std::string_view password) {
    try {
      sign_in(*store_, user, password);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "signed in as " << user;
    return {};
  }
  std::string last_outcome() { return store_->last_audit().value().outcome; }
};

TEST_F(Users, PasswordsAreStoredAsArgon2idHashesOnly) {
  add_staff();
  auto rec = store_->find_user("ana").value();
  EXPECT_EQ(rec.password_hash.rfind("$argon2id$", 0), 0u) << rec.password_hash;
  EXPECT_EQ(rec.password_hash.find(kPassword), std::string::npos);
  EXPECT_NE(store_->find_user("lead")->password_hash, rec.password_hash);  // salted
}

TEST_F(Users, TheRightPasswordGivesTheRoleAndClearance) {
  add_staff();
  Principal p = sign_in(*store_, "vetted", kPassword);
  EXPECT_EQ(p.user, "vetted");
  EXPECT_EQ(p.role, Role::Analyst);
  EXPECT_TRUE(p.cleared);
  EXPECT_EQ(store_->last_audit()->action, "sign-in");
  EXPECT_EQ(last_outcome(), "ok");
}

TEST_F(Users, EveryWrongCaseIsRefusedAlikeAndAudited) {
  add_staff();
  Principal root{"root", Role::Admin, false};
  disable_user(*store_, root, "lead");
  std::string wrong = refusal("ana", "correct horse 43");
  EXPECT_EQ(last_outcome(), "wrong password");
  EXPECT_EQ(refusal("nobody", kPassword), wrong);
  EXPECT_EQ(last_outcome(), "unknown user");
  EXPECT_EQ(refusal("lead", kPassword), wrong);  // disabled, right password
  EXPECT_EQ(last_outcome(), "disabled");
  EXPECT_EQ(refusal("ana", ""), wrong);
  EXPECT_EQ(wrong.find("ana"), std::string::npos) << wrong;  // nothing a guesser could use
  EXPECT_EQ(store_->find_user("ana")->failures, 2);
}

TEST_F(Users, RepeatedFailuresLockTheAccountUntilAnAdminResetsIt) {
  add_staff();
  for (int i = 0; i < kMaxFailures; ++i) refusal("ana", "guess " + std::to_string(i) + "xxxx");
  EXPECT_EQ(last_outcome(), "wrong password, locked");
  refusal("ana", kPassword);  // the right password no longer opens it
  EXPECT_EQ(last_outcome(), "locked");
  Principal root{"root", Role::Admin, false};
  EXPECT_TRUE(list_users(*store_, root)[0].locked);  // ana, first by name
  set_password(*store_, root, "ana", "a new password");
  EXPECT_EQ(sign_in(*store_, "ana", "a new password").user, "ana");
  refusal("ana", kPassword);
}

TEST_F(Users, OnlyAdminsManageUsersAndTheFirstUserIsAnAdmin) {
  EXPECT_THROW(add_user(*store_, {}, {"ana", Role::Analyst, kPassword, false}), Error);
  add_staff();
  Principal lead{"lead", Role::Leader, false};
  for (auto attempt : {+[](store::Store& s, const Principal& p) { add_user(s, p, {"x", Role::Admin, kPassword, false}); },
                       +[](store::Store& s, const Principal& p) { set_password(s, p, "ana", "0123456789"); },
                       +[](store::Store& s, const Principal& p) { disable_user(s, p, "ana"); },
                       +[](store::Store& s, const Principal& p) { list_users(s, p); }}) {
    try {
      attempt(*store_, lead);
      ADD_FAILURE() << "a leader managed users";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied);
    }
  }
  set_password(*store_, lead, "lead", "my own new one");  // one's own password
  EXPECT_EQ(sign_in(*store_, "lead", "my own new one").role, Role::Leader);
  // The last admin cannot be disabled: nobody could manage users afterwards.
  EXPECT_THROW(disable_user(*store_, Principal{"root", Role::Admin, false}, "root"), Error);
  EXPECT_THROW(add_user(*store_, Principal{"root", Role::Admin, false}, {"short", Role::Leader, "1234567", false}),
               Error);
}

TEST_F(Users, SqlInUserNamesIsRefusedAndChangesNothing) {
  add_staff();
  const char* attacks[] = {"x' OR '1'='1", "root'--", "a\"; DROP TABLE users; --", "root' OR 1=1; --", ""};
  for (const char* name : attacks) {
    refusal(name, kPassword);
    refusal(name, "x' OR '1'='1");
    try {
      add_user(*store_, Principal{"root", Role::Admin, false}, {name, Role::Admin, kPassword, false});
      ADD_FAILURE() << "added " << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM users"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE failures > 0"), 0);
  EXPECT_TRUE(verify_audit(*store_, audit_key(*store_)).ok);
  EXPECT_TRUE(valid_user_name("王小明"));
}

}  // namespace
