// The SpatiaLite implementation of Store: one SQLite file per workspace, mod_spatialite loaded as an
// extension, WAL journal, every write one transaction.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/core/wkb.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/store/snapshot.hpp"
#include "sitmap/store/store.hpp"
#include "columns.hpp"
#include "packed.hpp"
#include "rtree_pack.hpp"
#include "cases_sql.hpp"
#include "sqlite_util.hpp"
#include "where.hpp"

namespace sitmap::store {

namespace {

using detail::append_value;
using detail::quote_ident;
using detail::Statement;

constexpr int32_t kApplicationId = 0x5349544D;  // "SITM": marks a file as a sitmap workspace
constexpr const char* kGeometryColumn = "geometry";

std::string sql_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

constexpr const char* kUserColumns =
    "SELECT name, role, password_hash, cleared, disabled, failures, locked_until, created_at FROM users";
constexpr const char* kAuditColumns = "SELECT seq, at, user, action, object, outcome, mac FROM audit_log";

UserRecord user_row(detail::Statement& s) {
  return UserRecord{s.text(0), s.text(1), s.text(2), s.integer(3) != 0, s.integer(4) != 0,
                    s.integer(5), s.integer(6), s.text(7)};
}

AuditEntry audit_row(detail::Statement& s) {
  return AuditEntry{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
}

// Forward migrations: entry i brings a database from schema i to i + 1. Each runs inside one transaction.
const std::vector<const char*> kMigrations = {
    // 0 -> 1: spatial metadata, the catalogue and the metadata table.
    R"sql(
      SELECT InitSpatialMetaData(0, 'WGS84');
      SELECT InsertEpsgSrid(3857);
      CREATE TABLE sitmap_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE layers (
        name TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_en TEXT NOT NULL,
        geometry_type TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('basemap', 'operational', 'sensitive')),
        style TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        row_count INTEGER NOT NULL DEFAULT 0,
        min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')));
      INSERT INTO sitmap_meta (key, value) VALUES ('created_by', 'sitmap');
    )sql",
    // 1 -> 2: the import log.
    R"sql(
      CREATE TABLE import_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')),
        layer TEXT NOT NULL, file TEXT NOT NULL, file_size INTEGER NOT NULL, format TEXT NOT NULL,
        crs TEXT NOT NULL, encoding TEXT NOT NULL, mode TEXT NOT NULL,
        read INTEGER NOT NULL, written INTEGER NOT NULL, repaired INTEGER NOT NULL, skipped INTEGER NOT NULL,
        seconds REAL NOT NULL);
    )sql",
    // 2 -> 3: packed copies of point layers (see packed.hpp); migrate() then packs the existing ones.
    R"sql(
      CREATE TABLE sitmap_packed (layer TEXT NOT NULL, part TEXT NOT NULL, data BLOB NOT NULL,
                                  PRIMARY KEY (layer, part));
    )sql",
    // 3 -> 4: users and the audit chain (access computes hashes and MACs). The triggers stop casual edits
    // of the log; its MAC chain is what detects an edit made without them.
    R"sql(
      CREATE TABLE users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        cleared INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')));
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
        object TEXT NOT NULL, outcome TEXT NOT NULL, mac TEXT NOT NULL);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      INSERT OR IGNORE INTO sitmap_meta (key, value) VALUES ('workspace_id', lower(hex(randomblob(16))));
    )sql",
    // 4 -> 5: cases (#14), see cases_sql.cpp.
    detail::kCasesMigration,
};
static_assert(kSchemaVersion == 5, "add a migration when the schema version changes");
constexpr int kPackedSince = 3;
// The oldest schema read as it is when a file is opened read-only: schema 3 only added derived data.
constexpr int kReadableFrom = 2;

bool valid_layer_name(const std::string& name) {
  static const std::regex pattern("[a-z_][a-z0-9_]{0,62}");
  static const std::set<std::string> reserved = {"layers", "sitmap_meta", "sitmap_packed", "import_log",
                                                   "geometry", "users", "audit_log", "cases", "case_events",
                                                   "case_reporters", "case_attachments", "case_deadlines"};
  if (!std::regex_match(name, pattern) || reserved.count(name)) return false;
  for (const char* prefix : {"sqlite_", "idx_", "spatial", "geometry_", "views_", "virts_", "sql_", "spatialite_",
                             "vector_", "raster_", "rl2", "wms_", "se_", "topo", "network", "data_licenses", "knn"})
    if (name.rfind(prefix, 0) == 0) return false;
  return true;
}

FieldType field_type_from_decl(const std::string& decl) {
  if (decl == "INTEGER") return FieldType::Integer;
  if (decl == "REAL") return FieldType::Real;
  return FieldType::Text;
}

// A single geometry promoted to the multi type the layer declares (SpatiaLite's triggers insist on the exact type).
Geometry conform(const Geometry& g, GeomType layer_type) {
  Geometry out = g;
  if (layer_type == GeomType::MultiPoint && g.type == GeomType::Point) out.type = GeomType::MultiPoint;
  if (layer_type == GeomType::MultiLineString && g.type == GeomType::LineString) out.type = GeomType::MultiLineString;
  if (layer_type == GeomType::MultiPolygon && g.type == GeomType::Polygon) out.type = GeomType::MultiPolygon;
  return out;
}

// The point in a SpatiaLite geometry blob of type POINT XY (60 bytes: start 0x00, byte order, SRID, MBR,
// 0x7C, class 1, x, y, end 0xFE), read directly: asking SpatiaLite for WKB per row costs more than the rest
// of the read. False for anything else (other dimensions, compressed), which the caller converts through SQL.
bool spatialite_point(std::span<const uint8_t> b, XY& p) {
  if (b.size() != 60 || b[0] != 0x00 || b[38] != 0x7C || b[59] != 0xFE || b[1] != 0x01) return false;
  int32_t cls;
  std::memcpy(&cls, b.data() + 39, 4);
  if (cls != 1) return false;
  std::memcpy(&p.x, b.data() + 43, 8);
  std::memcpy(&p.y, b.data() + 51, 8);
  return true;
}

// append_value for one cell, without building a Value when the cell holds the declared type (the usual case).
void append_cell(Column& c, const detail::Statement& s, int col) {
  int type = s.type(col);
  if (type == SQLITE_INTEGER && c.def.type == FieldType::Integer) {
    c.valid.push_back(1);
    c.ints.push_back(s.integer(col));
  } else if (type == SQLITE_FLOAT && c.def.type == FieldType::Real) {
    c.valid.push_back(1);
    c.reals.push_back(s.real(col));
  } else if (type == SQLITE_TEXT && c.def.type == FieldType::Text) {
    c.valid.push_back(1);
    c.texts.emplace_back(s.text_view(col));
  } else {
    append_value(c, s.value(col));
  }
}

