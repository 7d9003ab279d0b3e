// The SQL of cases (#14) for the SpatiaLite store: tables, append-only triggers and the reads and writes the
// Store interface names. Kept apart from spatialite_store.cpp, which delegates to these.
#pragma once
#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sitmap/store/store.hpp"

namespace sitmap::store::detail {

// The migration that adds the case tables (schema 4 -> 5).
extern const char* const kCasesMigration;

struct SqlDb {
  sqlite3* handle;
  std::string file;
};

CaseRecord insert_case(const SqlDb& db, const CaseRecord& record);
int64_t append_case_event(const SqlDb& db, const CaseEvent& event);
void put_case_reporter(const SqlDb& db, const CaseReporter& reporter);
void put_attachment(const SqlDb& db, const Attachment& attachment);
void set_case_deadline_days(const SqlDb& db, std::string_view category, int64_t days);

std::vector<CaseRecord> cases(const SqlDb& db);
std::vector<CaseEvent> case_events(const SqlDb& db, std::optional<int64_t> case_id);
std::optional<CaseReporter> case_reporter(const SqlDb& db, int64_t case_id);
std::optional<Attachment> attachment(const SqlDb& db, std::string_view sha256);
std::vector<std::pair<std::string, int64_t>> case_deadline_days(const SqlDb& db);

}  // namespace sitmap::store::detail
