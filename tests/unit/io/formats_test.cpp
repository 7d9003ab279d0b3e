// The formats beyond CSV, GeoJSON, Shapefile and GeoPackage: XLSX, KML/KMZ, FlatGeobuf and OpenStreetMap.
#include <gtest/gtest.h>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/import.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

using FormatsTest = IoTest;

TEST_F(FormatsTest, XlsxWithCoordinateColumns) {
  auto xlsx =
      write_ogr("cameras.xlsx", "XLSX", "", wkbNone, {"名称", "经度", "纬度", "在线"},
                {{"", {"淮海中路东口", "121.4801", "31.2251", "1"}}, {"", {"思南路", "121.4712", "31.2189", "0"}}}, {},
                {OFTString, OFTReal, OFTReal, OFTInteger});
  auto store = workspace();
  auto preview = preview_import(xlsx, {});
  EXPECT_EQ(preview.x_field, "经度");
  auto r = import_file(*store, xlsx, {});
  EXPECT_EQ(r.format, "XLSX");
  EXPECT_EQ(r.written, 2);
  LayerInfo info = store->layer("cameras");
  ASSERT_EQ(info.fields.size(), 2u);
  EXPECT_EQ(info.fields[1], (FieldDef{"在线", FieldType::Integer}));
  auto rows = store->features("cameras");
  EXPECT_EQ(std::get<std::string>(rows[0].values[0]), "淮海中路东口");
  EXPECT_EQ(rows[1].geometry.points[0], (XY{121.4712, 31.2189}));
}

TEST_F(FormatsTest, KmlAndKmzWith3dCoordinates) {
  for (const char* name : {"route.kml", "route.kmz"}) {
    auto file = write_ogr(name, "LIBKML", "EPSG:4326", wkbLineString25D, {"备注"},
                          {{"LINESTRING Z (121.47 31.22 12, 121.48 31.23 15)", {"巡逻路线"}}});
    auto store = workspace(std::string(name) + ".sqlite");
    auto r = import_file(*store, file, {});
    EXPECT_EQ(r.written, 1) << name;
    auto rows = store->features("route");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].geometry.lines[0][1], (XY{121.48, 31.23}));
    LayerInfo info = store->layer("route");
    int note = info.field_index("备注");
    ASSERT_GE(note, 0) << name;
    EXPECT_EQ(std::get<std::string>(rows[0].values[note]), "巡逻路线");
  }
}

TEST_F(FormatsTest, FlatGeobufInUtm51N) {
  auto fgb = write_ogr("blocks.fgb", "FlatGeobuf", "EPSG:32651", wkbPolygon, {"name"},
                       {{"POLYGON ((346000 3454000, 346100 3454000, 346100 3454100, 346000 3454000))", {"a"}}});
  auto store = workspace();
  auto r = import_file(*store, fgb, {});
  EXPECT_EQ(r.crs, "EPSG:32651");
  EXPECT_EQ(store->layer("blocks").geom_type, GeomType::Polygon);  // FlatGeobuf declares single polygons
  XY expect = geo::Transformer("EPSG:32651", "EPSG:4326").forward(XY{346100, 3454100});
  XY got = store->features("blocks")[0].geometry.polygons[0].rings[0][2];
  EXPECT_NEAR(got.x, expect.x, 1e-9);
  EXPECT_NEAR(got.y, expect.y, 1e-9);
}

const char* kOsmDistrict = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="sitmap test">
  <node id="1" lat="31.2200" lon="121.4700" version="1"/>
  <node id="2" lat="31.2210" lon="121.4750" version="1"/>
  <node id="3" lat="31.2205" lon="121.4720" version="1"/>
  <node id="4" lat="31.2205" lon="121.4730" version="1"/>
  <node id="5" lat="31.2212" lon="121.4730" version="1"/>
  <node id="6" lat="31.2212" lon="121.4720" version="1"><tag k="amenity" v="cafe"/></node>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="淮海中路"/></way>
  <way id="11" version="1"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
    <tag k="building" v="yes"/><tag k="name" v="新天地一号楼"/></way>
  <way id="12" version="1"><nd ref="1"/><nd ref="3"/><tag k="waterway" v="ditch"/></way>
</osm>
)";

TEST_F(FormatsTest, OsmStreetsAndBuildingsIntoTheBasemap) {
  auto osm = write_bytes("district.osm", kOsmDistrict);
  auto store = workspace();
  auto results = import_osm(*store, osm, {});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].layer, "streets");
  EXPECT_EQ(results[0].written, 1);
  EXPECT_FALSE(results[0].outside_region);  // Huaihai Road
  EXPECT_EQ(results[1].layer, "buildings");
  EXPECT_EQ(results[1].written, 1);
  EXPECT_EQ(store->layer("streets").kind, LayerKind::Basemap);
  auto street = store->features("streets")[0];
  EXPECT_EQ(std::get<std::string>(street.values[1]), "淮海中路");
  EXPECT_EQ(std::get<std::string>(street.values[2]), "primary");
  EXPECT_EQ(street.geometry.lines[0][1], (XY{121.4750, 31.2210}));
  auto building = store->features("buildings")[0];
  EXPECT_EQ(std::get<std::string>(building.values[1]), "新天地一号楼");
  EXPECT_EQ(store->import_log().size(), 2u);
  std::string before = store->content_hash();
  EXPECT_THROW(import_osm(*store, osm, {}), Error);  // exists: refused, unchanged
  EXPECT_EQ(store->content_hash(), before);
  ImportOptions replace;
  replace.mode = ImportMode::Replace;
  import_osm(*store, osm, replace);
  EXPECT_EQ(store->layer("streets").count, 1);
}

// GDAL reads but cannot write PBF; osmium (Debian's osmium-tool) converts the same district, and the
// PBF import must give exactly what the XML import gives.
TEST_F(FormatsTest, OsmPbfImportsLikeTheSameDistrictInXml) {
  auto xml = write_bytes("district.osm", kOsmDistrict);
  auto pbf = xml.parent_path() / "district.osm.pbf";
  std::string convert = "osmium cat --overwrite -o '" + pbf.string() + "' '" + xml.string() + "' 2>&1";
  ASSERT_EQ(std::system(convert.c_str()), 0) << "osmium-tool is needed for this test (scripts/packages.txt): " << convert;
  auto from_xml = workspace();
  import_osm(*from_xml, xml, {});
  auto from_pbf = workspace("pbf.sqlite");
  auto results = import_osm(*from_pbf, pbf, {});
  ASSERT_EQ(results.size(), 2u);
  for (const char* layer : {"streets", "buildings"}) {
    auto a = from_xml->features(layer), b = from_pbf->features(layer);
    ASSERT_EQ(a.size(), b.size()) << layer;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].values, b[i].values) << layer;
      EXPECT_EQ(a[i].geometry.bbox(), b[i].geometry.bbox()) << layer;
    }
  }
  EXPECT_EQ(std::get<std::string>(from_pbf->features("streets")[0].values[1]), "淮海中路");
}

}  // namespace
