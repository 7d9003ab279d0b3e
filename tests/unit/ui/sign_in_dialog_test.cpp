// The window's sign-in: a wrong password is refused in Chinese without saying what was wrong, the typed
// password is wiped either way, and the right one gives the user's role.
#include "sitmap/ui/sign_in_dialog.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "sitmap/services/users.hpp"

using namespace sitmap;
namespace fs = std::filesystem;

namespace {

class SignIn : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sitmap_ui_sign_in_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv("SITMAP_KEY_DIR", (dir_ / "keys").c_str(), 1);
    auto ws = services::Workspace::open(dir_ / "ws.sqlite", store::OpenMode::Create);
    services::add_demo_users(*ws, "demo password");
    dialog_.open(dir_ / "ws.sqlite");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::optional<ui::SignedIn> attempt(const std::string& user, const char* password) {
    dialog_.user = user;
    std::strncpy(dialog_.password.data(), password, dialog_.password.size() - 1);
    auto who = dialog_.submit();
    EXPECT_TRUE(std::all_of(dialog_.password.begin(), dialog_.password.end(), [](char c) { return c == 0; }));
    return who;
  }
  fs::path dir_;
  ui::SignInDialog dialog_;
};

TEST_F(SignIn, AWrongPasswordIsRefusedInChineseAndAudited) {
  EXPECT_FALSE(attempt("duty", "demo passwort"));
  std::string refused = dialog_.message();
  EXPECT_EQ(refused.rfind("登录失败", 0), 0u) << refused;
  EXPECT_FALSE(attempt("nobody", "demo password"));
  EXPECT_EQ(dialog_.message(), refused);
  auto store = store::open_spatialite(dir_ / "ws.sqlite", store::OpenMode::ReadOnly);
  EXPECT_EQ(store->last_audit()->outcome, "unknown user");
}

TEST_F(SignIn, TheRightPasswordGivesTheRole) {
  auto who = attempt("duty", "demo password");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->principal.role, access::Role::Duty);
  EXPECT_TRUE(dialog_.message().empty());
  // The duty officer holds a copy of the data key (reporters of cases are sealed under it); a leader holds none.
  EXPECT_TRUE(who->key);
  auto leader = attempt("leader", "demo password");
  ASSERT_TRUE(leader);
  EXPECT_FALSE(leader->key);
}

}  // namespace
