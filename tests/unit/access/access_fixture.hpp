// A workspace in a temporary folder with its own audit key folder, and raw SQL on the file beside the
// store, as an attacker who copied it would have.
#pragma once
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sitmap/access/users.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::access::test {

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sitmap_access_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::setenv("SITMAP_KEY_DIR", (dir_ / "keys").c_str(), 1);
    file_ = dir_ / "ws.sqlite";
    store_ = store::open_spatialite(file_, store::OpenMode::Create);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Runs SQL through a second connection, as anyone holding the file can.
  void sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
    std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }
  int64_t count(const std::string& query) {
    sqlite3* db = nullptr;
    sqlite3_open(file_.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, query.c_str(), -1, &s, nullptr);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  // An admin "root" (the first user) and one user per other role, all with kPassword.
  void add_staff() {
    add_user(*store_, {}, {"root", Role::Admin, kPassword, false});
    Principal root{"root", Role::Admin, false};
    add_user(*store_, root, {"lead", Role::Leader, kPassword, false});
    add_user(*store_, root, {"ana", Role::Analyst, kPassword, false});
    add_user(*store_, root, {"vetted", Role::Analyst, kPassword, true});
    add_user(*store_, root, {"duty", Role::Duty, kPassword, true});
  }

  static constexpr const char* kPassword = "correct horse 42";
  std::filesystem::path dir_, file_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace sitmap::access::test
