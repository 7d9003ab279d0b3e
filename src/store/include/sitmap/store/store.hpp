// The Store: one workspace's layers, catalogue and logs. SpatiaLite today (one file per workspace);
// a PostGIS implementation for a district or city deployment implements the same interface.
// Nothing here exposes SQLite: geometries cross the interface as sitmap::Geometry (lon/lat, EPSG:4326).
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/snapshot.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::store {

inline constexpr int kSchemaVersion = 5;

// A read request against one layer. Conditions are ANDed.
struct Query {
  std::optional<BBox> bbox;      // lon/lat; rows whose geometry's bounding box intersects it (spatial index)
  std::string where;             // optional filter over the layer's fields: comparisons (= != < <= > >=),
                                 // AND / OR / NOT, IN (...), BETWEEN, LIKE, IS [NOT] NULL, parentheses,
                                 // number and 'text' literals. Validated; unknown fields are an error.
  int64_t limit = -1;            // -1: no limit
  bool with_geometry = true;
};

// What Store::read_columns reads.
struct ColumnRead {
  Query query;
  // The fields to read as columns; every field when unset. out.info.fields then lists only these, in the
  // layer's order, and the columns are parallel to them. Throws Error(NotFound) for a field the layer lacks.
  std::optional<std::vector<std::string>> fields;
  std::string time_field;  // parsed into seconds when the layer has it, whether or not it is among `fields`
  bool lonlat = true;      // false: lon/lat may be left out (x/y are always filled)
  bool ids = true;         // false: ids may be left out
};

// A row of a sensitive layer as the store keeps it. What leaders may see is in clear (the row's block and
// category, enough for counts); every attribute and the geometry are one value sealed by access
// (access/sealed.hpp) that the store only keeps. Such a layer has no geometry column and no spatial index:
// nothing precise about a person is in any index. Its scan/read_columns/count give the clear fields only
// (the others null, no geometry); a bbox query or a filter over a sealed field is refused (Error Denied).
struct SealedRow {
  int64_t id = 0;        // > 0; bound into the sealed value, so rows cannot be swapped
  std::string block_no;  // the text of its block_no field ("" when none); numbers read back as integers
  std::string category;
  std::vector<uint8_t> sealed;
};
// Seals a sensitive layer's feature (its id set) into the row the store keeps; access::row_sealer makes one
// from the workspace's data key. The import and the demo take one for sensitive layers.
using RowSealer = std::function<SealedRow(const LayerInfo& layer, const Feature& feature)>;

// One row of the import log, written in the same transaction as the import it describes.
struct ImportLogEntry {
  std::string layer, file, format, crs, encoding, mode;
  int64_t file_size = 0, read = 0, written = 0, repaired = 0, skipped = 0;
  double seconds = 0;
};

// A person who signs in (access decides what the role may do and checks the password; the store keeps the row).
struct UserRecord {
  std::string name, role;
  std::string password_hash;  // Argon2id, in libsodium's crypto_pwhash_str form (salt and costs inside)
  bool cleared = false;       // vetted for sensitive rows, where the role allows it
  bool disabled = false;
  int64_t failures = 0;       // consecutive failed sign-ins
  int64_t locked_until = 0;   // unix seconds; no sign-in before then
  std::string created_at;     // set by the store
};

// One row of the audit chain. access computes `mac` over the other fields and the previous row's mac;
// the store only keeps rows in `seq` order and never updates or deletes them.
struct AuditEntry {
  int64_t seq = 0;
  std::string at;       // ISO time, UTC
  std::string user;     // who acted (or tried to)
  std::string action;   // sign-in, export, import, user-add, ...
  std::string object;   // layer, user name, file
  std::string outcome;  // ok, denied, ...
  std::string mac;      // hex
};

// Cases (一案一档, #14): a case row is written once; everything that happens to it is an event appended after it.
// The store keeps both in append order and never updates or deletes them; services derive a case's state from
// its events. Reporters (personal data) are kept apart so that access can decide who reads them.
struct CaseRecord {
  int64_t id = 0;            // set by insert_case
  std::string number;        // "2026-000123": issued by insert_case, serial within the year of received_at
  std::string received_at;   // ISO local time
  std::string origin;        // unique when not empty: "city:<order id>", "group_rentals:<id>", ...
};
struct CaseEvent {
  int64_t seq = 0;           // set by the store, in append order
  int64_t case_id = 0;
  std::string at, user, kind;  // kind: 受理, 分流, 办理中, 办结, 回访, 归档, 退回, 督办, 修改, 附件
  std::string data;          // a JSON object of the fields the event sets (the services' format)
  std::string note;
};
struct CaseReporter {
  int64_t case_id = 0;
  std::vector<uint8_t> sealed;  // name and phone, sealed by access (sealed.hpp); the store never sees them
};
struct Attachment {
  std::string sha256;        // hex, the key
  std::string name, media_type;
  std::vector<uint8_t> bytes;
};

struct StoreInfo {
  std::string location;    // file path (or connection string for a server store)
  std::string backend;     // "SpatiaLite 5.0.1 on SQLite 3.40.1"
  int schema_version = 0;
  int64_t size_bytes = 0;
};

// All writes go through a Writer inside Store::write(): one transaction, all or nothing.
class Writer {
 public:
  virtual ~Writer() = default;
  // Creates the table, its geometry column and spatial index, and the catalogue row. Fails if it exists.
  virtual void create_layer(const LayerInfo& info) = 0;
  virtual void drop_layer(std::string_view name) = 0;
  virtual void clear_layer(std::string_view name) = 0;  // deletes every row, keeps the table
  // Titles, kind, style and source of an existing layer (fields and geometry type are fixed).
  virtual void update_layer_info(const LayerInfo& info) = 0;
  // Appends a feature; values are parallel to the layer's fields. Returns the row id (feature.id when set).
  virtual int64_t insert(std::string_view layer, const Feature& feature) = 0;
  virtual void update(std::string_view layer, const Feature& feature) = 0;  // by feature.id
  virtual void remove(std::string_view layer, int64_t id) = 0;
  // A sensitive layer takes its rows sealed only (insert and update throw Error(Denied) there).
  virtual void insert_sealed(std::string_view layer, const SealedRow& row) = 0;
  virtual int64_t next_id(std::string_view layer) = 0;  // one above the largest id in the layer
  virtual void set_metadata(std::string_view key, std::string_view value) = 0;
  virtual void log_import(const ImportLogEntry& entry) = 0;
  virtual void put_user(const UserRecord& user) = 0;  // inserts or replaces the row of user.name
  virtual void append_audit(const AuditEntry& entry) = 0;  // fails if entry.seq is taken
  // Cases (#14). insert_case fills id and number; origin, when set, must be new (Error BadInput).
  virtual CaseRecord insert_case(const CaseRecord& record) = 0;
  virtual int64_t append_case_event(const CaseEvent& event) = 0;  // returns seq; Error(NotFound) for no such case
  virtual void put_case_reporter(const CaseReporter& reporter) = 0;  // inserts or replaces the case's reporter
  virtual void put_attachment(const Attachment& attachment) = 0;     // kept once per sha256
  virtual void set_case_deadline_days(std::string_view category, int64_t days) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual StoreInfo info() const = 0;
  virtual std::vector<LayerInfo> layers() const = 0;  // in catalogue order (by name)
  virtual std::optional<LayerInfo> find_layer(std::string_view name) const = 0;
  LayerInfo layer(std::string_view name) const;       // throws Error(NotFound) naming the layer

  // Runs fn inside one transaction: commits when it returns, rolls back (leaving the store exactly as it
  // was) when it throws, and rethrows. Layer row counts and extents are refreshed before the commit.
  virtual void write(const std::function<void(Writer&)>& fn) = 0;

  // Calls fn for each matching feature in id order until fn returns false.
  virtual void scan(std::string_view layer, const Query& query, const std::function<bool(Feature&&)>& fn) const = 0;
  virtual int64_t count(std::string_view layer, const Query& query) const = 0;
  // The matching rows (as scan, in id order) column by column, without a Feature per row: fills out.info,
  // ids, columns (typed as Column says), time and time_field, and lon/lat of point layers (NaN without
  // geometry) or the geometries of other layers. Whole-layer reads may come from a precomputed copy, which
  // also fills x/y; otherwise x/y, and lon/lat of non-point layers, are left empty for store::load_snapshot.
  virtual void read_columns(std::string_view layer, const ColumnRead& read, Snapshot& out) const = 0;
  std::vector<Feature> features(std::string_view layer, const Query& query = {}) const;
  // A sensitive layer's rows as kept, in id order, until fn returns false (access opens them).
  virtual void scan_sealed(std::string_view layer, const std::function<bool(SealedRow&&)>& fn) const = 0;

  virtual std::optional<std::string> metadata(std::string_view key) const = 0;
  virtual std::vector<ImportLogEntry> import_log() const = 0;
  virtual std::optional<UserRecord> find_user(std::string_view name) const = 0;
  virtual std::vector<UserRecord> users() const = 0;  // by name
  virtual std::vector<AuditEntry> audit_log() const = 0;  // by seq
  virtual std::optional<AuditEntry> last_audit() const = 0;
  virtual std::vector<CaseRecord> cases() const = 0;  // by id
  virtual std::vector<CaseEvent> case_events(std::optional<int64_t> case_id = std::nullopt) const = 0;  // by seq
  virtual std::optional<CaseReporter> case_reporter(int64_t case_id) const = 0;
  virtual std::optional<Attachment> attachment(std::string_view sha256) const = 0;
  virtual std::vector<std::pair<std::string, int64_t>> case_deadline_days() const = 0;  // category, days

  // How the backend will execute a query (SQLite's EXPLAIN QUERY PLAN, PostGIS's EXPLAIN), for tests.
  virtual std::string query_plan(std::string_view layer, const Query& query) const = 0;
  // A digest of the catalogue and every layer's rows (not of file bytes): equal contents, equal hash.
  virtual std::string content_hash() const = 0;
  // Changes whenever another handle (another process or connection) commits to the workspace: SQLite's
  // PRAGMA data_version, one read of a counter; cheap enough for the window to poll every few seconds.
  virtual int64_t data_version() const = 0;
};

enum class OpenMode { ReadOnly, ReadWrite, Create };

// Opens (or with Create, creates or opens) a SpatiaLite workspace file, applying pending migrations
// when writable. Throws Error with kinds NotFound, NotSitmap, NewerSchema, Locked, ReadOnly.
std::unique_ptr<Store> open_spatialite(const std::filesystem::path& file, OpenMode mode);
// Same, stopping migrations at `version` (tests of the migration path use it).
std::unique_ptr<Store> create_spatialite_at_version(const std::filesystem::path& file, int version);

}  // namespace sitmap::store
