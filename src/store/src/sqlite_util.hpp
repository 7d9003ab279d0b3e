// Thin RAII over the SQLite C API, private to the SpatiaLite store.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/error.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::store::detail {

// Maps a SQLite result code to the store's error kinds; `what` says what was being done, `file` names the database.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, const std::string& what, const std::string& file);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql, const std::string& file);
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), file_(std::move(o.file_)) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    std::swap(file_, o.file_);
    return *this;
  }

  Statement& bind(int i, const Value& v);
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  Statement& bind_blob(int i, std::span<const uint8_t> blob);
  bool step();  // true while a row is available
  void run() {
    while (step()) {}
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int columns() const { return sqlite3_column_count(stmt_); }
  int type(int c) const { return sqlite3_column_type(stmt_, c); }  // SQLITE_INTEGER, SQLITE_TEXT, ...
  bool is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  int64_t integer(int c) const { return sqlite3_column_int64(stmt_, c); }
  double real(int c) const { return sqlite3_column_double(stmt_, c); }
  std::string text(int c) const {
    auto* p = sqlite3_column_text(stmt_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, c)) : std::string();
  }
  std::string_view text_view(int c) const {  // valid until the next step
    auto* p = sqlite3_column_text(stmt_, c);
    return p ? std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, c)) : std::string_view();
  }
  std::span<const uint8_t> blob(int c) const {
    auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, c));
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, c))};
  }
  Value value(int c) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string file_;
};

// Reads the blob in `column` of row `rowid` of `table` straight into the bytes `into(size)` returns for its
// size (at least that many): a multi-megabyte array lands in its final vector without a copy in between.
void read_blob(sqlite3* db, const char* table, const char* column, int64_t rowid,
               const std::function<std::span<uint8_t>(size_t size)>& into, const std::string& file);

// Holds a connection's mutex (connections are opened FULLMUTEX, so it is recursive): statements run
// meanwhile are this thread's alone.
class ConnectionLock {
 public:
  explicit ConnectionLock(sqlite3* db) : mutex_(sqlite3_db_mutex(db)) { sqlite3_mutex_enter(mutex_); }
  ~ConnectionLock() { sqlite3_mutex_leave(mutex_); }
  ConnectionLock(const ConnectionLock&) = delete;
  ConnectionLock& operator=(const ConnectionLock&) = delete;

 private:
  sqlite3_mutex* mutex_;
};

// Double-quoted SQL identifier.
std::string quote_ident(std::string_view name);

}  // namespace sitmap::store::detail
