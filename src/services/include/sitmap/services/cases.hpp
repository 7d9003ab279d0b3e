// Cases from reception to archive (#14: 一口式受理, 分流, 督办, 回访, 一案一档), as the duty officer's window and
// `sitmap case ...` both run them. A case is its events: every action appends one (who, when, what, note) and
// nothing is changed in place; the state below is derived from them each time. Reporters' personal data is
// read only by principals with access::Permission::SeeReporters; every write needs HandleCases.
#pragma once
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/time.hpp"
#include "sitmap/io/table.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

extern const std::vector<std::string> kCaseChannels;    // 来访 来信 来电 网格上报 市网格中心派单
extern const std::vector<std::string> kCaseCategories;  // 矛盾纠纷 群租 消防隐患 治安 信访 法律咨询 其他
extern const std::vector<std::string> kCaseRooms;       // 信访接待 司法调解 综合接待
extern const std::vector<std::string> kCaseStatuses;    // 受理 分流 办理中 办结 回访 归档, in order

struct CaseReporter {
  std::string name, phone;
};

// A case as its events leave it.
struct Case {
  int64_t id = 0;
  std::string number, origin;  // origin: "city:<order id>", "group_rentals:<id>", "fire_hazards:<id>" or ""
  std::string channel, category, description, address;
  double lon = NAN, lat = NAN;
  int64_t block_no = 0;        // 0: outside every block
  std::string room, department;
  std::string received_at, deadline, status;  // ISO local times
  std::string result, visit;   // what 办结 and 回访 recorded
  std::string routed_at, closed_at, visited_at, archived_at, updated_at;  // the last of each
  int64_t supervisions = 0, returns = 0;  // 督办 and 退回 events
  bool has_reporter = false;
  std::optional<CaseReporter> reporter;   // only for a principal who may see reporters

  bool open() const { return status == "受理" || status == "分流" || status == "办理中"; }
  bool overdue(int64_t now) const;  // open and past its deadline
};

// The centre's clock: local time as seconds (the store's clock, see core/time.hpp).
int64_t local_now();

// Reception (受理). The address is geocoded against the door plates (geocode()); with `location` instead (a map
// click), the nearest door plate names it. The block comes from the location (analysis::locate_blocks, the
// rule of every count per block). Throws Error(BadInput) naming the field for an unknown channel, category or
// room, Error(Denied) without HandleCases.
struct NewCase {
  std::string channel, category, address, description, room, department, note;
  std::optional<XY> location;  // lon, lat
  std::string received_at;  // default: now
  std::string deadline;     // default: received_at + the category's days (case_deadline_days)
  std::optional<CaseReporter> reporter;
  std::string origin;
};
struct AddedCase {
  Case added;
  std::vector<Case> duplicates;  // same address and category received within the 30 days before
};
AddedCase add_case(Workspace& workspace, const NewCase& request);
// Many at once, in one transaction (an exchange file, the demo): all or none.
std::vector<AddedCase> add_cases(Workspace& workspace, std::span<const NewCase> requests);

// One event on a case. kind: 分流 (needs a department), 办理中, 办结 (result), 回访 (visit outcome in result),
// 归档, 退回, 督办, 修改 (fields only). Fields left empty stay as they were. Throws Error(BadInput) naming the
// case and the transition when the flow does not allow it (受理 → 分流 → 办理中 → 办结 → 回访 → 归档; 退回 sends
// 分流/办理中 back to 受理 and 办结/回访 back to 办理中; 督办 on open cases; nothing after 归档).
struct CaseChange {
  std::string ref;  // number (2026-000123) or id
  std::string kind;
  std::string department, room, deadline, description, result, note;
  std::string at;   // default: now
};
Case change_case(Workspace& workspace, const CaseChange& change);
// In order, in one transaction: all or none.
std::vector<Case> change_cases(Workspace& workspace, std::span<const CaseChange> changes);

// Error(NotFound) naming the reference.
Case find_case(const Workspace& workspace, std::string_view ref);

struct CaseFilter {
  std::string status, category, department;  // empty: any
  std::optional<int64_t> block_no;
  bool overdue = false;         // only open cases past their deadline at `now`
  int64_t now = 0;              // 0: local_now()
  TimeRange received;           // by received_at
};
std::vector<Case> list_cases(const Workspace& workspace, const CaseFilter& filter = {});

struct CaseFile {
  Case file;
  std::vector<store::CaseEvent> events;  // in order; reporters never appear in them
};
CaseFile case_file(const Workspace& workspace, std::string_view ref);

// Appends an automatic 督办 to every open case past its deadline at `now` that has none for that deadline yet,
// so running it again changes nothing. Returns the cases supervised now. Needs HandleCases.
std::vector<Case> supervise(Workspace& workspace, int64_t now);

