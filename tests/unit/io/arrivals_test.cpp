// Files as they arrive at a centre: zipped shapefiles, 3D surfaces (TIN) and curves, files of several
// layers. Each fixture is written by GDAL itself.
#include <gtest/gtest.h>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/encoding.hpp"
#include "sitmap/io/import.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

using ArrivalsTest = IoTest;

std::string text_of(const Value& v) { return std::get<std::string>(v); }

template <class Fn>
void expect_error(Fn fn, ErrorKind kind, std::vector<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << " lacks " << p;
  }
}

// A GBK shapefile without .cpg, zipped inside a folder as mail attachments are:
// read through /vsizip/, with the encoding still detected from the bytes inside the archive.
TEST_F(ArrivalsTest, ZippedShapefileInAFolderImportsLikeTheUnzippedOne) {
  std::string name = encode_from_utf8("淮海中路街道", "GBK");
  auto shp = write_ogr("points.shp", "ESRI Shapefile", "EPSG:4326", wkbPoint, {"name"},
                       {{"POINT (121.4701 31.2201)", {name}}, {"POINT (121.4712 31.2189)", {name}}},
                       {"ENCODING="});  // the bytes as given
  fs::remove(path("points.cpg"));
  auto zipped = zip("mail_attachment.zip", shapefile_parts(shp), "points");
  auto plain = workspace("plain.sqlite");
  ImportOptions o;
  o.layer = "points";
  import_file(*plain, shp, o);
  auto store = workspace();
  auto r = import_file(*store, zipped, o);
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(r.format, "ESRI Shapefile");
  EXPECT_EQ(r.encoding, "GB18030");
  auto got = store->features("points"), want = plain->features("points");
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].values, want[i].values);
    EXPECT_EQ(got[i].geometry.points, want[i].geometry.points);
  }
  EXPECT_EQ(text_of(got[0].values[0]), "淮海中路街道");
  auto preview = preview_import(zipped, {});
  ASSERT_EQ(preview.layers.size(), 1u);
  EXPECT_EQ(preview.layers[0].name, "points");
  EXPECT_EQ(preview.layers[0].feature_count, 2);  // a shapefile counts cheaply
  EXPECT_EQ(preview.layer, "mail_attachment");
}

TEST_F(ArrivalsTest, ZipWithSeveralDatasetsOrNoneIsRefusedByName) {
  auto a = write_ogr("a.geojson", "GeoJSON", "EPSG:4326", wkbPoint, {"n"}, {{"POINT (121.47 31.22)", {"1"}}});
  auto b = write_ogr("b.gpkg", "GPKG", "EPSG:4326", wkbPoint, {"n"}, {{"POINT (121.47 31.22)", {"1"}}});
  auto two = zip("two.zip", {a, b});
  auto notes = write_bytes("notes.txt", "minutes");
  auto none = zip("none.zip", {notes});
  auto store = workspace();
  std::string before = store->content_hash();
  expect_error([&] { import_file(*store, two, {}); }, ErrorKind::BadInput, {"two.zip", "a.geojson", "b.gpkg"});
  expect_error([&] { import_file(*store, none, {}); }, ErrorKind::BadInput, {"none.zip", "no vector data"});
  // Named .zip but not one: refused as before, naming the file.
  auto fake = write_bytes("fake.zip", "not an archive");
  expect_error([&] { import_file(*store, fake, {}); }, ErrorKind::BadInput, {"fake.zip"});
  EXPECT_EQ(store->content_hash(), before);
}

// A FileGDB is a folder; zipped, it is one file, and GDAL reads it through /vsizip/ with all its layers.
TEST_F(ArrivalsTest, ZippedFileGdbListsItsLayersAndImportsTheChosenOne) {
  auto gdb =
      write_ogr("district.gdb", "OpenFileGDB", "EPSG:4326", wkbPoint, {"name"}, {{"POINT (121.47 31.22)", {"一号岗"}}});
  GDALDatasetH ds = GDALOpenEx(gdb.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRSpatialReferenceH sr = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(sr, 4326);
  OGRLayerH cams = GDALDatasetCreateLayer(ds, "cameras", sr, wkbPoint, nullptr);
  OSRRelease(sr);
  for (double x : {121.47, 121.48}) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(cams));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, 31.22);
    OGR_F_SetGeometryDirectly(f, g);
    EXPECT_EQ(OGR_L_CreateFeature(cams, f), OGRERR_NONE);
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  std::vector<fs::path> parts;
  for (auto& e : fs::directory_iterator(gdb)) parts.push_back(e.path());
  auto zipped = zip("district.gdb.zip", parts, "district.gdb");

  auto info = inspect_source(zipped);
  EXPECT_EQ(info.format, "OpenFileGDB");
  ASSERT_EQ(info.layers.size(), 2u);
  EXPECT_EQ(info.layers[1].name, "cameras");
  EXPECT_EQ(info.layers[1].feature_count, 2);
  auto store = workspace();
  ImportOptions o;
  o.source_layer = "cameras";
  auto r = import_file(*store, zipped, o);
  EXPECT_EQ(r.layer, "district_cameras");
  EXPECT_EQ(r.written, 2);
}

