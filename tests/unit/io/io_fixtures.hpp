// Fixtures for the io tests, written at run time: bytes for CSV and GeoJSON, GDAL for shapefiles and
// GeoPackages (so that every format's quirks are GDAL's own, not a hand-written imitation).
#pragma once
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::io::test {

namespace fs = std::filesystem;

class IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GDALAllRegister();
    dir_ = fs::temp_directory_path() / ("sitmap_io_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path path(const std::string& name) const { return dir_ / name; }

  fs::path write_bytes(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out << bytes;
    return path(name);
  }
  std::unique_ptr<store::Store> workspace(const std::string& name = "ws.sqlite") const {
    return store::open_spatialite(path(name), store::OpenMode::Create);
  }

  struct OgrRow {
    std::string wkt;                  // empty: null geometry
    std::vector<std::string> values;  // bytes as given to GDAL (set as strings)
  };
  // Writes a vector file with GDAL. Fields are strings unless `types` says otherwise. `lco` are layer
  // creation options (e.g. "ENCODING=" to write bytes as given).
  fs::path write_ogr(const std::string& name, const char* driver, const std::string& srs, OGRwkbGeometryType type,
                     const std::vector<std::string>& fields, const std::vector<OgrRow>& rows,
                     std::vector<const char*> lco = {}, const std::vector<OGRFieldType>& types = {}) const {
    fs::path file = path(name);
    GDALDriverH drv = GDALGetDriverByName(driver);
    EXPECT_NE(drv, nullptr) << driver;
    GDALDatasetH ds = GDALCreate(drv, file.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    EXPECT_NE(ds, nullptr);
    OGRSpatialReferenceH sr = nullptr;
    if (!srs.empty()) {
      sr = OSRNewSpatialReference(nullptr);
      OSRSetFromUserInput(sr, srs.c_str());
      OSRSetAxisMappingStrategy(sr, OAMS_TRADITIONAL_GIS_ORDER);
    }
    lco.push_back(nullptr);
    OGRLayerH layer =
        GDALDatasetCreateLayer(ds, fs::path(name).stem().c_str(), sr, type, const_cast<char**>(lco.data()));
    EXPECT_NE(layer, nullptr);
    for (size_t i = 0; i < fields.size(); ++i) {
      OGRFieldDefnH fd = OGR_Fld_Create(fields[i].c_str(), i < types.size() ? types[i] : OFTString);
      OGR_L_CreateField(layer, fd, 1);
      OGR_Fld_Destroy(fd);
    }
    for (auto& row : rows) {
      OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
      for (size_t i = 0; i < row.values.size(); ++i)
        if (!row.values[i].empty()) OGR_F_SetFieldString(f, static_cast<int>(i), row.values[i].c_str());
      if (!row.wkt.empty()) {
        OGRGeometryH g = nullptr;
        char* text = const_cast<char*>(row.wkt.c_str());
        EXPECT_EQ(OGR_G_CreateFromWkt(&text, nullptr, &g), OGRERR_NONE) << row.wkt;
        OGR_F_SetGeometryDirectly(f, g);
      }
      EXPECT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
      OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (sr) OSRRelease(sr);
    return file;
  }

  fs::path dir_;
};

}  // namespace sitmap::io::test