// Seconds of a time cell: its text (numbers as their decimal text) parsed; INT64_MIN when null or unparsable.
int64_t cell_time(const detail::Statement& s, int col) {
  auto t = s.type(col) == SQLITE_TEXT ? parse_iso_time(s.text_view(col)) : parse_iso_time(value_to_string(s.value(col)));
  return t.value_or(INT64_MIN);
}

// A sensitive layer's table (see SealedRow): its clear columns, and its field list in sitmap_meta, since
// the table itself holds only these.
constexpr const char* kSealedTable = "(id INTEGER PRIMARY KEY, block_no INTEGER, category TEXT, sealed BLOB NOT NULL)";
std::string sealed_fields_key(std::string_view layer) { return "sealed_fields:" + std::string(layer); }
bool clear_in_sealed(std::string_view field) { return field == "block_no" || field == "category"; }
// A field's column in a select list: a sealed layer's other fields read as null.
std::string field_column(const std::string& field, bool sealed) {
  return !sealed || clear_in_sealed(field) ? quote_ident(field) : std::string("NULL");
}
Error sealed_refusal(const std::string& layer, const std::string& why) {
  return Error(ErrorKind::Denied, "layer '" + layer + "' is sensitive (受限图层): " + why);
}

bool whole_layer(const Query& q) { return !q.bbox && q.where.empty() && q.limit < 0 && q.with_geometry; }

class Db {
 public:
  Db(const std::filesystem::path& file, OpenMode mode) : file_(file.string()) {
    int flags = SQLITE_OPEN_FULLMUTEX;
    flags |= mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (mode == OpenMode::Create) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw Error(ErrorKind::NotFound, file_ + ": cannot open: " + msg);
    }
    sqlite3_busy_timeout(db_, 2000);
    // A 64 MB page cache: bulk loads of a million rows re-read pages from disk with SQLite's default 2 MB.
    sqlite3_exec(db_, "PRAGMA cache_size = -65536", nullptr, nullptr, nullptr);
    // Reads through a memory map (as far as SQLite's build allows, 2 GB on Debian): a million-point packed copy
    // is then copied out of the page cache directly, not fetched 4 KB per system call.
    sqlite3_exec(db_, "PRAGMA mmap_size = 4294967296", nullptr, nullptr, nullptr);
    if (mode != OpenMode::ReadOnly) spatial();
  }

  // Loads SpatiaLite into the connection: writes need it at once (its triggers keep the spatial index), a
  // read-only handle only before SQL that calls it (SpatialiteStore::select and info), since loading it is
  // most of the time a read-only command takes to open a workspace and read a packed copy needs none of it.
  void spatial() const {
    std::call_once(spatial_loaded_, [this] {
      sqlite3_enable_load_extension(db_, 1);
      char* err = nullptr;
      int rc = sqlite3_load_extension(db_, "mod_spatialite", nullptr, &err);
      sqlite3_enable_load_extension(db_, 0);
      if (rc != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw Error(ErrorKind::Internal, "cannot load mod_spatialite (install libsqlite3-mod-spatialite): " + msg);
      }
    });
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& file() const { return file_; }

  void exec(const std::string& sql, const std::string& what) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED || (rc & 0xff) == SQLITE_READONLY ||
          (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_FULL)
        detail::throw_sqlite(db_, rc, what, file_);
      throw Error(ErrorKind::BadInput, file_ + ": " + what + ": " + msg);
    }
  }
  Statement prepare(std::string_view sql) const { return Statement(db_, sql, file_); }
  int64_t integer(std::string_view sql) const {
    auto s = prepare(sql);
    return s.step() ? s.integer(0) : 0;
  }

 private:
  std::string file_;
  sqlite3* db_ = nullptr;
  mutable std::once_flag spatial_loaded_;
};

class SpatialiteStore;

class SpatialiteWriter final : public Writer {
 public:
  explicit SpatialiteWriter(SpatialiteStore& store) : store_(store) {}
  void create_layer(const LayerInfo& info) override;
  void drop_layer(std::string_view name) override;
  void clear_layer(std::string_view name) override;
  void update_layer_info(const LayerInfo& info) override;
  int64_t insert(std::string_view layer, const Feature& feature) override;
  void update(std::string_view layer, const Feature& feature) override;
  void remove(std::string_view layer, int64_t id) override;
  void insert_sealed(std::string_view layer, const SealedRow& row) override;
  int64_t next_id(std::string_view layer) override;
  void set_metadata(std::string_view key, std::string_view value) override;
  void log_import(const ImportLogEntry& entry) override;
  void put_user(const UserRecord& user) override;
  void append_audit(const AuditEntry& entry) override;
  CaseRecord insert_case(const CaseRecord& r) override { return detail::insert_case(db(), r); }
  int64_t append_case_event(const CaseEvent& e) override { return detail::append_case_event(db(), e); }
  void put_case_reporter(const CaseReporter& r) override { detail::put_case_reporter(db(), r); }
  void put_attachment(const Attachment& a) override { detail::put_attachment(db(), a); }
  void set_case_deadline_days(std::string_view category, int64_t days) override {
    detail::set_case_deadline_days(db(), category, days);
  }

  const std::set<std::string>& touched() const { return touched_; }
  const std::set<std::string>& rows_touched() const { return rows_touched_; }  // rows or the layer itself changed
  // Layers created or cleared in this write are bulk-loaded: SpatiaLite's per-row triggers (type check,
  // R*Tree insertion, timestamps) are set aside while rows go in, geometry types are checked here instead,
  // and finish() packs the R*Tree in one pass and puts the triggers back.
  void finish();
  // Extents of the bulk-loaded layers, known from their boxes, so the catalogue needs no second scan.
  const std::map<std::string, BBox>& bulk_extents() const { return extents_; }

 private:
  const LayerInfo& layer_info(std::string_view name);
  detail::SqlDb db();
  void bind_values(Statement& s, const LayerInfo& info, const Feature& f, int first);

  SpatialiteStore& store_;
  std::map<std::string, LayerInfo, std::less<>> layers_;
  std::map<std::string, Statement, std::less<>> inserts_;
  void begin_bulk(const std::string& name);

  std::set<std::string> touched_, rows_touched_;
  struct BulkLoad {
    std::vector<std::string> triggers;  // saved trigger SQL, restored by finish()
    std::vector<detail::RowBox> boxes;  // of the rows inserted so far, for the R*Tree and the extent
    bool boxes_complete = true;         // false once rows changed in ways not tracked here
  };
  std::map<std::string, BulkLoad, std::less<>> bulk_;
  std::map<std::string, BBox> extents_;
};

