#include "sitmap/io/features.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

class FeaturesTest : public IoTest {
 protected:
  static Polygon square(double x, double y, double d) {
    return {{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}};
  }
  const std::vector<FieldDef> fields_ = {{"cluster", FieldType::Integer},
                                         {"count", FieldType::Integer},
                                         {"lon", FieldType::Real},
                                         {"名称", FieldType::Text}};
  std::vector<Feature> features() const {
    Feature a;
    a.geometry = Geometry::polygon(square(121.46, 31.21, 0.01));
    a.values = {int64_t{0}, int64_t{25}, 121.465, std::string("思南路网格")};
    Feature b;  // a multipolygon among polygons: the layer becomes multipolygons
    b.geometry.type = GeomType::MultiPolygon;
    b.geometry.polygons = {square(121.47, 31.22, 0.005), square(121.48, 31.22, 0.005)};
    b.values = {int64_t{1}, int64_t{8}, std::nan(""), Value{}};
    return {a, b};
  }
  size_t files_in_dir() const { return std::distance(fs::directory_iterator(dir_), fs::directory_iterator()); }
};

TEST_F(FeaturesTest, GeoPackageRoundTripMakesMixedPolygonsMulti) {
  write_features(path("c.gpkg"), "clusters", fields_, features(), false);
  Read back = read_back(path("c.gpkg"));
  EXPECT_EQ(back.layer, "clusters");
  EXPECT_EQ(back.srs_epsg, "EPSG:4326");
  EXPECT_EQ(back.fields, (std::vector<std::string>{"cluster", "count", "lon", "名称"}));
  ASSERT_EQ(back.values.size(), 2u);
  EXPECT_EQ(back.values[0], (std::vector<std::string>{"0", "25", "121.465", "思南路网格"}));
  EXPECT_EQ(back.values[1], (std::vector<std::string>{"1", "8", "", ""}));
  EXPECT_EQ(back.wkts[0], "MULTIPOLYGON (((121.46 31.21,121.47 31.21,121.47 31.22,121.46 31.22,121.46 31.21)))");
  EXPECT_EQ(back.wkts[1].rfind("MULTIPOLYGON (((121.47 31.22,", 0), 0u) << back.wkts[1];
  EXPECT_EQ(files_in_dir(), 1u);
}

TEST_F(FeaturesTest, GeoJsonKeepsChineseAndSingleTypes) {
  auto list = features();
  list.pop_back();
  Feature p;
  p.geometry = Geometry::polygon(square(121.45, 31.2, 0.002));
  p.values = {int64_t{2}, int64_t{3}, 121.451, std::string("瑞金二路")};
  list.push_back(p);
  write_features(path("c.geojson"), "clusters", fields_, list, false);
  Read back = read_back(path("c.geojson"));
  ASSERT_EQ(back.values.size(), 2u);
  EXPECT_EQ(back.values[1][3], "瑞金二路");
  EXPECT_EQ(back.wkts[1], "POLYGON ((121.45 31.2,121.452 31.2,121.452 31.202,121.45 31.202,121.45 31.2))");
  EXPECT_EQ(back.srs_epsg, "EPSG:4326");
}

TEST_F(FeaturesTest, ShapefileIsUtf8) {
  write_features(path("c.shp"), "c", fields_, features(), false);
  for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
    EXPECT_TRUE(fs::exists(path(std::string("c") + ext))) << ext;
  Read back = read_back(path("c.shp"));
  ASSERT_EQ(back.values.size(), 2u);
  EXPECT_EQ(back.values[0][3], "思南路网格");
  EXPECT_EQ(back.srs_epsg, "EPSG:4326");
}

TEST_F(FeaturesTest, BadInputIsRefusedBeforeAnythingIsWritten) {
  auto expect_error = [&](const fs::path& out, const std::vector<Feature>& list, ErrorKind kind,
                          const std::string& words) {
    try {
      write_features(out, "x", fields_, list, false);
      FAIL() << out << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error(path("c.csv"), features(), ErrorKind::BadInput, ".geojson, .gpkg or .shp");
  expect_error(path("none/c.gpkg"), features(), ErrorKind::NotFound, "no folder");
  auto mixed = features();
  mixed[1].geometry = Geometry::point({121.47, 31.22});
  expect_error(path("c.gpkg"), mixed, ErrorKind::BadInput, "feature 2 is a POINT among POLYGONs");
  auto narrow = features();
  narrow[0].values.pop_back();
  expect_error(path("c.gpkg"), narrow, ErrorKind::BadInput, "feature 1 has 3 values for 4 fields");
  EXPECT_EQ(files_in_dir(), 0u);
  write_bytes("c.gpkg", "old");
  expect_error(path("c.gpkg"), features(), ErrorKind::BadInput, "exists already");
  write_features(path("c.gpkg"), "x", fields_, features(), true);
  EXPECT_EQ(read_back(path("c.gpkg")).values.size(), 2u);
  EXPECT_EQ(files_in_dir(), 1u);
}

}  // namespace