// Same address and category received within 30 days before `at` (the reception form's warning).
std::vector<Case> duplicates(const Workspace& workspace, std::string_view address, std::string_view category,
                             int64_t at);

// 一案一档: writes the case's file into `folder` (created; must be empty or new) as index.html (its state and every
// event, in Chinese, self-contained) and each attachment beside it under its own name (prefixed with the first 8
// hex digits of its hash when two share a name). The reporter appears only for a principal who may see it.
// Returns the files written.
std::vector<std::filesystem::path> export_case_file(const Workspace& workspace, std::string_view ref,
                                                    const std::filesystem::path& folder);

// Stores the file's bytes under their SHA-256 (libsodium) and appends an 附件 event; returns the hash (hex).
std::string attach(Workspace& workspace, std::string_view ref, const std::filesystem::path& file,
                   std::string_view media_type = "application/octet-stream");
// Error(NotFound) for an unknown hash.
store::Attachment attachment(const Workspace& workspace, std::string_view sha256);
std::string sha256_hex(std::span<const uint8_t> bytes);

// Deadlines per category, in days (the settings table).
std::map<std::string, int64_t> case_deadline_days(const Workspace& workspace);

// Counts of the cases received in `received` (all when unbounded), by current status, for the briefing's KPIs.
struct CaseCounts {
  std::map<std::string, int64_t> by_status;
  int64_t total = 0, open = 0, overdue = 0;
};
CaseCounts case_counts(const Workspace& workspace, const TimeRange& received, std::string_view category = {},
                       int64_t now = 0);

// Open cases per block (index into the blocks layer's snapshot) and per 100 households (NaN unknown).
struct BlockWorkload {
  std::vector<int64_t> open;
  std::vector<double> per_100_households;
};
BlockWorkload block_workload(const Workspace& workspace, std::string_view blocks_layer = "blocks");

// 发现 / 整改中 / 已整改 of a group rental's or fire hazard's case.
std::string rectification_status(const Case& c);

// 工作台账: one row per case received in `received`, with its dates, department, result and follow-up, in
// Chinese column names, for io::write_table (.xlsx or .csv). No reporter in it.
io::Table case_ledger(const Workspace& workspace, const TimeRange& received);

// The exchange with the city grid centre (市网格化综合管理中心): JSON lines with Open311 GeoReport v2 field names
// and the extensions x_grid_block, x_city_order_id and x_status (README, "Exchange with the city"). Times carry
// their offset; the centre's clock is UTC+08:00.
struct ExchangeReport {
  int64_t records = 0, created = 0, unchanged = 0;
  std::vector<std::string> created_numbers;
  std::vector<std::string> conflicts;  // "FILE:LINE: order X (case N): deadline differs (city ..., here ...)"
};
// Orders already imported (by the city's order id) create nothing; one that differs from its case is reported,
// not applied. Any malformed line, unknown category or missing field: Error(BadInput) naming file and line,
// and nothing is written. Needs HandleCases.
ExchangeReport import_exchange(Workspace& workspace, const std::filesystem::path& file);
// The cases with an event at or after `since` (local time), one record per line; returns how many. No reporter.
int64_t export_exchange(const Workspace& workspace, int64_t since, const std::filesystem::path& out);

// The demo's two years of cases up to `now` (`sitmap demo`), written through add_cases and change_cases as the
// window writes them: disputes, rental complaints and burglaries from a share of the incidents, petitions and
// legal questions at random door plates, one case per group rental and fire hazard (their status then follows
// it), some orders from the city; most visited and archived, a few overdue and supervised. Deterministic for a
// seed. `workspace` acts as the duty officer (with the data key for the reporters).
struct DemoCases {
  int64_t cases = 0, events = 0, open = 0, overdue = 0;
};
DemoCases add_demo_cases(Workspace& workspace, uint64_t seed, int64_t now);

// Door plates (the `addresses` layer).
struct DoorPlate {
  int64_t id = 0;
  std::string address;
  double lon = NAN, lat = NAN;
  int64_t block_no = 0;
};
// Full-width digits and letters to ASCII, spaces dropped, 号/弄/室 kept as separators: "思南路８２弄 1号" and
// "思南路 82 弄 1 号" normalise alike.
std::string normalise_address(std::string_view text);
// Best first: exact normalised matches, then by edit distance of the normalised texts. For the type-ahead.
std::vector<DoorPlate> address_candidates(const Workspace& workspace, std::string_view text, size_t limit = 8);
// The door plate the text names: an exact normalised match, else a single close one (the same door plate with
// a typo); otherwise Error(NotFound) listing the closest candidates.
DoorPlate geocode(const Workspace& workspace, std::string_view text);
// The door plate nearest a map click.
DoorPlate nearest_door_plate(const Workspace& workspace, XY lonlat);

}  // namespace sitmap::services
