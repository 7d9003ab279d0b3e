#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/core/wkb.hpp"
#include "sitmap/store/snapshot.hpp"
#include "sitmap/store/store.hpp"
#include "store_fixture.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::store;

namespace {

class StoreTest : public test::StoreDirTest {
 protected:
  static LayerInfo incidents_layer() {
    LayerInfo info;
    info.name = "incidents";
    info.title_zh = "案事件";
    info.title_en = "Incidents";
    info.geom_type = GeomType::Point;
    info.kind = LayerKind::Operational;
    info.fields = {{"category", FieldType::Text}, {"severity", FieldType::Integer}, {"occurred_at", FieldType::Text}};
    return info;
  }
  static Feature incident(double lon, double lat, std::string category, int64_t severity, std::string when) {
    Feature f;
    f.geometry = Geometry::point({lon, lat});
    f.values = {std::move(category), severity, std::move(when)};
    return f;
  }
  // A workspace with a 10 x 10 lattice of incidents around the demo district.
  static LayerInfo blocks_layer(GeomType type) {
    LayerInfo blocks;
    blocks.name = "blocks";
    blocks.title_zh = "网格";
    blocks.geom_type = type;
    blocks.fields = {{"block_no", FieldType::Integer}};
    return blocks;
  }
  // Block 7 of blocks_layer: a triangle.
  static Feature block_7() {
    Feature f;
    f.geometry = Geometry::polygon(Polygon{{{{121.46, 31.21}, {121.47, 31.21}, {121.47, 31.22}, {121.46, 31.21}}}});
    f.values = {int64_t{7}};
    return f;
  }
  std::unique_ptr<Store> lattice(const std::string& name) {
    auto store = open_spatialite(path(name), OpenMode::Create);
    store->write([](Writer& w) {
      w.create_layer(incidents_layer());
      for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j)
          w.insert("incidents", incident(121.46 + i * 0.002, 31.21 + j * 0.001, i % 2 ? "电信诈骗" : "入民宅盗窃",
                                         1 + j % 5, "2026-0" + std::to_string(1 + j % 9) + "-15T10:00:00"));
    });
    return store;
  }

};

TEST_F(StoreTest, CreateWriteReopenKeepsLayersAndRows) {
  {
    auto store = lattice("a.sqlite");
    EXPECT_EQ(store->info().schema_version, kSchemaVersion);
  }
  auto store = open_spatialite(path("a.sqlite"), OpenMode::ReadOnly);
  auto info = store->layer("incidents");
  EXPECT_EQ(info.title_zh, "案事件");
  EXPECT_EQ(info.count, 100);
  EXPECT_EQ(info.geom_type, GeomType::Point);
  ASSERT_EQ(info.fields.size(), 3u);
  EXPECT_EQ(info.fields[1].name, "severity");
  EXPECT_EQ(info.fields[1].type, FieldType::Integer);
  EXPECT_NEAR(info.extent.minx, 121.46, 1e-12);
  EXPECT_NEAR(info.extent.maxx, 121.478, 1e-12);
  EXPECT_NEAR(info.extent.maxy, 31.219, 1e-12);
  auto rows = store->features("incidents", Query{.where = "id = 12"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows[0].values[0]), "电信诈骗");
  EXPECT_DOUBLE_EQ(rows[0].geometry.points.at(0).x, 121.462);
  EXPECT_DOUBLE_EQ(rows[0].geometry.points.at(0).y, 31.211);
}

