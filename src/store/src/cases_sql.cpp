#include "cases_sql.hpp"

#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sqlite_util.hpp"

namespace sitmap::store::detail {

// Cases and their events are append-only: the triggers refuse an update or delete, so that a case's file
// (its events) is what happened. Deadlines are settings: legal limits per category, in days.
const char* const kCasesMigration = R"sql(
  CREATE TABLE cases (
    id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '');
  CREATE UNIQUE INDEX cases_origin ON cases (origin) WHERE origin <> '';
  CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases (id), at TEXT NOT NULL,
    user TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}', note TEXT NOT NULL DEFAULT '');
  CREATE INDEX case_events_case ON case_events (case_id, seq);
  CREATE TRIGGER cases_no_update BEFORE UPDATE ON cases BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
  CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases BEGIN SELECT RAISE(ABORT, 'cases are append-only'); END;
  CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
    BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
  CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
    BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
  CREATE TABLE case_reporters (case_id INTEGER PRIMARY KEY REFERENCES cases (id), sealed BLOB NOT NULL);
  CREATE TABLE case_attachments (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, media_type TEXT NOT NULL,
                                 bytes BLOB NOT NULL);
  CREATE TABLE case_deadlines (category TEXT PRIMARY KEY, days INTEGER NOT NULL CHECK (days > 0));
  INSERT INTO case_deadlines (category, days) VALUES
    ('信访', 60), ('矛盾纠纷', 30), ('群租', 30), ('消防隐患', 15), ('治安', 15), ('法律咨询', 7), ('其他', 15);
)sql";

namespace {
Statement prepare(const SqlDb& db, std::string_view sql) { return Statement(db.handle, sql, db.file); }
}  // namespace

CaseRecord insert_case(const SqlDb& db, const CaseRecord& record) {
  if (record.received_at.size() < 4)
    throw Error(ErrorKind::BadInput, "case: received_at '" + record.received_at + "' is not a date");
  CaseRecord out = record;
  std::string year = record.received_at.substr(0, 4);
  if (!record.origin.empty()) {
    auto taken = prepare(db, "SELECT number FROM cases WHERE origin = ?");
    taken.bind(1, std::string_view(record.origin));
    if (taken.step())
      throw Error(ErrorKind::BadInput, "case from " + record.origin + " exists already: " + taken.text(0));
  }
  auto last = prepare(db, "SELECT max(CAST(substr(number, 6) AS INTEGER)) FROM cases WHERE number LIKE ? || '-%'");
  last.bind(1, std::string_view(year));
  int64_t serial = last.step() && !last.is_null(0) ? last.integer(0) + 1 : 1;
  char number[32];
  std::snprintf(number, sizeof number, "%s-%06lld", year.c_str(), static_cast<long long>(serial));
  out.number = number;
  auto s = prepare(db, "INSERT INTO cases (number, received_at, origin) VALUES (?, ?, ?)");
  s.bind(1, std::string_view(out.number)).bind(2, std::string_view(out.received_at));
  s.bind(3, std::string_view(out.origin));
  s.run();
  out.id = sqlite3_last_insert_rowid(db.handle);
  return out;
}

int64_t append_case_event(const SqlDb& db, const CaseEvent& e) {
  auto exists = prepare(db, "SELECT 1 FROM cases WHERE id = ?");
  exists.bind(1, e.case_id);
  if (!exists.step()) throw Error(ErrorKind::NotFound, db.file + ": no case with id " + std::to_string(e.case_id));
  auto s = prepare(db, "INSERT INTO case_events (case_id, at, user, kind, data, note) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, e.case_id).bind(2, std::string_view(e.at)).bind(3, std::string_view(e.user));
  s.bind(4, std::string_view(e.kind)).bind(5, std::string_view(e.data.empty() ? "{}" : e.data));
  s.bind(6, std::string_view(e.note));
  s.run();
  return sqlite3_last_insert_rowid(db.handle);
}

void put_case_reporter(const SqlDb& db, const CaseReporter& r) {
  auto s = prepare(db, "INSERT OR REPLACE INTO case_reporters (case_id, sealed) VALUES (?, ?)");
  s.bind(1, r.case_id).bind_blob(2, r.sealed);
  s.run();
}

void put_attachment(const SqlDb& db, const Attachment& a) {
  auto s = prepare(db, "INSERT OR IGNORE INTO case_attachments (sha256, name, media_type, bytes) VALUES (?, ?, ?, ?)");
  s.bind(1, std::string_view(a.sha256)).bind(2, std::string_view(a.name)).bind(3, std::string_view(a.media_type));
  s.bind_blob(4, a.bytes);
  s.run();
}

void set_case_deadline_days(const SqlDb& db, std::string_view category, int64_t days) {
  if (days <= 0)
    throw Error(ErrorKind::BadInput, "deadline of " + std::string(category) + ": " + std::to_string(days) +
                                         " days; it must be at least 1");
  auto s = prepare(db, "INSERT OR REPLACE INTO case_deadlines (category, days) VALUES (?, ?)");
  s.bind(1, category).bind(2, days);
  s.run();
}

std::vector<CaseRecord> cases(const SqlDb& db) {
  std::vector<CaseRecord> out;
  auto s = prepare(db, "SELECT id, number, received_at, origin FROM cases ORDER BY id");
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

std::vector<CaseEvent> case_events(const SqlDb& db, std::optional<int64_t> case_id) {
  std::vector<CaseEvent> out;
  auto s = prepare(db, case_id ? "SELECT seq, case_id, at, user, kind, data, note FROM case_events WHERE case_id = ? "
                                 "ORDER BY seq"
                               : "SELECT seq, case_id, at, user, kind, data, note FROM case_events ORDER BY seq");
  if (case_id) s.bind(1, *case_id);
  while (s.step()) out.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
  return out;
}

std::optional<CaseReporter> case_reporter(const SqlDb& db, int64_t case_id) {
  auto s = prepare(db, "SELECT case_id, sealed FROM case_reporters WHERE case_id = ?");
  s.bind(1, case_id);
  if (!s.step()) return std::nullopt;
  auto b = s.blob(1);
  return CaseReporter{s.integer(0), std::vector<uint8_t>(b.begin(), b.end())};
}

std::optional<Attachment> attachment(const SqlDb& db, std::string_view sha256) {
  auto s = prepare(db, "SELECT sha256, name, media_type, bytes FROM case_attachments WHERE sha256 = ?");
  s.bind(1, sha256);
  if (!s.step()) return std::nullopt;
  auto b = s.blob(3);
  return Attachment{s.text(0), s.text(1), s.text(2), std::vector<uint8_t>(b.begin(), b.end())};
}

std::vector<std::pair<std::string, int64_t>> case_deadline_days(const SqlDb& db) {
  std::vector<std::pair<std::string, int64_t>> out;
  auto s = prepare(db, "SELECT category, days FROM case_deadlines ORDER BY category");
  while (s.step()) out.emplace_back(s.text(0), s.integer(1));
  return out;
}

}  // namespace sitmap::store::detail
