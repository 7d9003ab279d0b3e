// Snapshots read column by column, and from a layer's packed copy, must equal the snapshot built from one
// Feature per row; the packed copy must follow every write, roll back with it, and step aside when it is
// missing or stale.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/core/wkb.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/store/snapshot.hpp"
#include "sitmap/store/store.hpp"
#include "store_fixture.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::store;

namespace {

// The snapshot as load_snapshot built it before the columnar read: one Feature per row from Store::scan.
Snapshot from_features(const Store& store, std::string_view layer, const Query& query, const std::string& time_field) {
  Snapshot s;
  s.info = store.layer(layer);
  for (auto& f : s.info.fields) s.columns.push_back(Column{f, {}, {}, {}, {}});
  int ti = s.info.field_index(time_field);
  if (ti >= 0) s.time_field = time_field;
  store.scan(layer, query, [&](Feature&& f) {
    s.ids.push_back(f.id);
    for (size_t i = 0; i < f.values.size(); ++i) {
      Column& c = s.columns[i];
      const Value& v = f.values[i];
      c.valid.push_back(!is_null(v));
      auto* iv = std::get_if<int64_t>(&v);
      auto* dv = std::get_if<double>(&v);
      if (c.def.type == FieldType::Integer) c.ints.push_back(iv ? *iv : dv ? static_cast<int64_t>(*dv) : 0);
      if (c.def.type == FieldType::Real) c.reals.push_back(dv ? *dv : iv ? static_cast<double>(*iv) : 0.0);
      if (c.def.type == FieldType::Text) c.texts.push_back(value_to_string(v));
    }
    if (ti >= 0) s.time.push_back(parse_iso_time(value_to_string(f.values[ti])).value_or(INT64_MIN));
    XY p{NAN, NAN};
    if (!f.geometry.is_empty())
      p = f.geometry.points.empty() ? geo::point_on_surface(f.geometry) : f.geometry.points[0];
    s.lon.push_back(p.x);
    s.lat.push_back(p.y);
    if (s.info.geom_type != GeomType::Point) s.geometries.push_back(std::move(f.geometry));
    return true;
  });
  for (size_t i = 0; i < s.size(); ++i) {
    XY m = geo::to_web_mercator(XY{s.lon[i], s.lat[i]});
    s.x.push_back(m.x);
    s.y.push_back(m.y);
  }
  return s;
}

// Bit for bit, so that NaN equals NaN and -0.0 differs from 0.0.
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

void expect_same(const Snapshot& got, const Snapshot& want, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.info.name, want.info.name);
  EXPECT_EQ(got.info.fields, want.info.fields);
  EXPECT_EQ(got.ids, want.ids);
  EXPECT_TRUE(same_bits(got.lon, want.lon));
  EXPECT_TRUE(same_bits(got.lat, want.lat));
  EXPECT_TRUE(same_bits(got.x, want.x));
  EXPECT_TRUE(same_bits(got.y, want.y));
  EXPECT_EQ(got.time_field, want.time_field);
  EXPECT_EQ(got.time, want.time);
  ASSERT_EQ(got.columns.size(), want.columns.size());
  for (size_t c = 0; c < got.columns.size(); ++c) {
    SCOPED_TRACE(got.columns[c].def.name);
    EXPECT_EQ(got.columns[c].valid, want.columns[c].valid);
    EXPECT_EQ(got.columns[c].ints, want.columns[c].ints);
    EXPECT_TRUE(same_bits(got.columns[c].reals, want.columns[c].reals));
    EXPECT_EQ(got.columns[c].texts, want.columns[c].texts);
  }
  ASSERT_EQ(got.geometries.size(), want.geometries.size());
  for (size_t i = 0; i < got.geometries.size(); ++i)
    EXPECT_EQ(got.geometries[i].is_empty() ? std::vector<uint8_t>{} : to_wkb(got.geometries[i]),
              want.geometries[i].is_empty() ? std::vector<uint8_t>{} : to_wkb(want.geometries[i]))
        << "row " << i;
}

