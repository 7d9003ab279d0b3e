// The sign-in dialog (登录): a user name and a password, checked by services::sign_in on a writable handle
// of the workspace (the attempt is audited there). The password is typed masked and wiped after each try.
#pragma once
#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include "sitmap/access/policy.hpp"

namespace sitmap::ui {

class SignInDialog {
 public:
  void open(const std::filesystem::path& database);
  bool is_open() const { return open_; }
  // Draws the form while open; returns the principal on the frame a sign-in succeeds (and closes).
  std::optional<access::Principal> draw(float scale);
  // What 登录 does: the principal, or nullopt with message() saying why in Chinese (never which part was wrong).
  std::optional<access::Principal> submit();
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
