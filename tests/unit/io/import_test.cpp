#include "sitmap/io/import.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmath>
#include <csignal>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/encoding.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

using ImportTest = IoTest;

// Runs fn expecting an Error of `kind` whose message contains every one of `parts`.
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

std::string text_of(const Value& v) { return std::get<std::string>(v); }

TEST_F(ImportTest, CsvWithBomAndChineseColumnNames) {
  auto csv = write_bytes("点位.csv",
                         "\xEF\xBB\xBF名称,经度,纬度,数量,编号\n"
                         "淮海中路 1 号,121.4701,31.2201,3,007\n"
                         "瑞金二路,121.4702,31.2202,,110101199001011234\n");
  auto store = workspace();
  ImportOptions o;
  o.layer = "points";
  auto r = import_file(*store, csv, o);
  EXPECT_EQ(r.read, 2);
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(r.encoding, "UTF-8");
  LayerInfo info = store->layer("points");
  ASSERT_EQ(info.fields.size(), 3u);
  EXPECT_EQ(info.fields[0], (FieldDef{"名称", FieldType::Text}));
  EXPECT_EQ(info.fields[1], (FieldDef{"数量", FieldType::Integer}));
  EXPECT_EQ(info.fields[2], (FieldDef{"编号", FieldType::Text}));  // leading zeros and ID numbers stay text
  EXPECT_EQ(info.geom_type, GeomType::Point);
  auto rows = store->features("points");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(text_of(rows[0].values[0]), "淮海中路 1 号");
  EXPECT_EQ(std::get<int64_t>(rows[0].values[1]), 3);
  EXPECT_TRUE(is_null(rows[1].values[1]));
  EXPECT_EQ(text_of(rows[0].values[2]), "007");
  EXPECT_EQ(text_of(rows[1].values[2]), "110101199001011234");
  EXPECT_EQ(rows[1].geometry.points[0], (XY{121.4702, 31.2202}));
  auto log = store->import_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].layer, "points");
  EXPECT_EQ(log[0].file, csv.string());
  EXPECT_EQ(log[0].format, "CSV");
  EXPECT_EQ(log[0].crs, "EPSG:4326");
  EXPECT_EQ(log[0].read, 2);
  EXPECT_EQ(log[0].written, 2);
  EXPECT_EQ(log[0].file_size, static_cast<int64_t>(fs::file_size(csv)));
}

TEST_F(ImportTest, GbkCsvIsDetectedAndDecodedByteForByte) {
  std::string utf8 = "名称,lng,lat\n群租房（整改中）,121.47,31.22\n消防隐患,121.48,31.23\n";
  auto csv = write_bytes("gbk.csv", encode_from_utf8(utf8, "GBK"));
  auto store = workspace();
  auto preview = preview_import(csv, {});
  EXPECT_EQ(preview.encoding, "GB18030");
  EXPECT_EQ(preview.x_field, "lng");
  EXPECT_EQ(preview.y_field, "lat");
  ASSERT_EQ(preview.rows.size(), 2u);
  EXPECT_EQ(preview.rows[0][0], "群租房（整改中）");
  EXPECT_EQ(preview.layer, "gbk");
  auto r = import_file(*store, csv, {});
  EXPECT_EQ(r.layer, "gbk");
  auto rows = store->features("gbk");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(text_of(rows[0].values[0]), "群租房（整改中）");
  EXPECT_EQ(text_of(rows[1].values[0]), "消防隐患");
  EXPECT_EQ(store->layer("gbk").fields[0].name, "名称");
}

TEST_F(ImportTest, EncodingOptionOverridesDetection) {
  // Valid UTF-8 bytes read as GBK give different text: the option wins over detection.
  auto csv = write_bytes("e.csv", "name,x,y\nab,121.47,31.22\n");
  auto store = workspace();
  ImportOptions o;
  o.encoding = "gbk";
  EXPECT_EQ(import_file(*store, csv, o).encoding, "GBK");
  o.encoding = "no-such-encoding";
  o.layer = "other";
  expect_error([&] { import_file(*store, csv, o); }, ErrorKind::BadInput, {"no-such-encoding"});
}