class SnapshotTest : public test::StoreDirTest {
 protected:
  static LayerInfo incidents_layer() {
    LayerInfo info;
    info.name = "incidents";
    info.title_zh = "案事件";
    info.geom_type = GeomType::Point;
    info.fields = {{"category", FieldType::Text},
                   {"severity", FieldType::Integer},
                   {"occurred_at", FieldType::Text},
                   {"score", FieldType::Real}};
    return info;
  }
  static Feature row(int64_t id, std::optional<XY> at, Value category, Value severity, Value when, Value score) {
    Feature f;
    f.id = id;
    if (at) f.geometry = Geometry::point(*at);
    f.values = {std::move(category), std::move(severity), std::move(when), std::move(score)};
    return f;
  }
  // Ordinary rows and the awkward ones: nulls everywhere, no geometry, times that do not parse or are
  // dates only, values SQLite stores in another storage class than the field's type, ids with gaps.
  // a.sqlite holding the incidents layer with write_edge_cases' rows.
  std::unique_ptr<Store> edge_case_store() {
    auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
    store->write([](Writer& w) {
      w.create_layer(incidents_layer());
      write_edge_cases(w);
    });
    return store;
  }
  static void write_edge_cases(Writer& w) {
    const Value null;
    w.insert("incidents", row(3, XY{121.47, 31.22}, std::string("火情"), int64_t{2}, std::string("2026-03-01T08:00:00"), 1.5));
    w.insert("incidents", row(4, std::nullopt, null, null, null, null));
    w.insert("incidents", row(5, XY{121.46, 31.21}, std::string(""), int64_t{-7}, std::string("yesterday"), -0.0));
    w.insert("incidents", row(9, XY{121.465, 31.215}, int64_t{42}, std::string("high"), std::string("2026-03-02"), int64_t{3}));
    w.insert("incidents", row(1000, XY{121.4801, 31.2251}, 2.5, 2.7, int64_t{20260301}, std::string("n/a")));
    w.insert("incidents", row(1001, XY{121.475, 31.2}, std::string("火情"), int64_t{1} << 40, std::string("2026-03-01 09:30"), null));
  }
  static LayerInfo blocks_layer() {
    LayerInfo info;
    info.name = "blocks";
    info.title_zh = "网格";
    info.geom_type = GeomType::MultiPolygon;
    info.fields = {{"block_no", FieldType::Integer}, {"updated", FieldType::Text}};
    return info;
  }

  // The parts of a layer's packed copy, read with plain SQLite.
  std::map<std::string, std::vector<uint8_t>> packed(const fs::path& file, const std::string& layer) {
    std::map<std::string, std::vector<uint8_t>> parts;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT part, data FROM sitmap_packed WHERE layer = ?", -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_text(st, 1, layer.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 1));
      parts[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))].assign(p, p + sqlite3_column_bytes(st, 1));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return parts;
  }
  // Another program changing the file with plain SQL.
  void exec(const fs::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << sql;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // Every way of reading `layer` compared with the Feature path: the whole layer (packed copy when there is
  // one), filtered reads (column by column from the rows) and a time field of every kind.
  void expect_all_reads_match(const Store& store, const std::string& layer) {
    std::vector<std::pair<std::string, Query>> queries = {
        {"whole layer", Query{}},
        {"limit", Query{.limit = 1000}},
        {"where", Query{.where = layer == "blocks" ? "block_no >= 2" : "severity >= 2 OR category IS NULL"}},
        {"bbox", Query{.bbox = BBox{121.455, 31.205, 121.4655, 31.2155}}},
        {"no geometry", Query{.with_geometry = false}},
    };
    for (auto& [what, q] : queries)
      for (std::string time_field : {"occurred_at", "updated", "category", "severity", "no_such_field"}) {
        SnapshotOptions options;
        options.query = q;
        options.time_field = time_field;
        Snapshot want = from_features(store, layer, q, time_field);
        expect_same(*load_snapshot(store, layer, options), want, layer + ", " + what + ", time from " + time_field);
        // Only some fields: the same rows, those columns in the layer's order, times from any field.
        const std::vector<std::vector<std::string>> subsets = {{"occurred_at", "block_no", "category", "updated"}, {}};
        for (auto& only : subsets) {
          SnapshotOptions some = options;
          Snapshot projected = want;
          projected.info.fields.clear();
          projected.columns.clear();
          for (auto& c : want.columns)
            if (std::find(only.begin(), only.end(), c.def.name) != only.end()) {
              projected.info.fields.push_back(c.def);
              projected.columns.push_back(c);
            }
          std::vector<std::string> present;
          for (auto& f : only)
            if (want.info.field_index(f) >= 0) present.push_back(f);
          some.fields = present;
          expect_same(*load_snapshot(store, layer, some), projected,
                      layer + ", " + what + ", time from " + time_field + ", " + std::to_string(present.size()) + " fields");
        }
      }
  }

};

