#include "credentials.hpp"

#include <termios.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sitmap/core/error.hpp"

namespace sitmap::app {

namespace {

std::string prompt_once(std::FILE* tty, const std::string& prompt) {
  std::fprintf(tty, "%s", prompt.c_str());
  std::fflush(tty);
  termios saved{};
  bool quiet = tcgetattr(fileno(tty), &saved) == 0;
  if (quiet) {
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fileno(tty), TCSAFLUSH, &silent);
  }
  char line[1024] = {};
  bool got = std::fgets(line, sizeof line, tty) != nullptr;
  if (quiet) tcsetattr(fileno(tty), TCSAFLUSH, &saved);
  std::fprintf(tty, "\n");
  if (!got) throw Error(ErrorKind::BadInput, "no password given");
  std::string out(line);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  std::memset(line, 0, sizeof line);
  return out;
}

}  // namespace

std::string read_password(const char* variable, const std::string& prompt, bool confirm) {
  if (const char* value = std::getenv(variable)) return value;
  std::FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) throw Error(ErrorKind::BadInput, std::string("no password: set ") + variable + " or run from a terminal");
  try {
    std::string first = prompt_once(tty, prompt);
    if (confirm && prompt_once(tty, "again / 再次输入: ") != first)
      throw Error(ErrorKind::BadInput, "the two passwords differ");
    std::fclose(tty);
    return first;
  } catch (...) {
    std::fclose(tty);
    throw;
  }
}

void sign_in_if_asked(services::Workspace& workspace, const std::string& user) {
  if (user.empty()) return;
  workspace.sign_in(user, read_password("SITMAP_PASSWORD", "password of " + user + " / 密码: "));
}

}  // namespace sitmap::app
