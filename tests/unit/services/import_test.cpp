// services::import_any and preview_any: the importer chosen by content, multi-layer sources, zipped
// shapefiles, and the workspace left exactly as it was by bad input.
#include "sitmap/services/import.hpp"

#include <gtest/gtest.h>

#include "../io/io_fixtures.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
namespace fs = std::filesystem;

namespace {

class ImportService : public io::test::IoTest {
 protected:
  std::unique_ptr<services::Workspace> open_workspace(const std::string& name = "ws.sqlite") {
    return services::Workspace::open(path(name), store::OpenMode::Create);
  }
  // A point layer and a line layer in one GeoPackage.
  fs::path two_layer_gpkg() {
    return IoTest::two_layer_gpkg("name", {{"POINT (121.47 31.22)", {"岗亭"}}, {"POINT (121.48 31.22)", {"哨点"}}});
  }
};

// One street and one building, in OSM XML.
const char* kOsm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="31.2200" lon="121.4700"/>
  <node id="2" version="1" lat="31.2210" lon="121.4750"/>
  <node id="3" version="1" lat="31.2190" lon="121.4710"/>
  <node id="4" version="1" lat="31.2190" lon="121.4715"/>
  <node id="5" version="1" lat="31.2194" lon="121.4715"/>
  <node id="6" version="1" lat="31.2194" lon="121.4710"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="淮海中路"/></way>
  <way id="11" version="1"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
    <tag k="building" v="yes"/></way>
</osm>
)";

TEST_F(ImportService, MultiLayerSourceListsItsLayersAndImportsTheChosenOne) {
  auto gpkg = two_layer_gpkg();
  services::ImportRequest request{gpkg, {}};
  auto preview = services::preview_any(request);
  ASSERT_EQ(preview.source.layers.size(), 2u);
  EXPECT_EQ(preview.source.layers[0].name, "district");
  EXPECT_EQ(preview.source.layers[0].feature_count, 2);
  EXPECT_EQ(preview.source.layers[1].name, "roads");
  EXPECT_EQ(preview.source.layers[1].geometry, "Line String");
  ASSERT_TRUE(preview.layer);
  EXPECT_EQ(preview.layer->source_layer, "district");  // the first, until one is chosen
  EXPECT_TRUE(preview.layer->warnings.empty());        // the caller lists the others: no "showing the first"

  auto ws = open_workspace();
  std::string before = ws->store().content_hash();
  try {  // the command line without --source-layer: refused with the choices, nothing written
    services::import_any(*ws, request);
    FAIL() << "imported a multi-layer file without a choice";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("district, roads"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ws->store().content_hash(), before);

  request.options.source_layer = "roads";
  preview = services::preview_any(request);
  EXPECT_EQ(preview.layer->source_layer, "roads");
  EXPECT_EQ(preview.targets, (std::vector<std::string>{"district_roads"}));
  auto results = services::import_any(*ws, request);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].layer, "district_roads");
  EXPECT_EQ(ws->layer("district_roads").geom_type, GeomType::LineString);
  EXPECT_FALSE(ws->store().find_layer("district"));
}