TEST_F(ImportTest, CsvWithWktColumn) {
  auto csv = write_bytes("wkt.csv",
                         "name,wkt\n"
                         "a,\"POLYGON ((121.47 31.22, 121.48 31.22, 121.48 31.23, 121.47 31.22))\"\n"
                         "b,\"MULTIPOLYGON (((121.47 31.22, 121.48 31.22, 121.48 31.23, 121.47 31.22)))\"\n");
  auto store = workspace();
  auto r = import_file(*store, csv, {});
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(store->layer("wkt").geom_type, GeomType::MultiPolygon);  // Polygon + MultiPolygon promoted
  EXPECT_EQ(store->layer("wkt").fields.size(), 1u);
}

TEST_F(ImportTest, CsvUnparsableCoordinateNamesTheRowAndLeavesTheStoreUnchanged) {
  auto store = workspace();
  std::string before = store->content_hash();
  auto csv = write_bytes("bad.csv", "lon,lat,v\n121.47,31.22,1\n121.47,31.22,2\nabc,31.22,3\n");
  expect_error([&] { import_file(*store, csv, {}); }, ErrorKind::BadInput,
               {"bad.csv", "row 3 (line 4)", "'lon'", "'abc'"});
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_TRUE(store->import_log().empty());
  EXPECT_FALSE(store->find_layer("bad"));
}

TEST_F(ImportTest, ErrorPastTheSampleRollsBackEverything) {
  std::string text = "lon,lat,n\n";
  for (int i = 0; i < 7000; ++i) text += "121.47,31.22," + std::to_string(i) + "\n";
  text += "121.47,31.22,not a number\n";
  auto csv = write_bytes("late.csv", text);
  auto store = workspace();
  std::string before = store->content_hash();
  expect_error([&] { import_file(*store, csv, {}); }, ErrorKind::BadInput,
               {"late.csv", "row 7001", "'n'", "not a number"});
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_FALSE(store->find_layer("late"));
}

TEST_F(ImportTest, EmptyAndHeaderOnlyCsvAreRefused) {
  auto store = workspace();
  std::string before = store->content_hash();
  expect_error([&] { import_file(*store, write_bytes("empty.csv", ""), {}); }, ErrorKind::BadInput,
               {"empty.csv", "empty"});
  expect_error([&] { import_file(*store, write_bytes("header.csv", "lon,lat\n"), {}); }, ErrorKind::BadInput,
               {"header.csv"});
  EXPECT_EQ(store->content_hash(), before);
}

TEST_F(ImportTest, CsvWithoutCoordinateColumnsSaysWhatItLookedFor) {
  auto store = workspace();
  expect_error([&] { import_file(*store, write_bytes("nocoord.csv", "a,b\n1,2\n"), {}); }, ErrorKind::BadInput,
               {"nocoord.csv", "--x-field", "Columns: a, b"});
  ImportOptions o;
  o.x_field = "a";
  o.y_field = "b";
  o.src_srs = "EPSG:4326";
  EXPECT_EQ(import_file(*store, path("nocoord.csv"), o).written, 1);
}

TEST_F(ImportTest, GarbageWithAGeojsonNameIsRefused) {
  auto store = workspace();
  std::string before = store->content_hash();
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919 + 13) & 0xff);
  auto file = write_bytes("junk.geojson", junk);
  expect_error([&] { import_file(*store, file, {}); }, ErrorKind::BadInput,
               {"junk.geojson", "not a readable vector file"});
  EXPECT_EQ(store->content_hash(), before);
}

TEST_F(ImportTest, MissingFileIsNotFound) {
  auto store = workspace();
  expect_error([&] { import_file(*store, path("nope.shp"), {}); }, ErrorKind::NotFound, {"nope.shp"});
}

class ShapefileTest : public IoTest {
 protected:
  fs::path make(const std::string& name, const std::string& srs, std::vector<OgrRow> rows) {
    // ENCODING= (empty) makes GDAL write the bytes as given; its empty .cpg goes, as in files from old tools.
    fs::path shp = write_ogr(name, "ESRI Shapefile", srs, wkbPoint, {gbk("名称")}, rows, {"ENCODING="});
    fs::remove(fs::path(shp).replace_extension(".cpg"));
    return shp;
  }
  std::string gbk(const std::string& utf8) { return encode_from_utf8(utf8, "GBK"); }
};