TEST_F(SnapshotTest, ColumnarAndPackedReadsEqualTheFeaturePathOnEdgeCases) {
  auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
  store->write([](Writer& w) {
    w.create_layer(incidents_layer());
    write_edge_cases(w);
    w.create_layer(blocks_layer());
    Feature block;
    block.geometry = Geometry::polygon(Polygon{{{{121.46, 31.21}, {121.47, 31.21}, {121.47, 31.22}, {121.46, 31.21}}}});
    block.values = {int64_t{1}, std::string("2026-01-01")};
    w.insert("blocks", block);
    Feature empty;
    empty.values = {int64_t{2}, Value{}};
    w.insert("blocks", empty);
    block.geometry.type = GeomType::MultiPolygon;
    block.geometry.polygons.push_back(Polygon{{{{121.48, 31.22}, {121.49, 31.22}, {121.49, 31.23}, {121.48, 31.22}}}});
    block.values = {int64_t{3}, std::string("not a date")};
    w.insert("blocks", block);
  });
  EXPECT_FALSE(packed(path("a.sqlite"), "incidents").empty());
  EXPECT_TRUE(packed(path("a.sqlite"), "blocks").empty()) << "only point layers are packed";
  expect_all_reads_match(*store, "incidents");
  expect_all_reads_match(*store, "blocks");
  // The mixed storage classes really are in the file (else the comparison above proves less).
  auto snap = load_snapshot(*store, "incidents");
  EXPECT_EQ(snap->column("category")->texts[3], "42");
  EXPECT_EQ(snap->column("severity")->ints[3], 0);
  EXPECT_EQ(snap->column("severity")->valid[3], 1);
  EXPECT_EQ(snap->column("severity")->ints[4], 2);
  EXPECT_TRUE(std::isnan(snap->lon[1]));
  EXPECT_EQ(snap->time[2], INT64_MIN);
  SnapshotOptions unknown;
  unknown.fields = {{"severity", "colour"}};
  try {
    load_snapshot(*store, "incidents", unknown);
    FAIL() << "an unknown field was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("colour"), std::string::npos) << e.what();
  }
}

// Past a few thousand distinct values a text column is packed row by row instead of as a dictionary.
TEST_F(SnapshotTest, ColumnsOfManyDistinctTextsRoundTrip) {
  auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
  store->write([](Writer& w) {
    w.create_layer(incidents_layer());
    for (int i = 0; i < 6000; ++i)
      w.insert("incidents", row(0, XY{121.46 + i * 1e-6, 31.21}, std::string("第") + std::to_string(i % 4500) + "号",
                                int64_t{i % 5}, format_iso_time(1700000000 + i * 61), i % 7 ? Value{i * 0.5} : Value{}));
  });
  auto snap = load_snapshot(*store, "incidents");
  expect_same(*snap, from_features(*store, "incidents", Query{}, "occurred_at"), "6000 rows");
  EXPECT_EQ(snap->column("category")->texts[4501], "第1号");
}

// The window's workers share one store: packed reads from several threads at once each see a whole copy.
TEST_F(SnapshotTest, ThreadsReadThePackedCopyTogether) {
  auto store = edge_case_store();
  Snapshot want = from_features(*store, "incidents", Query{}, "occurred_at");
  std::vector<std::shared_ptr<const Snapshot>> got(4 * 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) got[t * 20 + i] = load_snapshot(*store, "incidents");
    });
  for (auto& t : threads) t.join();
  for (auto& snap : got) expect_same(*snap, want, "from a thread");
}

