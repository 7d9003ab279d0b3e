// Passwords for the command line: from an environment variable (scripts) or a prompt on the terminal
// without echo. Never from an option, where they would sit in the shell history and `ps`.
#pragma once
#include <string>

#include "sitmap/services/workspace.hpp"

namespace sitmap::app {

// $variable when set, else asked on /dev/tty (twice when `confirm`); Error(BadInput) without either.
std::string read_password(const char* variable, const std::string& prompt, bool confirm = false);

// When `user` is not empty: signs it in on the workspace with the password of SITMAP_PASSWORD or a prompt.
void sign_in_if_asked(services::Workspace& workspace, const std::string& user);

}  // namespace sitmap::app