TEST_F(ShapefileTest, GbkWithoutCpgInGaussKruger) {
  // Easting/northing of the Huaihai Road area in EPSG:4549 (CM 120E): computed with PROJ, not typed in.
  geo::Transformer to_gk("EPSG:4326", "EPSG:4549");
  XY a = to_gk.forward(XY{121.4701, 31.2201}), b = to_gk.forward(XY{121.4712, 31.2189});
  char wkt_a[80], wkt_b[80];
  std::snprintf(wkt_a, sizeof wkt_a, "POINT (%.3f %.3f)", a.x, a.y);
  std::snprintf(wkt_b, sizeof wkt_b, "POINT (%.3f %.3f)", b.x, b.y);
  auto shp = make("网格点.shp", "EPSG:4549", {{wkt_a, {gbk("淮海中路街道")}}, {wkt_b, {gbk("综治中心")}}});
  ASSERT_FALSE(fs::exists(path("网格点.cpg")));
  auto store = workspace();
  ImportOptions o;
  o.layer = "grid_points";
  auto r = import_file(*store, shp, o);
  EXPECT_EQ(r.encoding, "GB18030");
  EXPECT_EQ(r.crs, "EPSG:4549");
  auto rows = store->features("grid_points");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(text_of(rows[0].values[0]), "淮海中路街道");
  EXPECT_EQ(text_of(rows[1].values[0]), "综治中心");
  EXPECT_EQ(store->layer("grid_points").fields[0].name, "名称");
  geo::Transformer to_wgs("EPSG:4549", "EPSG:4326");
  XY expect_a = to_wgs.forward(XY{std::round(a.x * 1000) / 1000, std::round(a.y * 1000) / 1000});
  EXPECT_NEAR(rows[0].geometry.points[0].x, expect_a.x, 1e-9);
  EXPECT_NEAR(rows[0].geometry.points[0].y, expect_a.y, 1e-9);
  EXPECT_NEAR(rows[0].geometry.points[0].x, 121.4701, 1e-6);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(ShapefileTest, CpgThatLiesIsDetected) {
  auto shp = make("lies.shp", "EPSG:4326", {{"POINT (121.47 31.22)", {gbk("特殊人员")}}});
  write_bytes("lies.cpg", "UTF-8");
  auto store = workspace();
  auto r = import_file(*store, shp, {});
  EXPECT_EQ(r.encoding, "GB18030");
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("declared as UTF-8"), std::string::npos);
  EXPECT_EQ(text_of(store->features("lies")[0].values[0]), "特殊人员");
}

TEST_F(ShapefileTest, Utf8WithCpgFromGdal) {
  auto shp = write_ogr("u.shp", "ESRI Shapefile", "EPSG:32651", wkbPoint, {"名称"},
                       {{"POINT (346000 3454000)", {"南昌路"}}}, {"ENCODING=UTF-8"});
  auto store = workspace();
  auto r = import_file(*store, shp, {});
  EXPECT_EQ(r.encoding, "UTF-8");
  EXPECT_EQ(r.crs, "EPSG:32651");
  auto f = store->features("u")[0];
  EXPECT_EQ(text_of(f.values[0]), "南昌路");
  XY expect = geo::Transformer("EPSG:32651", "EPSG:4326").forward(XY{346000, 3454000});
  EXPECT_NEAR(f.geometry.points[0].x, expect.x, 1e-9);
  EXPECT_NEAR(f.geometry.points[0].y, expect.y, 1e-9);
}

