#include "sitmap/io/export.hpp"

#include <cpl_conv.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/import.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

class ExportTest : public IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    store_ = workspace();
    store_->write([](store::Writer& w) {
      LayerInfo info;
      info.name = "hazards";
      info.title_zh = "消防隐患";
      info.geom_type = GeomType::Point;
      info.fields = {{"地址", FieldType::Text}, {"level", FieldType::Integer}, {"score", FieldType::Real}};
      w.create_layer(info);
      Feature f;
      f.geometry = Geometry::point({121.4701, 31.2201});
      f.values = {std::string("淮海中路 300 号（弄堂）"), int64_t{2}, 0.5};
      w.insert("hazards", f);
      f.geometry = Geometry::point({121.4712, 31.2189});
      f.values = {std::string("南昌路"), int64_t{3}, Value{}};
      w.insert("hazards", f);
      info.name = "persons";
      info.kind = LayerKind::Sensitive;
      info.fields = {{"姓名", FieldType::Text}};
      w.create_layer(info);
      w.insert_sealed("persons", {1, "", "", {0}});  // kept sealed: the store takes opaque bytes only
      info.name = "blocks";
      info.kind = LayerKind::Operational;
      info.geom_type = GeomType::Polygon;
      info.fields = {{"name", FieldType::Text}};
      w.create_layer(info);
      f.geometry = Geometry::polygon({{{{121.47, 31.22}, {121.48, 31.22}, {121.48, 31.23}, {121.47, 31.22}}}});
      f.values = {std::string("一号网格")};
      w.insert("blocks", f);
    });
  }

  bool only_expected_files(const std::vector<std::string>& names) {
    std::set<std::string> have, want(names.begin(), names.end());
    want.insert("ws.sqlite");
    for (auto& e : fs::directory_iterator(dir_)) {
      std::string n = e.path().filename().string();
      if (n.rfind("ws.sqlite", 0) != 0)
        have.insert(n);
      else
        have.insert("ws.sqlite");
    }
    return have == want;
  }

  std::unique_ptr<store::Store> store_;
};

TEST_F(ExportTest, GeoPackageRoundTrip) {
  auto r = export_layer(*store_, "hazards", path("h.gpkg"), {});
  EXPECT_EQ(r.format, "GPKG");
  EXPECT_EQ(r.written, 2);
  Read back = read_back(path("h.gpkg"));
  ASSERT_EQ(back.values.size(), 2u);
  EXPECT_EQ(back.fields, (std::vector<std::string>{"地址", "level", "score"}));
  EXPECT_EQ(back.values[0][0], "淮海中路 300 号（弄堂）");
  EXPECT_EQ(back.values[0][1], "2");
  EXPECT_EQ(back.points[1], (XY{121.4712, 31.2189}));
  EXPECT_EQ(back.srs_epsg, "EPSG:4326");
  EXPECT_TRUE(only_expected_files({"h.gpkg"}));
}

TEST_F(ExportTest, ShapefileIsUtf8WithCpgAndPrjAndReimportsByteForByte) {
  export_layer(*store_, "hazards", path("h.shp"), {});
  for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
    EXPECT_TRUE(fs::exists(path(std::string("h") + ext))) << ext;
  std::ifstream cpg(path("h.cpg"));
  std::string enc;
  cpg >> enc;
  EXPECT_EQ(enc, "UTF-8");
  auto other = workspace("other.sqlite");
  ImportOptions o;
  o.layer = "again";
  auto r = import_file(*other, path("h.shp"), o);
  EXPECT_EQ(r.encoding, "UTF-8");
  auto rows = other->features("again");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(rows[0].values[0]), "淮海中路 300 号（弄堂）");
  EXPECT_EQ(rows[0].geometry.points[0], (XY{121.4701, 31.2201}));
}

// The refusal of sensitive layers is services::export_layer's (tests/unit/services/export_test.cpp).

TEST_F(ExportTest, DstSrsAndOffset) {
  ExportOptions o;
  o.dst_srs = "EPSG:4549";
  export_layer(*store_, "hazards", path("gk.geojson"), o);
  Read back = read_back(path("gk.geojson"));
  XY expect = geo::Transformer("EPSG:4326", "EPSG:4549").forward(XY{121.4701, 31.2201});
  ASSERT_EQ(back.points.size(), 2u);
  EXPECT_NEAR(back.points[0].x, expect.x, 1e-3);
  EXPECT_NEAR(back.points[0].y, expect.y, 1e-3);
  ExportOptions amap;
  amap.offset = MapOffset::Gcj02;
  export_layer(*store_, "hazards", path("amap.gpkg"), amap);
  XY gcj = wgs84_to_gcj02({121.4701, 31.2201});
  back = read_back(path("amap.gpkg"));
  EXPECT_NEAR(back.points[0].x, gcj.x, 1e-9);
  EXPECT_NEAR(back.points[0].y, gcj.y, 1e-9);
}

TEST_F(ExportTest, CsvAndXlsxCarryCoordinatesAsColumns) {
  export_layer(*store_, "hazards", path("h.csv"), {});
  std::ifstream in(path("h.csv"), std::ios::binary);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(header.find("lon,lat"), std::string::npos);
  auto other = workspace("other.sqlite");
  import_file(*other, path("h.csv"), {});
  auto rows = other->features("h");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(rows[0].values[0]), "淮海中路 300 号（弄堂）");
  EXPECT_EQ(rows[1].geometry.points[0], (XY{121.4712, 31.2189}));
  export_layer(*store_, "blocks", path("b.xlsx"), {});
  Read back = read_back(path("b.xlsx"));
  ASSERT_EQ(back.values.size(), 1u);
  EXPECT_EQ(back.fields, (std::vector<std::string>{"name", "wkt"}));
  EXPECT_EQ(back.values[0][0], "一号网格");
  EXPECT_EQ(back.values[0][1].rfind("POLYGON", 0), 0u);
}

TEST_F(ExportTest, WhereFilterAndBadInput) {
  ExportOptions o;
  o.where = "level >= 3";
  EXPECT_EQ(export_layer(*store_, "hazards", path("w.geojson"), o).written, 1);
  EXPECT_EQ(read_back(path("w.geojson")).values[0][0], "南昌路");
  EXPECT_THROW(export_layer(*store_, "hazards", path("w.geojson"), o), Error);  // exists
  o.where = "nosuchfield = 1";
  o.overwrite = true;
  EXPECT_THROW(export_layer(*store_, "hazards", path("x.geojson"), o), Error);
  EXPECT_THROW(export_layer(*store_, "hazards", path("x.dat"), {}), Error);
  EXPECT_THROW(export_layer(*store_, "nosuchlayer", path("x.gpkg"), {}), Error);
  EXPECT_TRUE(only_expected_files({"w.geojson"}));
}

TEST_F(ExportTest, CancelledExportLeavesNoFile) {
  std::atomic<bool> cancel{true};
  EXPECT_THROW(export_layer(*store_, "hazards", path("c.shp"), {}, {}, &cancel), Error);
  EXPECT_TRUE(only_expected_files({}));
}

}  // namespace