class SpatialiteStore final : public Store {
 public:
  SpatialiteStore(const std::filesystem::path& file, OpenMode mode, int target_version)
      : file_(file), db_(file, mode), read_only_(mode == OpenMode::ReadOnly) {
    check_header(mode);
    int32_t app_id = static_cast<int32_t>(db_.integer("PRAGMA application_id"));
    int64_t tables = db_.integer("SELECT count(*) FROM sqlite_master");
    if (app_id != kApplicationId && !(mode == OpenMode::Create && tables == 0))
      throw Error(ErrorKind::NotSitmap, file_.string() + ": a SQLite database, but not a sitmap workspace");
    int version = static_cast<int>(db_.integer("PRAGMA user_version"));
    if (version > kSchemaVersion)
      throw Error(ErrorKind::NewerSchema, file_.string() + ": written by a newer sitmap (schema " +
                                              std::to_string(version) + "; this build reads up to " +
                                              std::to_string(kSchemaVersion) + "): update sitmap to open it");
    if (!read_only_) {
      if (sqlite3_db_readonly(db_.handle(), "main") == 1) {
        if (version < target_version)
          throw Error(ErrorKind::ReadOnly, file_.string() + ": read-only file needs a schema upgrade");
        read_only_ = true;
      } else {
        db_.exec("PRAGMA journal_mode=WAL", "switching to WAL");
        migrate(version, target_version);
      }
    } else if (version < kReadableFrom) {
      throw Error(ErrorKind::ReadOnly, file_.string() + ": schema " + std::to_string(version) +
                                           " needs an upgrade; open it writable once");
    }
    schema_ = static_cast<int>(db_.integer("PRAGMA user_version"));
  }

  Db& db() { return db_; }
  const Db& db() const { return db_; }

  StoreInfo info() const override {
    StoreInfo i;
    i.location = file_.string();
    db_.spatial();
    auto s = db_.prepare("SELECT spatialite_version(), sqlite_version()");
    s.step();
    i.backend = "SpatiaLite " + s.text(0) + " on SQLite " + s.text(1);
    i.schema_version = static_cast<int>(db_.integer("PRAGMA user_version"));
    std::error_code ec;
    auto size = std::filesystem::file_size(file_, ec);
    i.size_bytes = ec ? 0 : static_cast<int64_t>(size);
    return i;
  }

  std::vector<LayerInfo> layers() const override {
    std::vector<LayerInfo> out;
    auto s = db_.prepare("SELECT name FROM layers ORDER BY name");
    while (s.step()) out.push_back(*find_layer(s.text(0)));
    return out;
  }