TEST_F(ShapefileTest, MissingShxOrDbfAndTruncatedShp) {
  auto store = workspace();
  std::string before = store->content_hash();
  std::vector<OgrRow> rows;
  for (int i = 0; i < 50; ++i) rows.push_back({"POINT (121.47 31.22)", {"x"}});
  auto shp = make("a.shp", "EPSG:4326", rows);
  fs::rename(path("a.shx"), path("a.shx.bak"));
  expect_error([&] { import_file(*store, shp, {}); }, ErrorKind::BadInput, {"a.shp", "a.shx", "missing"});
  fs::rename(path("a.shx.bak"), path("a.shx"));
  fs::rename(path("a.dbf"), path("a.dbf.bak"));
  expect_error([&] { import_file(*store, shp, {}); }, ErrorKind::BadInput, {"a.shp", "a.dbf", "missing"});
  fs::rename(path("a.dbf.bak"), path("a.dbf"));
  fs::resize_file(shp, fs::file_size(shp) - 200);  // cut the last features off
  expect_error([&] { import_file(*store, shp, {}); }, ErrorKind::BadInput, {"a.shp", "feature"});
  fs::resize_file(path("a.dbf"), 200);  // and the attribute table
  expect_error([&] { import_file(*store, shp, {}); }, ErrorKind::BadInput, {"a.shp"});
  EXPECT_EQ(store->content_hash(), before);
}

TEST_F(ImportTest, NoCrsAndProjectedCoordinatesAsksForSrcSrs) {
  auto csv = write_bytes("gk.csv", "x,y,name\n40458000.5,3454000.25,a\n");
  auto store = workspace();
  std::string before = store->content_hash();
  auto preview = preview_import(csv, {});
  EXPECT_TRUE(preview.needs_src_srs);
  expect_error([&] { import_file(*store, csv, {}); }, ErrorKind::BadInput, {"gk.csv", "--src-srs"});
  EXPECT_EQ(store->content_hash(), before);
  ImportOptions o;
  o.src_srs = "EPSG:4528";  // CGCS2000 / 3-degree Gauss-Kruger zone 40 (with the zone number in front)
  auto r = import_file(*store, csv, o);
  XY expect = geo::Transformer("EPSG:4528", "EPSG:4326").forward(XY{40458000.5, 3454000.25});
  auto f = store->features("gk")[0];
  EXPECT_NEAR(f.geometry.points[0].x, expect.x, 1e-9);
  EXPECT_NEAR(f.geometry.points[0].y, expect.y, 1e-9);
  EXPECT_EQ(r.crs, "EPSG:4528");
}

TEST_F(ImportTest, SrcSrsAsProjStringAndUnknownCrs) {
  auto csv = write_bytes("utm.csv", "x,y\n346000,3454000\n");
  auto store = workspace();
  std::string before = store->content_hash();
  ImportOptions o;
  o.src_srs = "EPSG:999999";
  expect_error([&] { import_file(*store, csv, o); }, ErrorKind::BadInput, {"utm.csv", "EPSG:999999"});
  EXPECT_EQ(store->content_hash(), before);
  o.src_srs = "+proj=utm +zone=51 +datum=WGS84 +units=m +no_defs +type=crs";
  import_file(*store, csv, o);
  XY expect = geo::Transformer("EPSG:32651", "EPSG:4326").forward(XY{346000, 3454000});
  EXPECT_NEAR(store->features("utm")[0].geometry.points[0].x, expect.x, 1e-9);
}

TEST_F(ImportTest, Cgcs2000GeographicGeoPackage) {
  auto gpkg = write_ogr("cgcs.gpkg", "GPKG", "EPSG:4490", wkbPoint, {"name"}, {{"POINT (121.4701 31.2201)", {"p"}}});
  auto store = workspace();
  auto r = import_file(*store, gpkg, {});
  EXPECT_EQ(r.crs, "EPSG:4490");
  XY expect = geo::Transformer("EPSG:4490", "EPSG:4326").forward(XY{121.4701, 31.2201});
  auto f = store->features("cgcs")[0];
  EXPECT_NEAR(f.geometry.points[0].x, expect.x, 1e-9);
  EXPECT_NEAR(f.geometry.points[0].y, expect.y, 1e-9);
}