// A multipatch shapefile of a triangle strip (how 3D surfaces arrive) reads as TIN: imported as polygons,
// counted. (Separate triangles read as a multi-polygon already.)
TEST_F(ArrivalsTest, TinShapefileBecomesPolygonsAndIsCounted) {
  auto shp = write_ogr("blocks3d.shp", "ESRI Shapefile", "EPSG:4326", wkbTINZ, {"name"},
                       {{"TIN Z (((121.47 31.22 5,121.47 31.221 5,121.471 31.22 5,121.47 31.22 5)),"
                         "((121.47 31.221 5,121.471 31.221 5,121.471 31.22 5,121.47 31.221 5)))",
                         {"a"}},
                        {"", {"b"}}},
                       {"SHPT=MULTIPATCH"});
  auto store = workspace();
  auto r = import_file(*store, shp, {});
  EXPECT_EQ(r.written, 1);
  EXPECT_EQ(r.converted, 1);
  EXPECT_EQ(r.skipped_null, 1);  // skipped and counted as such, not as converted
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("1 curved, TIN or polyhedral"), std::string::npos) << r.warnings[0];
  auto f = store->features("blocks3d").at(0);
  EXPECT_EQ(f.geometry.type, GeomType::MultiPolygon);
  // The two triangles share an edge, which a multi-polygon may not: the repair makes them one square.
  EXPECT_EQ(r.repaired, 1);
  ASSERT_EQ(f.geometry.polygons.size(), 1u);
  EXPECT_EQ(f.geometry.bbox(), (BBox{121.47, 31.22, 121.471, 31.221}));
}

TEST_F(ArrivalsTest, CurvesBecomeLinesAndAreCounted) {
  auto gpkg = write_ogr("arcs.gpkg", "GPKG", "EPSG:4326", wkbMultiCurve, {"name"},
                        {{"MULTICURVE (CIRCULARSTRING (121.47 31.22,121.471 31.221,121.472 31.22))", {"arc"}},
                         {"MULTILINESTRING ((121.47 31.22,121.48 31.23))", {"straight"}}});
  auto store = workspace();
  auto r = import_file(*store, gpkg, {});
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(r.converted, 1);
  auto arc = store->features("arcs").at(0).geometry;
  EXPECT_EQ(arc.type, GeomType::MultiLineString);
  EXPECT_GT(arc.lines.at(0).size(), 3u);  // linearised, through the arc's middle point's neighbourhood
  EXPECT_NEAR(arc.bbox().maxy, 31.221, 1e-6);
}

// A GeoPackage of two layers: both listed with type and count; each imports into a layer of its own by default.
TEST_F(ArrivalsTest, MultiLayerSourceListsLayersAndNamesTargetsByLayer) {
  auto gpkg = two_layer_gpkg("n", {{"POINT (121.47 31.22)", {"1"}}, {"POINT (121.48 31.22)", {"2"}}});

  auto info = inspect_source(gpkg);
  EXPECT_EQ(info.format, "GPKG");
  EXPECT_FALSE(info.is_osm());
  ASSERT_EQ(info.layers.size(), 2u);
  EXPECT_EQ(info.layers[0].name, "district");
  EXPECT_EQ(info.layers[0].geometry, "Point");
  EXPECT_EQ(info.layers[0].feature_count, 2);
  EXPECT_EQ(info.layers[1].name, "roads");
  EXPECT_EQ(info.layers[1].geometry, "Line String");
  EXPECT_EQ(info.layers[1].feature_count, 1);

  ImportOptions o;
  o.source_layer = "roads";
  EXPECT_EQ(preview_import(gpkg, o).layer, "district_roads");
  auto store = workspace();
  EXPECT_EQ(import_file(*store, gpkg, o).layer, "district_roads");
  o.source_layer = "district";
  EXPECT_EQ(import_file(*store, gpkg, o).layer, "district");
  EXPECT_EQ(store->layer("district_roads").geom_type, GeomType::LineString);
  EXPECT_EQ(store->layer("district_roads").title_zh, "district roads");  // told apart in the layer list
  EXPECT_EQ(store->layer("district").count, 2);
  expect_error([&] { inspect_source(path("missing.gpkg")); }, ErrorKind::NotFound, {"missing.gpkg"});
}

}  // namespace