  std::optional<LayerInfo> find_layer(std::string_view name) const override {
    auto s = db_.prepare(
        "SELECT name, title_zh, title_en, geometry_type, kind, style, source, row_count, min_lon, min_lat, max_lon, "
        "max_lat FROM layers WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    LayerInfo info;
    info.name = s.text(0);
    info.title_zh = s.text(1);
    info.title_en = s.text(2);
    info.geom_type = parse_geom_type(s.text(3)).value_or(GeomType::Point);
    info.kind = parse_layer_kind(s.text(4)).value_or(LayerKind::Operational);
    info.style = s.text(5);
    info.source = s.text(6);
    info.count = s.integer(7);
    if (!s.is_null(8)) info.extent = BBox{s.real(8), s.real(9), s.real(10), s.real(11)};
    if (auto sealed = sealed_field_list(name)) {  // "TYPE name" lines
      for (size_t at = 0; at < sealed->size();) {
        size_t end = std::min(sealed->find('\n', at), sealed->size()), space = sealed->find(' ', at);
        info.fields.push_back({sealed->substr(space + 1, end - space - 1), field_type_from_decl(sealed->substr(at, space - at))});
        at = end + 1;
      }
      return info;
    }
    auto cols = db_.prepare("SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid");
    cols.bind(1, name);
    while (cols.step()) {
      std::string col = cols.text(0);
      if (col == "id" || col == kGeometryColumn) continue;
      info.fields.push_back({col, field_type_from_decl(cols.text(1))});
    }
    return info;
  }

  void write(const std::function<void(Writer&)>& fn) override {
    if (read_only_) throw Error(ErrorKind::ReadOnly, file_.string() + ": opened read-only, cannot write");
    db_.exec("BEGIN IMMEDIATE", "starting a write");
    try {
      SpatialiteWriter writer(*this);
      fn(writer);
      writer.finish();
      for (auto& name : writer.touched()) {
        auto known = writer.bulk_extents().find(name);
        refresh_layer_stats(name, known == writer.bulk_extents().end() ? nullptr : &known->second);
      }
      if (schema_ >= kPackedSince)
        for (auto& name : writer.rows_touched()) repack(name);
      db_.exec("COMMIT", "committing");
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void scan(std::string_view layer, const Query& q, const std::function<bool(Feature&&)>& fn) const override {
    LayerInfo info = this->layer(layer);
    auto s = select(info, q, false);
    while (s.step()) {
      Feature f;
      f.id = s.integer(0);
      f.values.reserve(info.fields.size());
      for (size_t i = 0; i < info.fields.size(); ++i) f.values.push_back(s.value(static_cast<int>(i + 1)));
      if (q.with_geometry) {
        int gc = static_cast<int>(info.fields.size() + 1);
        if (!s.is_null(gc)) f.geometry = from_wkb(s.blob(gc));
      }
      if (!fn(std::move(f))) break;
    }
  }

  void read_columns(std::string_view layer, const ColumnRead& read, Snapshot& out) const override {
    out = Snapshot{};
    const LayerInfo info = this->layer(layer);
    out.info = info;
    if (read.fields) {
      for (auto& name : *read.fields)
        if (info.field_index(name) < 0)
          throw Error(ErrorKind::NotFound, "layer " + info.name + " has no field '" + name + "'");
      std::erase_if(out.info.fields, [&](const FieldDef& f) {
        return std::find(read.fields->begin(), read.fields->end(), f.name) == read.fields->end();
      });
    }
    for (auto& f : out.info.fields) out.columns.push_back(Column{f, {}, {}, {}, {}});
    int time_index = info.field_index(read.time_field);
    if (time_index >= 0) out.time_field = read.time_field;
    if (whole_layer(read.query) && !sealed(info) && read_packed(out, info.fields, read)) return;
    read_rows(out, info, read.query, time_index);
  }

  int64_t count(std::string_view layer, const Query& q) const override {
    auto s = select(this->layer(layer), q, true);
    return s.step() ? s.integer(0) : 0;
  }

  void scan_sealed(std::string_view layer, const std::function<bool(SealedRow&&)>& fn) const override {
    LayerInfo info = this->layer(layer);
    if (!sealed(info))
      throw Error(ErrorKind::BadInput, "layer '" + info.name + "' keeps no sealed rows" +
                                           (info.kind == LayerKind::Sensitive
                                                ? std::string(" (written before sealing): import it again with --mode replace")
                                                : std::string(": it is not sensitive")));
    auto s = db_.prepare("SELECT id, block_no, category, sealed FROM " + quote_ident(info.name) + " ORDER BY id");
    while (s.step()) {
      SealedRow r;
      r.id = s.integer(0);
      r.block_no = s.text(1);
      r.category = s.text(2);
      auto b = s.blob(3);
      r.sealed.assign(b.begin(), b.end());
      if (!fn(std::move(r))) break;
    }
  }

  std::optional<std::string> sealed_field_list(std::string_view layer) const {
    return metadata(sealed_fields_key(layer));
  }
  bool sealed(const LayerInfo& info) const {
    return info.kind == LayerKind::Sensitive && sealed_field_list(info.name).has_value();
  }

  std::optional<std::string> metadata(std::string_view key) const override {
    auto s = db_.prepare("SELECT value FROM sitmap_meta WHERE key = ?");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  std::vector<ImportLogEntry> import_log() const override {
    std::vector<ImportLogEntry> out;
    auto s = db_.prepare(
        "SELECT layer, file, format, crs, encoding, mode, file_size, read, written, repaired, skipped, seconds "
        "FROM import_log ORDER BY id");
    while (s.step()) {
      ImportLogEntry e;
      e.layer = s.text(0); e.file = s.text(1); e.format = s.text(2); e.crs = s.text(3); e.encoding = s.text(4);
      e.mode = s.text(5); e.file_size = s.integer(6); e.read = s.integer(7); e.written = s.integer(8);
      e.repaired = s.integer(9); e.skipped = s.integer(10); e.seconds = s.real(11);
      out.push_back(std::move(e));
    }
    return out;
  }

  std::optional<UserRecord> find_user(std::string_view name) const override {
    auto s = db_.prepare(std::string(kUserColumns) + " WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return user_row(s);
  }

  std::vector<UserRecord> users() const override {
    std::vector<UserRecord> out;
    auto s = db_.prepare(std::string(kUserColumns) + " ORDER BY name");
    while (s.step()) out.push_back(user_row(s));
    return out;
  }

  std::vector<AuditEntry> audit_log() const override {
    std::vector<AuditEntry> out;
    auto s = db_.prepare(std::string(kAuditColumns) + " ORDER BY seq");
    while (s.step()) out.push_back(audit_row(s));
    return out;
  }

  std::optional<AuditEntry> last_audit() const override {
    auto s = db_.prepare(std::string(kAuditColumns) + " ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return audit_row(s);
  }

  std::vector<CaseRecord> cases() const override { return detail::cases(sql_db()); }
  std::vector<CaseEvent> case_events(std::optional<int64_t> case_id) const override {
    return detail::case_events(sql_db(), case_id);
  }
  std::optional<CaseReporter> case_reporter(int64_t case_id) const override {
    return detail::case_reporter(sql_db(), case_id);
  }
  std::optional<Attachment> attachment(std::string_view sha256) const override {
    return detail::attachment(sql_db(), sha256);
  }
  std::vector<std::pair<std::string, int64_t>> case_deadline_days() const override {
    return detail::case_deadline_days(sql_db());
  }
  detail::SqlDb sql_db() const { return {db_.handle(), file_.string()}; }

  std::string query_plan(std::string_view layer, const Query& q) const override {
    auto s = select(this->layer(layer), q, false, "EXPLAIN QUERY PLAN ");
    std::string plan;
    while (s.step()) plan += s.text(3) + "\n";
    return plan;
  }

  int64_t data_version() const override { return db_.integer("PRAGMA data_version"); }

  std::string content_hash() const override {
    // FNV-1a 64 over a canonical, typed rendering of the catalogue and every row in id order.
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](const void* data, size_t n) {
      auto* p = static_cast<const uint8_t*>(data);
      for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    };
    auto mix_str = [&](const std::string& s) {
      uint64_t n = s.size();
      mix(&n, sizeof n);
      mix(s.data(), s.size());
    };
    for (const LayerInfo& info : layers()) {
      mix_str(info.name); mix_str(info.title_zh); mix_str(info.title_en); mix_str(info.style);
      mix_str(info.source); mix_str(geom_type_name(info.geom_type)); mix_str(layer_kind_name(info.kind));
      for (auto& f : info.fields) { mix_str(f.name); mix_str(field_type_name(f.type)); }
      auto rows = sealed(info) ? select(info, Query{}, false, "", "id, block_no, category, sealed")
                               : select(info, Query{}, false);
      while (rows.step()) {  // layer rows only: the packed copies are derived from them
        for (int c = 0; c < rows.columns(); ++c) {
          Value v = rows.value(c);
          uint8_t tag = static_cast<uint8_t>(v.index());
          mix(&tag, 1);
          if (auto* i = std::get_if<int64_t>(&v)) mix(i, sizeof *i);
          else if (auto* d = std::get_if<double>(&v)) mix(d, sizeof *d);
          else if (!is_null(v)) mix_str(rows.text(c));
        }
      }
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }

 private:
  friend class SpatialiteWriter;

  void check_header(OpenMode mode) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file_, ec);
    if (ec || size == 0) {
      if (mode == OpenMode::Create) return;
      throw Error(ErrorKind::NotSitmap, file_.string() + ": empty file, not a sitmap database");
    }
    // Read by SQLite, never through a second descriptor: closing one drops every POSIX lock this process holds
    // on the file, SQLite's included, and another process closing last would then delete the -wal and -shm this
    // handle still reads (the window stopped seeing later commits).
    try {
      db_.integer("PRAGMA schema_version");
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::NotSitmap) throw;
      throw Error(ErrorKind::NotSitmap, file_.string() + ": not a sitmap database (not a SQLite file)");
    }
  }

  void migrate(int from, int to) {
    if (from >= to) return;
    db_.exec("BEGIN IMMEDIATE", "starting the schema upgrade");
    try {
      if (from == 0) db_.exec("PRAGMA application_id = " + std::to_string(kApplicationId), "marking the file");
      for (int v = from; v < to; ++v) {
        db_.exec(kMigrations[v], "upgrading the schema to version " + std::to_string(v + 1));
        if (v + 1 == kPackedSince)
          for (const LayerInfo& info : layers()) {
            install_packed_triggers(info);
            repack(info.name);
          }
        db_.exec("PRAGMA user_version = " + std::to_string(v + 1), "recording the schema version");
      }
      db_.exec("COMMIT", "committing the schema upgrade");
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    spdlog::info("{}: schema upgraded from {} to {}", file_.string(), from, to);
  }

  void refresh_layer_stats(const std::string& name, const BBox* known_extent) {
    std::string t = quote_ident(name), g = quote_ident(kGeometryColumn);
    if (sealed_field_list(name)) {  // no extent: four precise coordinates of people at the edges
      db_.exec("UPDATE layers SET (row_count, min_lon, min_lat, max_lon, max_lat, updated_at) = ((SELECT count(*) "
               "FROM " + t + "), NULL, NULL, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%S', 'now')) WHERE name = " +
                   sql_quote(name), "updating the catalogue of " + name);
      return;
    }
    if (known_extent) {
      auto s = db_.prepare("UPDATE layers SET (row_count, min_lon, min_lat, max_lon, max_lat, updated_at) = ((SELECT "
                           "count(*) FROM " + t + "), ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%S', 'now')) WHERE name = ?");
      if (known_extent->empty()) s.bind_null(1).bind_null(2).bind_null(3).bind_null(4);
      else s.bind(1, known_extent->minx).bind(2, known_extent->miny).bind(3, known_extent->maxx).bind(4, known_extent->maxy);
      s.bind(5, std::string_view(name));
      s.run();
      return;
    }
    db_.exec("UPDATE layers SET (row_count, min_lon, min_lat, max_lon, max_lat, updated_at) = (SELECT count(*), "
             "min(MbrMinX(" + g + ")), min(MbrMinY(" + g + ")), max(MbrMaxX(" + g + ")), max(MbrMaxY(" + g +
                 ")), strftime('%Y-%m-%dT%H:%M:%S', 'now') FROM " + t + ") WHERE name = " + sql_quote(name),
             "updating the catalogue of " + name);
  }

  // A point layer's packed copy is rewritten from its rows in the transaction of every write to it, and
  // these triggers delete it when anything else (another program) changes the rows, so a copy that exists
  // is current. Layers of other geometry types have none.
  void install_packed_triggers(const LayerInfo& info) {
    if (info.geom_type != GeomType::Point) return;
    std::string t = quote_ident(info.name);
    for (const char* event : {"INSERT", "UPDATE", "DELETE"})
      db_.exec("CREATE TRIGGER " + quote_ident("sitmap_packed_" + info.name + "_" + event) + " AFTER " + event +
                   " ON " + t + " BEGIN DELETE FROM sitmap_packed WHERE layer = " + sql_quote(info.name) + "; END",
               "adding the packed copy of " + info.name);
  }

  void repack(const std::string& name) {
    auto del = db_.prepare("DELETE FROM sitmap_packed WHERE layer = ?");
    del.bind(1, std::string_view(name));
    del.run();
    LayerInfo info = layer(name);
    if (info.geom_type != GeomType::Point || sealed(info)) return;  // a sensitive layer has no clear copy
    SnapshotOptions whole;  // no time field: times are packed for every text field that holds them
    whole.time_field.clear();
    auto snap = load_snapshot(*this, name, whole);  // from the rows: the copy was just deleted
    auto insert = db_.prepare("INSERT INTO sitmap_packed (layer, part, data) VALUES (?, ?, ?)");
    detail::pack_snapshot(*snap, geo::proj_build_version(), [&](std::string_view part, std::span<const uint8_t> bytes) {
      insert.reset();
      insert.bind(1, std::string_view(name)).bind(2, part).bind_blob(3, bytes);
      insert.run();
    });
  }

  bool read_packed(Snapshot& out, const std::vector<FieldDef>& layer_fields, const ColumnRead& wanted) const {
    if (schema_ < kPackedSince || out.info.geom_type != GeomType::Point) return false;
    // Every part from one read transaction, or another process's write could land between two parts; and the
    // connection held meanwhile, since a savepoint belongs to the connection, not the thread.
    detail::ConnectionLock lock(db_.handle());
    db_.exec("SAVEPOINT packed_read", "reading the packed copy of " + out.info.name);
    struct Release {
      sqlite3* db;
      ~Release() { sqlite3_exec(db, "RELEASE packed_read", nullptr, nullptr, nullptr); }
    } release{db_.handle()};
    auto part = db_.prepare("SELECT rowid FROM sitmap_packed WHERE layer = ?1 AND part = ?2");
    // Parts are read with incremental blob I/O straight where they go: SQLite would otherwise allocate (and
    // the kernel fault in) a fresh copy of every multi-megabyte part.
    bool ok = detail::unpack_snapshot(out, layer_fields, geo::proj_build_version(), wanted,
                                      [&](std::string_view name, const detail::PartInto& into) {
                                        part.reset();
                                        part.bind(1, std::string_view(out.info.name)).bind(2, name);
                                        if (!part.step()) return false;
                                        detail::read_blob(db_.handle(), "sitmap_packed", "data", part.integer(0), into,
                                                          file_.string());
                                        return true;
                                      });
    if (!ok) spdlog::debug("{}: layer {} has no current packed copy; reading its rows", file_.string(), out.info.name);
    return ok;
  }

  // `info`: the whole layer (filters may name any field); `time_index`: the time field's index in it.
  void read_rows(Snapshot& out, const LayerInfo& info, const Query& q, int time_index) const {
    const bool points = info.geom_type == GeomType::Point, is_sealed = sealed(info);
    const std::string g = is_sealed ? "NULL" : quote_ident(kGeometryColumn);
    std::vector<std::string> tail;
    if (q.with_geometry) tail.push_back(points || is_sealed ? g : "AsBinary(" + g + ")");
    if (time_index >= 0) tail.push_back(field_column(info.fields[static_cast<size_t>(time_index)].name, is_sealed));
    auto s = select(info, q, false, "", row_columns(out.info.fields, tail, is_sealed));
    const int nf = static_cast<int>(out.info.fields.size()), gc = nf + 1, tc = gc + (q.with_geometry ? 1 : 0);
    std::optional<detail::Statement> as_wkb;  // for point blobs spatialite_point does not read
    while (s.step()) {
      out.ids.push_back(s.integer(0));
      for (int i = 0; i < nf; ++i) append_cell(out.columns[static_cast<size_t>(i)], s, i + 1);
      if (time_index >= 0) out.time.push_back(cell_time(s, tc));
      if (!points) {
        out.geometries.push_back(q.with_geometry && !s.is_null(gc) ? from_wkb(s.blob(gc)) : Geometry{});
        continue;
      }
      XY p{NAN, NAN};
      if (q.with_geometry && !s.is_null(gc) && !spatialite_point(s.blob(gc), p)) {
        if (!as_wkb) as_wkb.emplace(db_.prepare("SELECT AsBinary(?)"));
        as_wkb->reset();
        as_wkb->bind_blob(1, s.blob(gc));
        if (as_wkb->step() && !as_wkb->is_null(0))
          if (Geometry geom = from_wkb(as_wkb->blob(0)); !geom.points.empty()) p = geom.points[0];
      }
      out.lon.push_back(p.x);
      out.lat.push_back(p.y);
    }
  }

  // The SQL of a scan and whether it binds a bbox. The bbox goes through the layer's R*Tree
  // (idx_<table>_geometry), then an exact test on the geometry's own box: the R*Tree holds single precision.
  // `columns`: the select list when not counting.
  std::pair<std::string, bool> select_sql(const LayerInfo& info, const Query& q, bool count_only,
                                          const std::string& columns) const {
    std::string sql = "SELECT " + (count_only ? std::string("count(*)") : columns) + " FROM " + quote_ident(info.name);
    std::vector<std::string> conds;
    const bool is_sealed = sealed(info);
    if (is_sealed && q.bbox) throw sealed_refusal(info.name, "its positions are sealed; no query by area");
    if (is_sealed && !q.where.empty()) {
      LayerInfo clear = info;  // a filter may name the clear fields only: the others are not in the table
      std::erase_if(clear.fields, [](const FieldDef& f) { return !clear_in_sealed(f.name); });
      try {
        conds.push_back("(" + detail::compile_where(q.where, clear) + ")");
      } catch (const Error& e) {
        throw sealed_refusal(info.name, std::string("a filter may name only block_no and category (") + e.what() + ")");
      }
    }
    if (q.bbox) {
      conds.push_back("id IN (SELECT pkid FROM " + quote_ident("idx_" + info.name + "_" + kGeometryColumn) +
                      " WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2)");
      conds.push_back("MbrIntersects(" + quote_ident(kGeometryColumn) + ", BuildMbr(?1, ?2, ?3, ?4))");
    }
    if (!q.where.empty() && !is_sealed) conds.push_back("(" + detail::compile_where(q.where, info) + ")");
    for (size_t i = 0; i < conds.size(); ++i) sql += (i ? " AND " : " WHERE ") + conds[i];
    if (!count_only) sql += " ORDER BY id";
    if (!count_only && q.limit >= 0) sql += " LIMIT " + std::to_string(q.limit);
    return {sql, q.bbox.has_value()};
  }

  // id, the fields, then the expressions in `tail`.
  static std::string row_columns(const std::vector<FieldDef>& fields, const std::vector<std::string>& tail,
                                 bool sealed = false) {
    std::string cols = "id";
    for (auto& f : fields) cols += ", " + field_column(f.name, sealed);
    for (auto& t : tail) cols += ", " + t;
    return cols;
  }

  // A scan's statement: id, every field and the geometry as WKB when the query wants it.
  Statement select(const LayerInfo& info, const Query& q, bool count_only, const std::string& prefix = "") const {
    const bool is_sealed = sealed(info);
    std::vector<std::string> wkb;
    if (q.with_geometry) wkb.push_back(is_sealed ? "NULL" : "AsBinary(" + quote_ident(kGeometryColumn) + ")");
    return select(info, q, count_only, prefix, row_columns(info.fields, wkb, is_sealed));
  }
  Statement select(const LayerInfo& info, const Query& q, bool count_only, const std::string& prefix,
                   const std::string& columns) const {
    db_.spatial();  // AsBinary, the spatial index
    auto [sql, has_bbox] = select_sql(info, q, count_only, columns);
    auto s = db_.prepare(prefix + sql);
    if (has_bbox) s.bind(1, q.bbox->minx).bind(2, q.bbox->miny).bind(3, q.bbox->maxx).bind(4, q.bbox->maxy);
    return s;
  }

  std::filesystem::path file_;
  mutable Db db_;
  bool read_only_;
  int schema_ = 0;  // after migrations
};

detail::SqlDb SpatialiteWriter::db() { return store_.sql_db(); }

const LayerInfo& SpatialiteWriter::layer_info(std::string_view name) {
  auto it = layers_.find(name);
  if (it == layers_.end()) it = layers_.emplace(std::string(name), store_.layer(name)).first;
  return it->second;
}

void SpatialiteWriter::create_layer(const LayerInfo& info) {
  Db& db = store_.db();
  if (!valid_layer_name(info.name))
    throw Error(ErrorKind::BadInput, "invalid layer name '" + info.name +
                                         "': use lower-case letters, digits and '_', not starting with a digit "
                                         "or a reserved prefix");
  if (store_.find_layer(info.name) || db.integer("SELECT count(*) FROM sqlite_master WHERE name = " +
                                                 sql_quote(info.name)) > 0)
    throw Error(ErrorKind::BadInput, "layer '" + info.name + "' already exists in " + db.file());
  std::set<std::string> seen;
  std::string ddl = "CREATE TABLE " + quote_ident(info.name) + " (id INTEGER PRIMARY KEY";
  for (auto& f : info.fields) {
    if (f.name.empty() || f.name == "id" || f.name == kGeometryColumn || f.name.find('\n') != std::string::npos ||
        !seen.insert(f.name).second)
      throw Error(ErrorKind::BadInput, "layer '" + info.name + "': field name '" + f.name + "' is empty, reserved or repeated");
    ddl += ", " + quote_ident(f.name) + " " + field_type_name(f.type);
  }
  ddl += ")";
  if (info.kind == LayerKind::Sensitive) {
    // No geometry column, no spatial index, no packed copy: the rows come sealed (insert_sealed).
    db.exec("CREATE TABLE " + quote_ident(info.name) + " " + kSealedTable, "creating layer " + info.name);
    std::string fields;
    for (auto& f : info.fields) fields += (fields.empty() ? "" : "\n") + std::string(field_type_name(f.type)) + " " + f.name;
    set_metadata(sealed_fields_key(info.name), fields);
  } else {
    db.exec(ddl, "creating layer " + info.name);
    auto add = db.prepare("SELECT AddGeometryColumn(?, ?, 4326, ?, 'XY'), CreateSpatialIndex(?, ?)");
    add.bind(1, std::string_view(info.name)).bind(2, std::string_view(kGeometryColumn));
    add.bind(3, std::string_view(geom_type_name(info.geom_type)));
    add.bind(4, std::string_view(info.name)).bind(5, std::string_view(kGeometryColumn));
    if (!add.step() || add.integer(0) != 1 || add.integer(1) != 1)
      throw Error(ErrorKind::Internal, db.file() + ": SpatiaLite refused the geometry column of layer " + info.name);
  }
  auto cat = db.prepare(
      "INSERT INTO layers (name, title_zh, title_en, geometry_type, kind, style, source) VALUES (?, ?, ?, ?, ?, ?, ?)");
  cat.bind(1, std::string_view(info.name)).bind(2, std::string_view(info.title_zh));
  cat.bind(3, std::string_view(info.title_en)).bind(4, std::string_view(geom_type_name(info.geom_type)));
  cat.bind(5, std::string_view(layer_kind_name(info.kind))).bind(6, std::string_view(info.style));
  cat.bind(7, std::string_view(info.source));
  cat.run();
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
  if (info.kind == LayerKind::Sensitive) return;
  if (store_.schema_ >= kPackedSince) store_.install_packed_triggers(info);
  begin_bulk(info.name);
}

void SpatialiteWriter::begin_bulk(const std::string& name) {
  if (bulk_.count(name)) return;
  Db& db = store_.db();
  std::vector<std::string> saved, names;
  auto triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?");
  triggers.bind(1, std::string_view(name));
  while (triggers.step()) {
    names.push_back(triggers.text(0));
    saved.push_back(triggers.text(1));
  }
  for (auto& t : names) db.exec("DROP TRIGGER " + quote_ident(t), "preparing a bulk load of " + name);
  // Rows already in the table (a layer cleared later in this write) are not in `boxes`.
  bool empty = db.integer("SELECT NOT EXISTS (SELECT 1 FROM " + quote_ident(name) + ")") == 1;
  bulk_[name] = BulkLoad{std::move(saved), {}, empty};
}

void SpatialiteWriter::finish() {
  Db& db = store_.db();
  for (auto& [name, load] : bulk_) {
    if (!load.boxes_complete) load.boxes = detail::read_row_boxes(db.handle(), db.file(), name, kGeometryColumn);
    detail::pack_rtree(db.handle(), db.file(), name, kGeometryColumn, load.boxes);
    BBox extent;
    for (auto& b : load.boxes) extent.expand(BBox{b.minx, b.miny, b.maxx, b.maxy});
    extents_[name] = extent;
    for (auto& sql : load.triggers) db.exec(sql, "restoring the triggers of " + name);
  }
  bulk_.clear();
}

void SpatialiteWriter::drop_layer(std::string_view name) {
  LayerInfo info = store_.layer(name);
  Db& db = store_.db();
  layers_.erase(info.name);
  inserts_.erase(info.name);
  touched_.erase(info.name);
  rows_touched_.erase(info.name);
  if (auto bulk = bulk_.find(info.name); bulk != bulk_.end()) {
    for (auto& sql : bulk->second.triggers) db.exec(sql, "restoring the triggers of " + info.name);
    bulk_.erase(bulk);
  }
  if (store_.sealed(info)) {
    db.exec("DROP TABLE " + quote_ident(info.name), "dropping layer " + info.name);
    auto meta = db.prepare("DELETE FROM sitmap_meta WHERE key = ?");
    meta.bind(1, std::string_view(sealed_fields_key(info.name)));
    meta.run();
  } else {
    auto drop = db.prepare("SELECT DropTable(NULL, ?)");
    drop.bind(1, std::string_view(info.name));
    if (!drop.step() || drop.integer(0) != 1)
      throw Error(ErrorKind::Internal, db.file() + ": SpatiaLite could not drop layer " + info.name);
  }
  auto cat = db.prepare("DELETE FROM layers WHERE name = ?");
  cat.bind(1, std::string_view(info.name));
  cat.run();
  if (store_.schema_ >= kPackedSince) {
    auto packed = db.prepare("DELETE FROM sitmap_packed WHERE layer = ?");
    packed.bind(1, std::string_view(info.name));
    packed.run();
  }
}

void SpatialiteWriter::clear_layer(std::string_view name) {
  const LayerInfo& info = layer_info(name);
  const bool sealed = store_.sealed(info);
  if (!sealed) begin_bulk(info.name);
  store_.db().exec("DELETE FROM " + quote_ident(info.name), "clearing layer " + info.name);
  if (!sealed) {
    bulk_[info.name].boxes.clear();
    bulk_[info.name].boxes_complete = true;
  }
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
}

void SpatialiteWriter::update_layer_info(const LayerInfo& info) {
  // A layer's rows are kept sealed or in clear from its creation: its kind cannot cross that line in place.
  if ((layer_info(info.name).kind == LayerKind::Sensitive) != (info.kind == LayerKind::Sensitive))
    throw Error(ErrorKind::BadInput, "layer '" + info.name + "': a layer becomes sensitive, or stops being so, only "
                                         "by importing it again (--mode replace --kind ...)");
  auto s = store_.db().prepare("UPDATE layers SET title_zh = ?, title_en = ?, kind = ?, style = ?, source = ? WHERE name = ?");
  s.bind(1, std::string_view(info.title_zh)).bind(2, std::string_view(info.title_en));
  s.bind(3, std::string_view(layer_kind_name(info.kind))).bind(4, std::string_view(info.style));
  s.bind(5, std::string_view(info.source)).bind(6, std::string_view(info.name));
  s.run();
  layers_.erase(info.name);
  touched_.insert(info.name);
}

void SpatialiteWriter::bind_values(Statement& s, const LayerInfo& info, const Feature& f, int first) {
  if (f.values.size() != info.fields.size())
    throw Error(ErrorKind::BadInput, "layer '" + info.name + "': feature has " + std::to_string(f.values.size()) +
                                         " values, the layer has " + std::to_string(info.fields.size()) + " fields");
  for (size_t i = 0; i < f.values.size(); ++i) s.bind(first + static_cast<int>(i), f.values[i]);
  int g = first + static_cast<int>(f.values.size());
  if (f.geometry.is_empty())
    s.bind_null(g);
  else
    s.bind_blob(g, to_wkb(conform(f.geometry, info.geom_type)));
}

int64_t SpatialiteWriter::insert(std::string_view layer, const Feature& f) {
  const LayerInfo& info = layer_info(layer);
  if (info.kind == LayerKind::Sensitive && store_.sealed(info))
    throw sealed_refusal(info.name, "its rows are stored sealed only (access::row_sealer)");
  auto it = inserts_.find(layer);
  if (it == inserts_.end()) {
    std::string cols = "id", params = "?1";
    int n = 2;
    for (auto& fd : info.fields) {
      cols += ", " + quote_ident(fd.name);
      params += ", ?" + std::to_string(n++);
    }
    std::string sql = "INSERT INTO " + quote_ident(info.name) + " (" + cols + ", " + quote_ident(kGeometryColumn) +
                      ") VALUES (" + params + ", GeomFromWKB(?" + std::to_string(n) + ", 4326))";
    it = inserts_.emplace(std::string(layer), store_.db().prepare(sql)).first;
  }
  auto bulk = bulk_.find(info.name);
  if (bulk != bulk_.end() && !f.geometry.is_empty() && conform(f.geometry, info.geom_type).type != info.geom_type)
    throw Error(ErrorKind::BadInput, "layer '" + info.name + "' holds " + geom_type_name(info.geom_type) +
                                         " geometries; feature " + (f.id ? std::to_string(f.id) : std::string("new")) +
                                         " is a " + geom_type_name(f.geometry.type));
  Statement& s = it->second;
  s.reset();
  if (f.id != 0) s.bind(1, f.id); else s.bind_null(1);
  bind_values(s, info, f, 2);
  try {
    s.run();
  } catch (const Error& e) {
    throw Error(e.kind(), std::string(e.what()) + " (layer '" + info.name + "', feature " +
                              (f.id ? std::to_string(f.id) : std::string("new")) + ", geometry " +
                              geom_type_name(f.geometry.type) + " into a " + geom_type_name(info.geom_type) + " layer)");
  }
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
  int64_t id = f.id != 0 ? f.id : sqlite3_last_insert_rowid(store_.db().handle());
  if (bulk != bulk_.end() && !f.geometry.is_empty()) {
    BBox b = f.geometry.bbox();
    bulk->second.boxes.push_back({id, b.minx, b.maxx, b.miny, b.maxy});
  }
  return id;
}

void SpatialiteWriter::update(std::string_view layer, const Feature& f) {
  const LayerInfo& info = layer_info(layer);
  if (info.kind == LayerKind::Sensitive && store_.sealed(info))
    throw sealed_refusal(info.name, "its rows are stored sealed only (access::row_sealer)");
  std::string sets;
  int n = 1;
  for (auto& fd : info.fields) sets += quote_ident(fd.name) + " = ?" + std::to_string(n++) + ", ";
  sets += quote_ident(kGeometryColumn) + " = GeomFromWKB(?" + std::to_string(n) + ", 4326)";
  auto s = store_.db().prepare("UPDATE " + quote_ident(info.name) + " SET " + sets + " WHERE id = ?" +
                               std::to_string(n + 1));
  bind_values(s, info, f, 1);
  s.bind(n + 1, f.id);
  s.run();
  if (auto bulk = bulk_.find(info.name); bulk != bulk_.end()) bulk->second.boxes_complete = false;
  if (sqlite3_changes(store_.db().handle()) == 0)
    throw Error(ErrorKind::NotFound, "layer '" + info.name + "' has no feature " + std::to_string(f.id));
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
}

void SpatialiteWriter::remove(std::string_view layer, int64_t id) {
  const LayerInfo& info = layer_info(layer);
  auto s = store_.db().prepare("DELETE FROM " + quote_ident(info.name) + " WHERE id = ?");
  s.bind(1, id);
  s.run();
  if (auto bulk = bulk_.find(info.name); bulk != bulk_.end()) bulk->second.boxes_complete = false;
  if (sqlite3_changes(store_.db().handle()) == 0)
    throw Error(ErrorKind::NotFound, "layer '" + info.name + "' has no feature " + std::to_string(id));
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
}

void SpatialiteWriter::insert_sealed(std::string_view layer, const SealedRow& row) {
  const LayerInfo& info = layer_info(layer);
  if (!store_.sealed(info)) throw Error(ErrorKind::BadInput, "layer '" + info.name + "' is not sensitive: insert its rows");
  if (row.id <= 0) throw Error(ErrorKind::BadInput, "layer '" + info.name + "': a sealed row needs its id");
  auto s = store_.db().prepare("INSERT INTO " + quote_ident(info.name) + " (id, block_no, category, sealed) VALUES (?, ?, ?, ?)");
  s.bind(1, row.id);
  if (row.block_no.empty()) s.bind_null(2); else s.bind(2, std::string_view(row.block_no));  // numbers become integers
  s.bind(3, std::string_view(row.category)).bind_blob(4, row.sealed);
  s.run();
  touched_.insert(info.name);
  rows_touched_.insert(info.name);
}

int64_t SpatialiteWriter::next_id(std::string_view layer) {
  return store_.db().integer("SELECT coalesce(max(id), 0) + 1 FROM " + quote_ident(layer_info(layer).name));
}

void SpatialiteWriter::set_metadata(std::string_view key, std::string_view value) {
  auto s = store_.db().prepare("INSERT OR REPLACE INTO sitmap_meta (key, value) VALUES (?, ?)");
  s.bind(1, key).bind(2, value);
  s.run();
}

void SpatialiteWriter::log_import(const ImportLogEntry& e) {
  auto s = store_.db().prepare(
      "INSERT INTO import_log (layer, file, file_size, format, crs, encoding, mode, read, written, repaired, skipped, "
      "seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, std::string_view(e.layer)).bind(2, std::string_view(e.file)).bind(3, e.file_size);
  s.bind(4, std::string_view(e.format)).bind(5, std::string_view(e.crs)).bind(6, std::string_view(e.encoding));
  s.bind(7, std::string_view(e.mode)).bind(8, e.read).bind(9, e.written).bind(10, e.repaired).bind(11, e.skipped);
  s.bind(12, e.seconds);
  s.run();
}

void SpatialiteWriter::put_user(const UserRecord& u) {
  auto s = store_.db().prepare(
      "INSERT INTO users (name, role, password_hash, cleared, disabled, failures, locked_until) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
      "password_hash = excluded.password_hash, cleared = excluded.cleared, disabled = excluded.disabled, "
      "failures = excluded.failures, locked_until = excluded.locked_until");
  s.bind(1, std::string_view(u.name)).bind(2, std::string_view(u.role)).bind(3, std::string_view(u.password_hash));
  s.bind(4, int64_t{u.cleared}).bind(5, int64_t{u.disabled}).bind(6, u.failures).bind(7, u.locked_until);
  s.run();
}

void SpatialiteWriter::append_audit(const AuditEntry& e) {
  auto s = store_.db().prepare(
      "INSERT INTO audit_log (seq, at, user, action, object, outcome, mac) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, e.seq).bind(2, std::string_view(e.at)).bind(3, std::string_view(e.user));
  s.bind(4, std::string_view(e.action)).bind(5, std::string_view(e.object)).bind(6, std::string_view(e.outcome));
  s.bind(7, std::string_view(e.mac));
  s.run();
}

}  // namespace

std::unique_ptr<Store> open_spatialite(const std::filesystem::path& file, OpenMode mode) {
  if (mode != OpenMode::Create && !std::filesystem::exists(file))
    throw Error(ErrorKind::NotFound, file.string() + ": no such file");
  return std::make_unique<SpatialiteStore>(file, mode, kSchemaVersion);
}

std::unique_ptr<Store> create_spatialite_at_version(const std::filesystem::path& file, int version) {
  return std::make_unique<SpatialiteStore>(file, OpenMode::Create, version);
}

}  // namespace sitmap::store