TEST_F(ImportTest, InvalidPolygonsRepairedOrRefusedNullsSkipped3dDropped) {
  std::vector<OgrRow> rows = {
      {"POLYGON ((121.47 31.22, 121.48 31.23, 121.48 31.22, 121.47 31.23, 121.47 31.22))", {"bowtie"}},
      {"POLYGON Z ((121.47 31.22 5, 121.48 31.22 5, 121.48 31.23 5, 121.47 31.22 5))", {"3d"}},
      {"", {"null"}},
      {"POLYGON EMPTY", {"empty"}},
      {"MULTIPOLYGON (((121.47 31.22, 121.48 31.22, 121.48 31.23, 121.47 31.22)))", {"multi"}},
  };
  auto gpkg = write_ogr("blocks.gpkg", "GPKG", "EPSG:4326", wkbUnknown, {"name"}, rows);
  auto store = workspace();
  std::string before = store->content_hash();
  ImportOptions strict;
  strict.repair_invalid = false;
  expect_error([&] { import_file(*store, gpkg, strict); }, ErrorKind::BadInput,
               {"blocks.gpkg", "feature 1", "invalid polygon"});
  EXPECT_EQ(store->content_hash(), before);
  auto r = import_file(*store, gpkg, {});
  EXPECT_EQ(r.read, 5);
  EXPECT_EQ(r.written, 3);
  EXPECT_EQ(r.repaired, 1);
  EXPECT_EQ(r.skipped_null, 2);
  EXPECT_EQ(store->layer("blocks").geom_type, GeomType::MultiPolygon);
  auto f = store->features("blocks");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].geometry.polygons.size(), 2u);  // the bow tie becomes two triangles
  EXPECT_EQ(store->import_log()[0].repaired, 1);
  EXPECT_EQ(store->import_log()[0].skipped, 2);
}

TEST_F(ImportTest, MixedFamiliesRefusedOrSplit) {
  auto gj = write_bytes("mixed.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[121.47,31.22]}},
    {"type":"Feature","properties":{"n":2},"geometry":{"type":"LineString","coordinates":[[121.47,31.22],[121.48,31.23]]}}]})");
  auto store = workspace();
  expect_error([&] { import_file(*store, gj, {}); }, ErrorKind::BadInput, {"mixed.geojson", "mixes", "--geometry"});
  ImportOptions o;
  o.only = GeometryFamily::Line;
  auto r = import_file(*store, gj, o);
  EXPECT_EQ(r.written, 1);
  EXPECT_EQ(r.skipped_other_family, 1);
  EXPECT_EQ(store->layer("mixed").geom_type, GeomType::LineString);
}

TEST_F(ImportTest, GeojsonOutsideShanghaiWarns) {
  auto gj = write_bytes("far.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"名称":"天安门"},"geometry":{"type":"Point","coordinates":[116.397,39.908]}}]})");
  auto store = workspace();
  auto r = import_file(*store, gj, {});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("outside the Shanghai area"), std::string::npos);
  EXPECT_TRUE(r.outside_region);
  EXPECT_EQ(text_of(store->features("far")[0].values[0]), "天安门");
}

TEST_F(ImportTest, OffsetsAreRemovedOnImport) {
  XY wgs{121.4701, 31.2201};
  XY gcj = wgs84_to_gcj02(wgs), bd = wgs84_to_bd09(wgs);
  char text[200];
  std::snprintf(text, sizeof text, "lon,lat,src\n%.10f,%.10f,amap\n", gcj.x, gcj.y);
  auto store = workspace();
  ImportOptions o;
  o.offset = MapOffset::Gcj02;
  import_file(*store, write_bytes("amap.csv", text), o);
  std::snprintf(text, sizeof text, "lon,lat,src\n%.10f,%.10f,baidu\n", bd.x, bd.y);
  o.offset = MapOffset::Bd09;
  import_file(*store, write_bytes("baidu.csv", text), o);
  for (const char* layer : {"amap", "baidu"}) {
    XY p = store->features(layer)[0].geometry.points[0];
    EXPECT_NEAR(p.x, wgs.x, 2e-6) << layer;  // about 0.2 m
    EXPECT_NEAR(p.y, wgs.y, 2e-6) << layer;
  }
}

