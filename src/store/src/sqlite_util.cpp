#include "sqlite_util.hpp"

#include <memory>

namespace sitmap::store::detail {

void throw_sqlite(sqlite3* db, int rc, const std::string& what, const std::string& file) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  ErrorKind kind = ErrorKind::Internal;
  std::string lead = file + ": " + what + ": ";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    kind = ErrorKind::Locked;
    lead = file + ": database is locked by another process (" + what + "): ";
  } else if (primary == SQLITE_READONLY || primary == SQLITE_PERM) {
    kind = ErrorKind::ReadOnly;
    lead = file + ": cannot write, the database is read-only (" + what + "): ";
  } else if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
    kind = ErrorKind::NotSitmap;
    lead = file + ": not a sitmap database (" + what + "): ";
  } else if (primary == SQLITE_FULL) {
    kind = ErrorKind::BadInput;
    lead = file + ": disk full (" + what + "): ";
  } else if (primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_ERROR) {
    kind = ErrorKind::BadInput;
  } else if (primary == SQLITE_CANTOPEN) {
    kind = ErrorKind::NotFound;
    lead = file + ": cannot open (" + what + "): ";
  }
  throw Error(kind, lead + msg);
}

Statement::Statement(sqlite3* db, std::string_view sql, const std::string& file) : db_(db), file_(file) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "preparing a query", file);
}

Statement& Statement::bind(int i, const Value& v) {
  struct Visitor {
    Statement& s;
    int i;
    void operator()(std::monostate) { s.bind_null(i); }
    void operator()(int64_t x) { s.bind(i, x); }
    void operator()(double x) { s.bind(i, x); }
    void operator()(const std::string& x) { s.bind(i, std::string_view(x)); }
  };
  std::visit(Visitor{*this, i}, v);
  return *this;
}
Statement& Statement::bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::bind_blob(int i, std::span<const uint8_t> blob) {
  if (blob.empty())  // a null pointer would bind NULL, not an empty blob
    sqlite3_bind_zeroblob(stmt_, i, 0);
  else
    sqlite3_bind_blob64(stmt_, i, blob.data(), blob.size(), SQLITE_TRANSIENT);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  throw_sqlite(db_, rc, "executing a query", file_);
}

Value Statement::value(int c) const {
  switch (sqlite3_column_type(stmt_, c)) {
    case SQLITE_INTEGER: return integer(c);
    case SQLITE_FLOAT: return real(c);
    case SQLITE_NULL: return std::monostate{};
    default: return text(c);
  }
}

void read_blob(sqlite3* db, const char* table, const char* column, int64_t rowid,
               const std::function<std::span<uint8_t>(size_t size)>& into, const std::string& file) {
  sqlite3_blob* opened = nullptr;
  int rc = sqlite3_blob_open(db, "main", table, column, rowid, 0, &opened);
  std::unique_ptr<sqlite3_blob, int (*)(sqlite3_blob*)> blob(opened, sqlite3_blob_close);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, std::string("reading ") + table, file);
  auto size = static_cast<size_t>(sqlite3_blob_bytes(blob.get()));
  std::span<uint8_t> to = into(size);
  rc = size ? sqlite3_blob_read(blob.get(), to.data(), static_cast<int>(size), 0) : SQLITE_OK;
  if (rc != SQLITE_OK) throw_sqlite(db, rc, std::string("reading ") + table, file);
}

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace sitmap::store::detail