TEST_F(SnapshotTest, WholeLayerReadsComeFromThePackedCopy) {
  auto store = edge_case_store();
  auto rows = from_features(*store, "incidents", Query{}, "occurred_at");
  // Another program overwrites the copy's longitudes (not the layer's rows): a whole-layer read shows it,
  // so it did read the copy; a filtered read still comes from the rows.
  exec(path("a.sqlite"), "UPDATE sitmap_packed SET data = zeroblob(length(data)) WHERE part = 'lon'");
  auto snap = load_snapshot(*store, "incidents");
  ASSERT_EQ(snap->size(), rows.size());
  for (double lon : snap->lon) EXPECT_EQ(lon, 0.0);
  EXPECT_EQ(load_snapshot(*store, "incidents", SnapshotOptions{.query = Query{.limit = 100}})->lon[0], rows.lon[0]);
  // A truncated part is not used.
  exec(path("a.sqlite"), "UPDATE sitmap_packed SET data = substr(data, 1, 9) WHERE part = 'lon'");
  expect_same(*load_snapshot(*store, "incidents"), rows, "after truncation");
}

// A reader in metres (the heatmap) asks for x/y only: lon/lat stay empty and everything else is what a full
// read gives, from the packed copy and from the rows alike; a packed copy whose x is cut short is not used.
TEST_F(SnapshotTest, MercatorOnlyReadsLeaveLonLatOutAndTheRestAsAFullRead) {
  auto store = edge_case_store();
  auto rows = from_features(*store, "incidents", Query{}, "occurred_at");
  auto check = [&](const SnapshotOptions& options, const std::string& what) {
    SCOPED_TRACE(what);
    auto snap = load_snapshot(*store, "incidents", options);
    EXPECT_TRUE(snap->lon.empty());
    EXPECT_TRUE(snap->lat.empty());
    Snapshot full = rows;
    full.lon.clear();
    full.lat.clear();
    expect_same(*snap, full, what);
  };
  SnapshotOptions packed{.lonlat = false};
  check(packed, "packed copy");
  SnapshotOptions from_rows{.query = Query{.limit = 1000}, .lonlat = false};
  check(from_rows, "rows");
  exec(path("a.sqlite"), "UPDATE sitmap_packed SET data = substr(data, 1, 9) WHERE part = 'x'");
  check(packed, "packed copy with x cut short");
}

TEST_F(SnapshotTest, PackedCopyFollowsEveryWriteAndRollsBackWithIt) {
  auto file = path("a.sqlite");
  auto store = open_spatialite(file, OpenMode::Create);
  store->write([](Writer& w) {
    w.create_layer(incidents_layer());
    write_edge_cases(w);
  });
  auto current = [&](const std::string& what) {
    EXPECT_FALSE(packed(file, "incidents").empty()) << what;
    expect_same(*load_snapshot(*store, "incidents"), from_features(*store, "incidents", Query{}, "occurred_at"), what);
  };
  current("created");
  store->write([](Writer& w) {
    w.insert("incidents", row(0, XY{121.471, 31.221}, std::string("盗窃"), int64_t{3}, std::string("2026-04-01"), 2.0));
  });
  current("appended");
  store->write([](Writer& w) {
    w.update("incidents", row(5, XY{121.472, 31.222}, std::string("盗窃"), int64_t{4}, std::string("2026-04-02"), 2.5));
    w.remove("incidents", 9);
  });
  current("updated and removed");
  EXPECT_EQ(load_snapshot(*store, "incidents")->size(), 6u);

  auto before = packed(file, "incidents");
  EXPECT_THROW(store->write([](Writer& w) {
                 w.clear_layer("incidents");
                 w.insert("incidents", row(0, XY{121.47, 31.22}, std::string("x"), int64_t{1}, std::string("2026-01-01"), 0.0));
                 throw std::runtime_error("simulated failure mid-write");
               }),
               std::runtime_error);
  EXPECT_EQ(packed(file, "incidents"), before);
  current("after a rolled-back write");

  store->write([](Writer& w) { w.clear_layer("incidents"); });
  current("cleared");
  EXPECT_EQ(load_snapshot(*store, "incidents")->size(), 0u);
  store->write([](Writer& w) { w.drop_layer("incidents"); });
  EXPECT_TRUE(packed(file, "incidents").empty());
}