TEST_F(ImportTest, ModesCreateAppendReplace) {
  auto store = workspace();
  auto one = write_bytes("one.csv", "lon,lat,v\n121.47,31.22,1\n");
  ImportOptions o;
  o.layer = "t";
  o.kind = LayerKind::Basemap;
  import_file(*store, one, o);
  std::string before = store->content_hash();
  expect_error([&] { import_file(*store, one, o); }, ErrorKind::BadInput, {"'t' already exists", "--mode"});
  EXPECT_EQ(store->content_hash(), before);
  o.mode = ImportMode::Append;
  import_file(*store, write_bytes("two.csv", "lon,lat,v,extra\n121.48,31.23,2,x\n"), o);
  EXPECT_EQ(store->layer("t").count, 2);
  EXPECT_EQ(store->layer("t").kind, LayerKind::Basemap);
  o.mode = ImportMode::Replace;
  o.kind.reset();
  import_file(*store, write_bytes("three.csv", "lon,lat,w\n121.49,31.24,3\n121.49,31.24,4\n121.49,31.24,5\n"), o);
  LayerInfo t = store->layer("t");
  EXPECT_EQ(t.count, 3);
  EXPECT_EQ(t.kind, LayerKind::Basemap);  // kept from the replaced layer
  EXPECT_EQ(t.fields[0].name, "w");
  auto log = store->import_log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].mode, "append");
  EXPECT_EQ(log[2].mode, "replace");
  o.mode = ImportMode::Append;
  o.layer = "absent";
  expect_error([&] { import_file(*store, one, o); }, ErrorKind::NotFound, {"absent"});
}

TEST_F(ImportTest, CancelLeavesTheStoreUnchanged) {
  std::string text = "lon,lat\n";
  for (int i = 0; i < 20000; ++i) text += "121.47,31.22\n";
  auto csv = write_bytes("big.csv", text);
  auto store = workspace();
  std::string before = store->content_hash();
  std::atomic<bool> cancel{false};
  int64_t last = 0;
  auto progress = [&](int64_t done, int64_t) {
    last = done;
    if (done >= 8192) cancel = true;
  };
  expect_error([&] { import_file(*store, csv, {}, progress, &cancel); }, ErrorKind::Cancelled,
               {"big.csv", "cancelled"});
  EXPECT_GE(last, 8192);
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_TRUE(store->import_log().empty());
}

