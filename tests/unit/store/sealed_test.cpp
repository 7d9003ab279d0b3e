// A sensitive layer as the store keeps it: opaque sealed bytes beside the clear block and category, nothing
// else readable through any Store call, no geometry column or spatial index, and no way in but sealed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>

#include "sitmap/core/error.hpp"
#include "sitmap/store/snapshot.hpp"
#include "sitmap/store/store.hpp"
#include "store_fixture.hpp"

using namespace sitmap;

namespace {

class SealedLayer : public store::test::StoreDirTest {
 protected:
  void SetUp() override {
    StoreDirTest::SetUp();
    store_ = store::open_spatialite(path("s.sqlite"), store::OpenMode::Create);
    info_.name = "persons";
    info_.kind = LayerKind::Sensitive;
    info_.fields = {{"name", FieldType::Text}, {"category", FieldType::Text}, {"block_no", FieldType::Integer}};
    store_->write([&](store::Writer& w) {
      w.create_layer(info_);
      w.insert_sealed("persons", {1, "7", "吸毒人员", {1, 2, 3}});
      w.insert_sealed("persons", {w.next_id("persons"), "", "邪教人员", {4, 5}});
    });
  }
  std::string denial(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "not refused";
    return {};
  }
  LayerInfo info_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SealedLayer, KeepsTheFieldListAndOnlyTheClearColumnsAreRead) {
  LayerInfo info = store_->layer("persons");
  ASSERT_EQ(info.fields.size(), 3u);
  EXPECT_EQ(info.fields[0].name, "name");
  EXPECT_EQ(info.fields[2].type, FieldType::Integer);
  EXPECT_EQ(info.count, 2);
  EXPECT_TRUE(info.extent.empty());  // no edges of anyone's position
  auto rows = store_->features("persons");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(is_null(rows[0].values[0]));
  EXPECT_EQ(value_to_string(rows[0].values[1]), "吸毒人员");
  EXPECT_EQ(std::get<int64_t>(rows[0].values[2]), 7);  // numbers come back as numbers
  EXPECT_TRUE(is_null(rows[1].values[2]));
  EXPECT_TRUE(rows[0].geometry.is_empty());
  auto snap = store::load_snapshot(*store_, "persons");
  EXPECT_TRUE(std::isnan(snap->lon[0]));
  EXPECT_FALSE(snap->column("name")->valid[1]);
  std::vector<store::SealedRow> kept;
  store_->scan_sealed("persons", [&](store::SealedRow&& r) { return kept.push_back(std::move(r)), true; });
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].id, 2);
  EXPECT_EQ(kept[0].block_no, "7");
  EXPECT_EQ(kept[1].sealed, (std::vector<uint8_t>{4, 5}));
  EXPECT_EQ(store_->count("persons", {.where = "category = '邪教人员'"}), 1);
}

TEST_F(SealedLayer, NoWayInOrOutButSealed) {
  Feature f;
  f.geometry = Geometry::point({121.47, 31.22});
  f.values = {std::string("张三"), std::string("x"), int64_t{1}};
  std::string hash = store_->content_hash();
  denial([&] { store_->write([&](store::Writer& w) { w.insert("persons", f); }); });
  f.id = 1;
  denial([&] { store_->write([&](store::Writer& w) { w.update("persons", f); }); });
  store::Query area;
  area.bbox = BBox{121.4, 31.2, 121.5, 31.3};
  EXPECT_NE(denial([&] { store_->features("persons", area); }).find("no query by area"), std::string::npos);
  for (const char* where : {"name = '张三'", "name LIKE '%'", "sealed IS NOT NULL", "geometry IS NULL"})
    denial([&] { store_->count("persons", {.where = where}); });
  LayerInfo open = store_->layer("persons");
  open.kind = LayerKind::Operational;
  EXPECT_THROW(store_->write([&](store::Writer& w) { w.update_layer_info(open); }), Error);
  EXPECT_EQ(store_->content_hash(), hash);
  // No geometry column, spatial index or packed copy of the layer.
  sqlite3* db = nullptr;
  sqlite3_open(path("s.sqlite").c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT (SELECT count(*) FROM geometry_columns WHERE f_table_name = 'persons') + (SELECT count(*) "
                     "FROM sqlite_master WHERE name LIKE '%persons%' AND name != 'persons') + (SELECT count(*) FROM "
                     "sitmap_packed WHERE layer = 'persons')",
                     -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SealedLayer, ChangedSealedBytesChangeTheContentHashAndDroppingLeavesNothing) {
  std::string hash = store_->content_hash();
  store_->write([&](store::Writer& w) {
    w.remove("persons", 2);
    w.insert_sealed("persons", {2, "", "邪教人员", {4, 6}});
  });
  EXPECT_NE(store_->content_hash(), hash);
  store_->write([&](store::Writer& w) { w.drop_layer("persons"); });
  EXPECT_FALSE(store_->find_layer("persons"));
  EXPECT_FALSE(store_->metadata("sealed_fields:persons"));
  EXPECT_THROW(store_->write([&](store::Writer& w) { w.insert_sealed("persons", {1, "", "", {1}}); }), Error);
}

}  // namespace