TEST_F(SnapshotTest, AProcessKilledMidWriteLeavesThePackedCopyAsItWas) {
  auto file = path("a.sqlite");
  {
    auto store = open_spatialite(file, OpenMode::Create);
    store->write([](Writer& w) {
      w.create_layer(incidents_layer());
      write_edge_cases(w);
    });
  }
  auto before = packed(file, "incidents");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = open_spatialite(file, OpenMode::ReadWrite);
    store->write([](Writer& w) {
      w.insert("incidents", row(0, XY{121.47, 31.22}, std::string("x"), int64_t{1}, std::string("2026-01-01"), 0.0));
      ::kill(::getpid(), SIGKILL);  // dies holding an uncommitted transaction, its packed copy deleted by trigger
    });
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto store = open_spatialite(file, OpenMode::ReadWrite);
  EXPECT_EQ(packed(file, "incidents"), before);
  expect_same(*load_snapshot(*store, "incidents"), from_features(*store, "incidents", Query{}, "occurred_at"), "after");
}

TEST_F(SnapshotTest, AChangeByAnotherProgramRetiresThePackedCopy) {
  auto file = path("a.sqlite");
  {
    auto store = open_spatialite(file, OpenMode::Create);
    store->write([](Writer& w) {
      w.create_layer(incidents_layer());
      write_edge_cases(w);
    });
  }
  exec(file, "UPDATE incidents SET severity = 99 WHERE id = 3");
  EXPECT_TRUE(packed(file, "incidents").empty());
  auto store = open_spatialite(file, OpenMode::ReadOnly);
  auto snap = load_snapshot(*store, "incidents");
  EXPECT_EQ(snap->column("severity")->ints[0], 99);
  expect_same(*snap, from_features(*store, "incidents", Query{}, "occurred_at"), "without a copy");
  // Fields added behind sitmap's back do not fire triggers: the copy records its fields and is not used.
  {
    auto rw = open_spatialite(file, OpenMode::ReadWrite);
    rw->write([](Writer& w) { w.remove("incidents", 4); });
  }
  EXPECT_FALSE(packed(file, "incidents").empty());
  exec(file, "ALTER TABLE incidents ADD COLUMN note TEXT");
  auto widened = open_spatialite(file, OpenMode::ReadOnly);
  auto wide = load_snapshot(*widened, "incidents");
  ASSERT_NE(wide->column("note"), nullptr);
  expect_same(*wide, from_features(*widened, "incidents", Query{}, "occurred_at"), "with a new field");
}

TEST_F(SnapshotTest, OlderFilesLoadAndGainPackedCopiesWhenMigrated) {
  auto file = path("old.sqlite");
  std::string hash;
  {
    auto old = create_spatialite_at_version(file, 2);
    old->write([](Writer& w) {
      w.create_layer(incidents_layer());
      write_edge_cases(w);
    });
    // At schema 2 there is no packed copy: snapshots come from the rows.
    expect_same(*load_snapshot(*old, "incidents"), from_features(*old, "incidents", Query{}, "occurred_at"), "schema 2");
    hash = old->content_hash();
  }
  {
    // Opened read-only it stays at schema 2 and loads from the rows (the window opens workspaces so).
    auto read_only = open_spatialite(file, OpenMode::ReadOnly);
    EXPECT_EQ(read_only->info().schema_version, 2);
    expect_same(*load_snapshot(*read_only, "incidents"), from_features(*read_only, "incidents", Query{}, "occurred_at"),
                "schema 2, read-only");
  }
  {
    // Schema 1 lacks the import log: read-only, it is refused with a way out.
    { create_spatialite_at_version(path("older.sqlite"), 1); }
    try {
      open_spatialite(path("older.sqlite"), OpenMode::ReadOnly);
      FAIL() << "schema 1 opened read-only";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ReadOnly);
      EXPECT_NE(std::string(e.what()).find("open it writable once"), std::string::npos) << e.what();
    }
  }
  auto store = open_spatialite(file, OpenMode::ReadWrite);
  EXPECT_EQ(store->info().schema_version, kSchemaVersion);
  EXPECT_FALSE(packed(file, "incidents").empty());
  expect_same(*load_snapshot(*store, "incidents"), from_features(*store, "incidents", Query{}, "occurred_at"), "migrated");
  // The hash covers the catalogue and the layers' rows, not derived copies.
  EXPECT_EQ(store->content_hash(), hash);
  // The triggers came with the migration: a change by another program retires the copy.
  exec(file, "DELETE FROM incidents WHERE id = 3");
  EXPECT_TRUE(packed(file, "incidents").empty());
  EXPECT_EQ(load_snapshot(*store, "incidents")->size(), 5u);
}

}  // namespace