// Runs fn in a child process and returns its wait status.
template <class Fn>
int in_child(Fn fn) {
  pid_t pid = fork();
  if (pid == 0) {
    fn();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST_F(ImportTest, KilledMidImportLeavesTheStoreUnchanged) {
  std::string text = "lon,lat,n\n";
  for (int i = 0; i < 30000; ++i) text += "121.47,31.22," + std::to_string(i) + "\n";
  auto csv = write_bytes("kill.csv", text);
  std::string before = workspace()->content_hash();
  int status = in_child([&] {
    auto store = workspace();
    import_file(*store, csv, {}, [](int64_t done, int64_t) {
      if (done >= 16384) raise(SIGKILL);
    });
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto store = workspace();
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_FALSE(store->find_layer("kill"));
}

TEST_F(ImportTest, FullDiskFailsCleanly) {
  // A file-size limit makes writes past it fail with EFBIG, as a full disk fails them with ENOSPC.
  std::string text = "lon,lat,note\n";
  for (int i = 0; i < 40000; ++i) text += "121.47,31.22,a note long enough to need pages " + std::to_string(i) + "\n";
  auto csv = write_bytes("full.csv", text);
  std::string before;
  { before = workspace()->content_hash(); }
  int status = in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    auto store = workspace();
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = fs::file_size(path("ws.sqlite")) + 256 * 1024;
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      import_file(*store, csv, {});
    } catch (const Error& e) {
      bool named = std::string(e.what()).find("ws.sqlite") != std::string::npos;
      _exit(named ? 42 : 43);
    }
    _exit(0);
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 42);  // failed with a message naming the database
  auto store = workspace();
  EXPECT_EQ(store->content_hash(), before);
  EXPECT_FALSE(store->find_layer("full"));
}

TEST_F(ImportTest, LockedAndReadOnlyDatabases) {
  auto csv = write_bytes("l.csv", "lon,lat\n121.47,31.22\n");
  std::string before = workspace()->content_hash();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path("ws.sqlite").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  {
    auto store = store::open_spatialite(path("ws.sqlite"), store::OpenMode::ReadWrite);
    expect_error([&] { import_file(*store, csv, {}); }, ErrorKind::Locked, {"ws.sqlite", "locked"});
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  {
    auto store = store::open_spatialite(path("ws.sqlite"), store::OpenMode::ReadOnly);
    expect_error([&] { import_file(*store, csv, {}); }, ErrorKind::ReadOnly, {"ws.sqlite"});
  }
  EXPECT_EQ(workspace()->content_hash(), before);
}

TEST_F(ImportTest, MultiLayerFileNeedsSourceLayer) {
  auto gpkg = write_ogr("two.gpkg", "GPKG", "EPSG:4326", wkbPoint, {"a"}, {{"POINT (121.47 31.22)", {"1"}}});
  GDALDatasetH ds = GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
  OGRSpatialReferenceH sr = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(sr, 4326);
  GDALDatasetCreateLayer(ds, "second", sr, wkbPoint, nullptr);
  OSRRelease(sr);
  GDALClose(ds);
  auto store = workspace();
  expect_error([&] { import_file(*store, gpkg, {}); }, ErrorKind::BadInput, {"two.gpkg", "--source-layer", "second"});
  auto preview = preview_import(gpkg, {});
  ASSERT_EQ(preview.layers.size(), 2u);
  EXPECT_EQ(preview.layers[0].name, "two");
  EXPECT_EQ(preview.layers[1].name, "second");
  EXPECT_EQ(preview.layers[1].feature_count, 0);
  EXPECT_EQ(preview.source_layer, "two");
  ImportOptions o;
  o.source_layer = "two";
  EXPECT_EQ(import_file(*store, gpkg, o).written, 1);
}

}  // namespace

namespace {

TEST_F(ImportTest, SensitiveValuesNeverAppearInMessages) {
  auto csv = write_bytes("persons.csv",
                         "姓名,身份证号,lon,lat\n张三,310101199001011234,121.47,31.22\n"
                         "李四,310101199001015678,李四家门口,31.22\n");
  auto store = workspace();
  ImportOptions o;
  o.kind = LayerKind::Sensitive;
  o.seal = [](const LayerInfo&, const Feature& f) { return store::SealedRow{f.id, "", "", {0}}; };
  try {
    import_file(*store, csv, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("row 2"), std::string::npos) << m;
    EXPECT_NE(m.find("'lon'"), std::string::npos) << m;
    EXPECT_EQ(m.find("310101199001015678"), std::string::npos) << m;
    EXPECT_EQ(m.find("李四"), std::string::npos) << m;
  }
  auto projected = write_bytes("p2.csv", "姓名,x,y\n张三,40458123.5,3454321.25\n");
  try {
    import_file(*store, projected, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--src-srs"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("40458"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

TEST_F(ImportTest, GeojsonDeclaringGaussKrugerKeepsEastingFirst) {
  // EPSG:4549 lists northing before easting; GeoJSON files still write easting first, and so must the import.
  XY gk = geo::Transformer("EPSG:4326", "EPSG:4549").forward(XY{121.4701, 31.2201});
  char text[400];
  std::snprintf(text, sizeof text,
                R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
                   "features":[{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[%.4f,%.4f]}}]})",
                gk.x, gk.y);
  auto store = workspace();
  auto r = import_file(*store, write_bytes("gk.geojson", text), {});
  EXPECT_EQ(r.crs, "EPSG:4549");
  XY expect = geo::Transformer("EPSG:4549", "EPSG:4326")
                  .forward(XY{std::round(gk.x * 1e4) / 1e4, std::round(gk.y * 1e4) / 1e4});
  XY got = store->features("gk")[0].geometry.points[0];
  EXPECT_NEAR(got.x, expect.x, 1e-9);
  EXPECT_NEAR(got.y, expect.y, 1e-9);
  EXPECT_TRUE(r.warnings.empty());
}

}  // namespace