TEST_F(ImportService, OsmIsChosenByContentNotByName) {
  auto osm = write_bytes("extract.dat", kOsm);  // as a mail client might have renamed it
  auto preview = services::preview_any({osm, {}});
  EXPECT_TRUE(preview.source.is_osm());
  EXPECT_FALSE(preview.layer);
  EXPECT_EQ(preview.targets, (std::vector<std::string>{"streets", "buildings"}));
  auto ws = open_workspace();
  auto results = services::import_any(*ws, {osm, {}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].layer, "streets");
  EXPECT_EQ(results[0].written, 1);
  EXPECT_EQ(results[1].layer, "buildings");
  EXPECT_EQ(results[1].written, 1);
  EXPECT_EQ(ws->layer("streets").kind, LayerKind::Basemap);
  // The same extract as PBF (osmium-tool converts; GDAL cannot write PBF), under a name that says nothing.
  auto pbf = path("extract.bin");
  std::string convert = "osmium cat --overwrite -f pbf -o '" + pbf.string() + "' '" +
                        write_bytes("extract.osm", kOsm).string() + "' 2>&1";
  ASSERT_EQ(std::system(convert.c_str()), 0) << "osmium-tool is needed for this test: " << convert;
  auto from_pbf = open_workspace("pbf.sqlite");
  EXPECT_EQ(services::import_any(*from_pbf, {pbf, {}}).at(0).written, 1);
  EXPECT_EQ(from_pbf->layer("streets").count, 1);
  // And a file named .osm that is not one goes to the general importer.
  auto geojson = write_bytes("posts.osm", R"({"type":"FeatureCollection","features":[{"type":"Feature",
    "properties":{"name":"岗亭"},"geometry":{"type":"Point","coordinates":[121.47,31.22]}}]})");
  EXPECT_FALSE(services::preview_any({geojson, {}}).source.is_osm());
  results = services::import_any(*ws, {geojson, {}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].format, "GeoJSON");
  EXPECT_EQ(ws->layer("posts").count, 1);
}

TEST_F(ImportService, ZippedShapefileImports) {
  auto shp = write_ogr("patrol.shp", "ESRI Shapefile", "EPSG:4326", wkbPoint, {"name"},
                       {{"POINT (121.47 31.22)", {"一号岗"}}}, {"ENCODING=UTF-8"});
  auto zipped = zip("patrol.zip", shapefile_parts(shp));
  auto preview = services::preview_any({zipped, {}});
  EXPECT_EQ(preview.source.format, "ESRI Shapefile");
  EXPECT_EQ(preview.targets, (std::vector<std::string>{"patrol"}));
  auto ws = open_workspace();
  auto results = services::import_any(*ws, {zipped, {}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].written, 1);
  EXPECT_EQ(std::get<std::string>(ws->store().features("patrol").at(0).values.at(0)), "一号岗");
}

TEST_F(ImportService, ReplacingALayerDropsItsCachedSnapshot) {
  auto ws = open_workspace();
  auto csv = write_bytes("pts.csv", "lon,lat\n121.47,31.22\n121.48,31.22\n");
  services::import_any(*ws, {csv, {}});
  EXPECT_EQ(ws->snapshot("pts")->size(), 2u);
  write_bytes("pts.csv", "lon,lat\n121.47,31.22\n121.48,31.22\n121.49,31.22\n");
  io::ImportOptions replace;
  replace.mode = io::ImportMode::Replace;
  services::import_any(*ws, {csv, replace});
  EXPECT_EQ(ws->snapshot("pts")->size(), 3u);
}

TEST_F(ImportService, BadInputLeavesTheWorkspaceUnchanged) {
  auto ws = open_workspace();
  services::import_any(*ws, {write_bytes("good.csv", "lon,lat\n121.47,31.22\n"), {}});
  std::string before = ws->store().content_hash();
  auto expect_refused = [&](const fs::path& file, ErrorKind kind, const std::string& part) {
    try {
      services::import_any(*ws, {file, {}});
      ADD_FAILURE() << file << " imported";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
    EXPECT_EQ(ws->store().content_hash(), before) << file;
  };
  expect_refused(write_bytes("bad.csv", "lon,lat\n121.47,31.22\n121.48,north\n"), ErrorKind::BadInput, "row 2");
  expect_refused(write_bytes("bad.osm", "<osm version=\"0.6\"><way id=\"1\"><nd ref"), ErrorKind::BadInput, "bad.osm");
  expect_refused(write_bytes("bad.zip", "PK\x03\x04 truncated"), ErrorKind::BadInput, "bad.zip");
  expect_refused(path("missing.gpkg"), ErrorKind::NotFound, "missing.gpkg");
  expect_refused(path("good.csv"), ErrorKind::BadInput, "already exists");
}

}  // namespace
