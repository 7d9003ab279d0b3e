// The sign-in dialog (登录): a user name and a password, checked by services::sign_in on a writable handle
// of the workspace (the attempt is audited there). The password is typed masked and wiped after each try.
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "sitmap/access/policy.hpp"
#include "sitmap/access/sealed.hpp"

namespace sitmap::ui {

// Who signed in, and the workspace's data key when they hold a copy (duty, cleared analysts, admins): the
// window then reads sealed rows as they may (a case's reporter, a cleared user's persons) in memory only.
struct SignedIn {
  access::Principal principal;
  std::shared_ptr<const access::DataKey> key;
};

class SignInDialog {
 public:
  void open(const std::filesystem::path& database);
  bool is_open() const { return open_; }
  // Draws the form while open; returns who signed in on the frame a sign-in succeeds (and closes).
  std::optional<SignedIn> draw(float scale);
  // What 登录 does: who signed in, or nullopt with message() saying why in Chinese (never which part was wrong).
  std::optional<SignedIn> submit();
  static const char* glyph_text();

  std::string user;
  std::array<char, 256> password{};
  const std::string& message() const { return message_; }

 private:
  bool open_ = false;
  std::filesystem::path database_;
  std::string message_;
};

}  // namespace sitmap::ui