// The briefing wall polls data_version to pick up rows another program commits; every commit must show, not
// only the first after the reader opened (reads in between, packed or row by row, must leave no transaction open).
TEST_F(SnapshotTest, AReaderSeesEveryLaterCommitOfAnotherHandle) {
  auto writer = open_spatialite(path("a.sqlite"), OpenMode::Create);
  writer->write([](Writer& w) {
    w.create_layer(incidents_layer());
    w.insert("incidents", row(0, XY{121.46, 31.21}, std::string("盗窃"), int64_t{1}, std::string("2026-01-01"), 0.5));
  });
  auto reader = open_spatialite(path("a.sqlite"), OpenMode::ReadOnly);
  int64_t version = reader->data_version();
  for (int commit = 1; commit <= 3; ++commit) {
    SCOPED_TRACE("commit " + std::to_string(commit));
    EXPECT_EQ(load_snapshot(*reader, "incidents")->size(), size_t(commit));
    EXPECT_EQ(reader->count("incidents", {}), commit);
    writer->write([&](Writer& w) {
      w.insert("incidents", row(0, XY{121.46 + commit * 1e-4, 31.21}, std::string("诈骗"), int64_t{2},
                                std::string("2026-01-02"), 1.5));
    });
    int64_t now = reader->data_version();
    EXPECT_NE(now, version);
    version = now;
    EXPECT_EQ(load_snapshot(*reader, "incidents")->size(), size_t(commit + 1));
  }
}

// Another process that closes last removes the -wal and -shm unless this process still holds its lock on the file:
// a write from a separate program (a fresh process: a forked child would share this one's idea of its locks) must
// leave an open handle's log in place and its data_version moving (the window's handle lost both once, and with
// them every later commit, after the store read the file's header through a descriptor of its own).
TEST_F(SnapshotTest, AnotherProgramClosingLastLeavesAnOpenHandlesLogInPlace) {
  const auto file = path("a.sqlite");
  open_spatialite(file, OpenMode::Create)->write([](Writer& w) { w.create_layer(incidents_layer()); });
  auto reader = open_spatialite(file, OpenMode::ReadOnly);
  open_spatialite(file, OpenMode::ReadOnly).reset();  // a second handle in this process, opened and closed
  int64_t version = reader->data_version();
  for (int commit = 1; commit <= 2; ++commit) {
    SCOPED_TRACE("commit " + std::to_string(commit));
    EXPECT_EQ(reader->metadata("probe"), commit == 1 ? std::nullopt : std::optional<std::string>("1"));
    std::string script = "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n"
                         "db.execute(\"INSERT OR REPLACE INTO sitmap_meta (key, value) VALUES ('probe', ?)\", (sys.argv[2],))\n"
                         "db.commit()\ndb.close()\n";
    pid_t child = ::fork();
    if (child == 0) {
      ::execlp("python3", "python3", "-c", script.c_str(), file.c_str(), std::to_string(commit).c_str(), nullptr);
      ::_exit(127);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "python3 could not write the probe";
    EXPECT_TRUE(fs::exists(file.string() + "-wal")) << "the other program removed the log an open handle reads";
    int64_t now = reader->data_version();
    EXPECT_NE(now, version);
    version = now;
    EXPECT_EQ(reader->metadata("probe"), std::to_string(commit));
  }
}