TEST_F(StoreTest, FailedWriteRollsBackEverything) {
  auto store = lattice("a.sqlite");
  std::string before = store->content_hash();
  EXPECT_THROW(store->write([](Writer& w) {
                 w.insert("incidents", incident(121.47, 31.22, "火情", 3, "2026-01-01"));
                 w.clear_layer("incidents");
                 w.set_metadata("note", "half-done");
                 throw std::runtime_error("simulated failure mid-write");
               }),
               std::runtime_error);
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_EQ(store->layer("incidents").count, 100);
  EXPECT_FALSE(store->metadata("note").has_value());
  // A store error (wrong geometry type) rolls back the rows inserted before it in the same write.
  Feature line;
  line.geometry = Geometry::line({{121.47, 31.22}, {121.48, 31.23}});
  line.values = {std::string("x"), int64_t{1}, std::string("2026-01-01")};
  try {
    store->write([&](Writer& w) {
      w.insert("incidents", incident(121.47, 31.22, "火情", 3, "2026-01-01"));
      w.insert("incidents", line);
    });
    FAIL() << "a LINESTRING went into a POINT layer";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("incidents"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->content_hash(), before);
}

TEST_F(StoreTest, AProcessKilledMidWriteLeavesTheDatabaseAsItWas) {
  std::string before;
  { before = lattice("a.sqlite")->content_hash(); }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = open_spatialite(path("a.sqlite"), OpenMode::ReadWrite);
    store->write([](Writer& w) {
      w.clear_layer("incidents");
      for (int i = 0; i < 20000; ++i) w.insert("incidents", incident(121.47, 31.22, "火情", 1, "2026-01-01"));
      ::kill(::getpid(), SIGKILL);  // dies holding an uncommitted transaction
    });
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto store = open_spatialite(path("a.sqlite"), OpenMode::ReadWrite);
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_EQ(store->layer("incidents").count, 100);
}

TEST_F(StoreTest, BboxQueryUsesTheSpatialIndexAndIsExact) {
  auto store = lattice("a.sqlite");
  Query q;
  q.bbox = BBox{121.4615, 31.2105, 121.4665, 31.2125};  // x in {121.462,121.464,121.466}, y in {31.211,31.212}
  std::string plan = store->query_plan("incidents", q);
  EXPECT_NE(plan.find("idx_incidents_geometry"), std::string::npos) << plan;
  EXPECT_NE(plan.find("VIRTUAL TABLE INDEX"), std::string::npos) << plan;
  EXPECT_EQ(store->count("incidents", q), 6);
  for (auto& f : store->features("incidents", q)) EXPECT_TRUE(q.bbox->contains(f.geometry.points[0]));
  // Boxes touching a point from outside within float rounding must not return it (exact post-filter).
  q.bbox = BBox{121.4620001, 31.2110001, 121.4630, 31.2115};
  EXPECT_EQ(store->count("incidents", q), 0);
}

TEST_F(StoreTest, WhereFiltersAreValidatedAgainstFields) {
  auto store = lattice("a.sqlite");
  EXPECT_EQ(store->count("incidents", Query{.where = "category = '电信诈骗' AND severity >= 4"}), 20);
  EXPECT_EQ(store->count("incidents", Query{.where = "severity IN (1, 2) OR occurred_at LIKE '2026-09%'"}), 50);
  try {
    store->count("incidents", Query{.where = "colour = 'red'"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("unknown field 'colour'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store->count("incidents", Query{.where = "1=1; DROP TABLE incidents"}), Error);
  EXPECT_THROW(store->count("incidents", Query{.where = "severity = 1 --"}), Error);
  EXPECT_THROW(store->count("incidents", Query{.where = "(severity = 1"}), Error);
  EXPECT_EQ(store->layer("incidents").count, 100);
}

TEST_F(StoreTest, MigratesAnOlderSchemaForward) {
  {
    auto old = create_spatialite_at_version(path("old.sqlite"), 1);
    EXPECT_EQ(old->info().schema_version, 1);
    old->write([](Writer& w) { w.create_layer(incidents_layer()); });
  }
  auto store = open_spatialite(path("old.sqlite"), OpenMode::ReadWrite);
  EXPECT_EQ(store->info().schema_version, kSchemaVersion);
  EXPECT_TRUE(store->find_layer("incidents").has_value());
  store->write([](Writer& w) {
    ImportLogEntry e;
    e.layer = "incidents";
    e.file = "x.csv";
    e.read = 3;
    w.log_import(e);
  });
  ASSERT_EQ(store->import_log().size(), 1u);
  EXPECT_EQ(store->import_log()[0].read, 3);
}

TEST_F(StoreTest, RefusesANewerSchemaWithAClearMessage) {
  { lattice("new.sqlite"); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("new.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  try {
    open_spatialite(path("new.sqlite"), OpenMode::ReadWrite);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NewerSchema);
    EXPECT_NE(std::string(e.what()).find("new.sqlite"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("newer sitmap"), std::string::npos);
  }
}

TEST_F(StoreTest, ClearErrorsForMissingForeignAndGarbageFiles) {
  auto expect_error = [&](const fs::path& p, OpenMode mode, ErrorKind kind) {
    try {
      open_spatialite(p, mode);
      FAIL() << p;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.filename().string()), std::string::npos) << e.what();
    }
  };
  expect_error(path("missing.sqlite"), OpenMode::ReadOnly, ErrorKind::NotFound);
  std::ofstream(path("garbage.sqlite")) << "this is not a database at all, just some text\n";
  expect_error(path("garbage.sqlite"), OpenMode::ReadWrite, ErrorKind::NotSitmap);
  sqlite3* db = nullptr;
  sqlite3_open(path("other.sqlite").c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_error(path("other.sqlite"), OpenMode::ReadWrite, ErrorKind::NotSitmap);
  expect_error(path("other.sqlite"), OpenMode::Create, ErrorKind::NotSitmap);
}

TEST_F(StoreTest, AWriterBlockedByAnotherProcessGetsLocked) {
  auto store = lattice("a.sqlite");
  std::string before = store->content_hash();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path("a.sqlite").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    store->write([](Writer& w) { w.set_metadata("k", "v"); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Locked) << e.what();
    EXPECT_NE(std::string(e.what()).find("a.sqlite"), std::string::npos);
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(store->content_hash(), before);
}

TEST_F(StoreTest, ReadOnlyStoresRefuseWrites) {
  { lattice("a.sqlite"); }
  auto store = open_spatialite(path("a.sqlite"), OpenMode::ReadOnly);
  try {
    store->write([](Writer& w) { w.set_metadata("k", "v"); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ReadOnly);
  }
}

TEST_F(StoreTest, LayerNamesAndFieldsAreChecked) {
  auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
  for (std::string bad : {"Layers", "layers", "1st", "idx_x", "spatial_ref_sys", "drop table", ""}) {
    LayerInfo info = incidents_layer();
    info.name = bad;
    EXPECT_THROW(store->write([&](Writer& w) { w.create_layer(info); }), Error) << bad;
  }
  LayerInfo dup = incidents_layer();
  dup.fields.push_back({"category", FieldType::Integer});
  EXPECT_THROW(store->write([&](Writer& w) { w.create_layer(dup); }), Error);
  store->write([](Writer& w) { w.create_layer(incidents_layer()); });
  EXPECT_THROW(store->write([](Writer& w) { w.create_layer(incidents_layer()); }), Error);
  EXPECT_EQ(store->layers().size(), 1u);
}

TEST_F(StoreTest, MultiLayersAcceptSingleGeometriesAndDropRemovesEverything) {
  auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
  const LayerInfo blocks = blocks_layer(GeomType::MultiPolygon);
  store->write([&](Writer& w) {
    w.create_layer(blocks);
    w.insert("blocks", block_7());
  });
  auto rows = store->features("blocks");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].geometry.type, GeomType::MultiPolygon);
  store->write([](Writer& w) { w.drop_layer("blocks"); });
  EXPECT_TRUE(store->layers().empty());
  store->write([&](Writer& w) { w.create_layer(blocks); });  // the name is free again
}

// A read-only handle loads SpatiaLite only before SQL that calls it: each spatial read works as the first
// thing a fresh handle does, and after a read that needed none (the packed copy).
TEST_F(StoreTest, AReadOnlyHandleLoadsSpatiaLiteWhenItsSqlNeedsIt) {
  lattice("a.sqlite")->write([](Writer& w) {
    w.create_layer(blocks_layer(GeomType::Polygon));
    w.insert("blocks", block_7());
  });
  const Query box{.bbox = BBox{121.4615, 31.2105, 121.4665, 31.2125}};
  auto fresh = [&] { return open_spatialite(path("a.sqlite"), OpenMode::ReadOnly); };
  EXPECT_EQ(fresh()->info().backend.rfind("SpatiaLite ", 0), 0u) << fresh()->info().backend;
  EXPECT_EQ(fresh()->count("incidents", box), 6);
  EXPECT_NE(fresh()->query_plan("incidents", box).find("idx_incidents_geometry"), std::string::npos);
  auto blocks = fresh()->features("blocks");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(to_wkb(blocks[0].geometry), to_wkb(block_7().geometry));
  auto store = fresh();
  EXPECT_EQ(load_snapshot(*store, "incidents")->size(), 100u);
  EXPECT_EQ(store->count("incidents", box), 6);
}

TEST_F(StoreTest, UpdateAndRemoveByIdAndContentHashFollowsContent) {
  auto a = lattice("a.sqlite");
  auto b = lattice("b.sqlite");
  EXPECT_EQ(a->content_hash(), b->content_hash());
  b->write([](Writer& w) {
    Feature f = incident(121.47, 31.22, "火情", 5, "2026-02-02");
    f.id = 5;
    w.update("incidents", f);
    w.remove("incidents", 6);
  });
  EXPECT_NE(a->content_hash(), b->content_hash());
  EXPECT_EQ(b->layer("incidents").count, 99);
  EXPECT_THROW(b->write([](Writer& w) { w.remove("incidents", 6); }), Error);
  auto row = b->features("incidents", Query{.where = "id = 5"});
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(row[0].values[1]), 5);
}

TEST_F(StoreTest, SnapshotIsColumnarWithMercatorAndTime) {
  auto store = lattice("a.sqlite");
  auto snap = load_snapshot(*store, "incidents");
  ASSERT_EQ(snap->size(), 100u);
  EXPECT_EQ(snap->time_field, "occurred_at");
  ASSERT_EQ(snap->time.size(), 100u);
  EXPECT_NE(snap->time[0], INT64_MIN);
  const Column* sev = snap->column("severity");
  ASSERT_NE(sev, nullptr);
  EXPECT_EQ(sev->number(0), 1.0);
  // Web Mercator: x = R * lon in radians, R = 6378137.
  EXPECT_NEAR(snap->x[0], 6378137.0 * 121.46 * M_PI / 180.0, 1e-3);
  EXPECT_NEAR(snap->lon[0], 121.46, 1e-12);
  EXPECT_TRUE(snap->geometries.empty());
}

}  // namespace

namespace {

class BulkLoadTest : public StoreTest {};

// Every row inserted into a layer created in the same write goes into a packed R*Tree: SpatiaLite must
// accept it as its own, and bbox queries through it must return exactly the brute-force answer.
TEST_F(BulkLoadTest, PackedRTreeIsValidForSpatiaLiteAndExact) {
  auto file = path("bulk.sqlite");
  auto store = open_spatialite(file, OpenMode::Create);
  sitmap::Random rng(3);
  std::vector<XY> pts;
  for (int i = 0; i < 6000; ++i) pts.push_back({rng.uniform(121.455, 121.485), rng.uniform(31.205, 31.228)});
  store->write([&](Writer& w) {
    w.create_layer(incidents_layer());
    for (auto& p : pts) w.insert("incidents", incident(p.x, p.y, "其他", 1, "2026-01-01"));
  });
  // Triggers are back after the bulk load: an appended row is indexed by SpatiaLite itself.
  store->write([](Writer& w) { w.insert("incidents", incident(121.4701, 31.2201, "火情", 2, "2026-01-02")); });
  pts.push_back({121.4701, 31.2201});

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_enable_load_extension(db, 1);
  ASSERT_EQ(sqlite3_load_extension(db, "mod_spatialite", nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT CheckSpatialIndex('incidents', 'geometry'), (SELECT count(*) FROM idx_incidents_geometry)",
                     -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  EXPECT_EQ(sqlite3_column_int(st, 1), 6001);
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA integrity_check", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  for (int q = 0; q < 50; ++q) {
    double x0 = rng.uniform(121.455, 121.48), y0 = rng.uniform(31.205, 31.225);
    BBox box{x0, y0, x0 + rng.uniform(0.0001, 0.01), y0 + rng.uniform(0.0001, 0.005)};
    int64_t expected = std::count_if(pts.begin(), pts.end(), [&](XY p) { return box.contains(p); });
    EXPECT_EQ(store->count("incidents", Query{.bbox = box}), expected) << q;
  }
}

TEST_F(BulkLoadTest, WrongGeometryTypeIsRefusedDuringABulkLoadToo) {
  auto store = open_spatialite(path("bulk.sqlite"), OpenMode::Create);
  Feature line;
  line.geometry = Geometry::line({{121.47, 31.22}, {121.48, 31.23}});
  line.values = {std::string("x"), int64_t{1}, std::string("2026-01-01")};
  try {
    store->write([&](Writer& w) {
      w.create_layer(incidents_layer());
      w.insert("incidents", incident(121.47, 31.22, "火情", 3, "2026-01-01"));
      w.insert("incidents", line);
    });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("LINESTRING"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store->layers().empty());
}

TEST_F(BulkLoadTest, ReplacingALayerRebuildsItsIndex) {
  auto store = lattice("a.sqlite");
  store->write([](Writer& w) {
    w.clear_layer("incidents");
    w.insert("incidents", incident(121.4701, 31.2201, "火情", 2, "2026-01-02"));
  });
  EXPECT_EQ(store->count("incidents", Query{.bbox = BBox{121.4, 31.1, 121.5, 31.3}}), 1);
  EXPECT_EQ(store->count("incidents", Query{.bbox = BBox{121.46, 31.21, 121.4615, 31.2115}}), 0);
  EXPECT_EQ(store->layer("incidents").count, 1);
}

}  // namespace

namespace {

TEST_F(StoreTest, RowsMovedDuringABulkLoadAreIndexedWhereTheyEndUp) {
  auto store = open_spatialite(path("a.sqlite"), OpenMode::Create);
  store->write([](Writer& w) {
    w.create_layer(incidents_layer());
    int64_t id = w.insert("incidents", incident(121.46, 31.21, "其他", 1, "2026-01-01"));
    w.insert("incidents", incident(121.47, 31.22, "其他", 1, "2026-01-01"));
    Feature moved = incident(121.48, 31.225, "其他", 1, "2026-01-01");
    moved.id = id;
    w.update("incidents", moved);
  });
  EXPECT_EQ(store->count("incidents", Query{.bbox = BBox{121.455, 31.205, 121.465, 31.215}}), 0);
  EXPECT_EQ(store->count("incidents", Query{.bbox = BBox{121.475, 31.22, 121.485, 31.23}}), 1);
  auto info = store->layer("incidents");
  EXPECT_DOUBLE_EQ(info.extent.minx, 121.47);
  EXPECT_DOUBLE_EQ(info.extent.maxx, 121.48);
}

}  // namespace
