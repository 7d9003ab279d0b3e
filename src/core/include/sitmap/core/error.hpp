// One exception type for every module; app turns it into one line (CLI) or a message (window).
#pragma once
#include <stdexcept>
#include <string>

namespace sitmap {

enum class ErrorKind {
  NotFound,       // a file, layer or field that is not there
  BadInput,       // a file or argument that cannot be used as given
  NotSitmap,      // a file that is not a sitmap database
  NewerSchema,    // a database written by a newer sitmap
  Locked,         // another process holds the database
  ReadOnly,       // cannot write where a write was asked for
  Denied,         // access control refused
  Cancelled,      // the user cancelled a long operation
  Internal,       // a library call failed unexpectedly
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace sitmap
