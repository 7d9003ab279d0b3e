// Fixtures for the io tests, written at run time: bytes for CSV and GeoJSON, GDAL for shapefiles and
// GeoPackages (so that every format's quirks are GDAL's own, not a hand-written imitation).
#pragma once
#include <cpl_conv.h>
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
  // A GeoPackage "district.gpkg" of two layers: the points given (layer "district", one string field) and a layer
  // "roads" of one line.
  fs::path two_layer_gpkg(const std::string& field, const std::vector<OgrRow>& points) const {
    auto gpkg = write_ogr("district.gpkg", "GPKG", "EPSG:4326", wkbPoint, {field}, points);
    GDALDatasetH ds = GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(sr, 4326);
    OGRLayerH roads = GDALDatasetCreateLayer(ds, "roads", sr, wkbLineString, nullptr);
    OSRRelease(sr);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(roads));
    OGRGeometryH g = nullptr;
    char wkt[] = "LINESTRING (121.47 31.22,121.48 31.23)";
    char* cursor = wkt;
    OGR_G_CreateFromWkt(&cursor, nullptr, &g);
    OGR_F_SetGeometryDirectly(f, g);
    EXPECT_EQ(OGR_L_CreateFeature(roads, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    return gpkg;
  }
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

  // Zips `files` (paths under the test folder) into `name`, each stored as `folder`/its file name, the way
  // shapefiles arrive by e-mail. GDAL's own zip writer, so nothing outside the test is needed.
  fs::path zip(const std::string& name, const std::vector<fs::path>& files, const std::string& folder = "") const {
    void* z = CPLCreateZip(path(name).c_str(), nullptr);
    EXPECT_NE(z, nullptr) << name;
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string inner = folder.empty() ? f.filename().string() : folder + "/" + f.filename().string();
      EXPECT_EQ(CPLCreateFileInZip(z, inner.c_str(), nullptr), CE_None) << inner;
      EXPECT_EQ(CPLWriteFileInZip(z, bytes.data(), static_cast<int>(bytes.size())), CE_None) << inner;
      CPLCloseFileInZip(z);
    }
    CPLCloseZip(z);
    return path(name);
  }
  // The files GDAL wrote for a shapefile (.shp, .shx, .dbf, .prj, .cpg), to zip them.
  std::vector<fs::path> shapefile_parts(const fs::path& shp) const {
    std::vector<fs::path> out;
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
      if (fs::exists(fs::path(shp).replace_extension(ext))) out.push_back(fs::path(shp).replace_extension(ext));
    return out;
  }

  // Reads back what GDAL sees: each feature's fields as text and its first point.
  struct Read {
    std::vector<std::string> fields;
    std::vector<std::vector<std::string>> values;
    std::vector<XY> points;
    std::vector<std::string> wkts;  // every feature's geometry as ISO WKT, "" when none
    std::vector<OGRFieldType> types;
    std::string layer, srs_epsg;
  };
  Read read_back(const fs::path& file) const {
    Read r;
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");  // a sheet of text cells looks headerless otherwise
    GDALDatasetH ds = GDALOpenEx(file.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    EXPECT_NE(ds, nullptr) << file;
    if (!ds) return r;
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);  // the sheet is read here
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nullptr);
    r.layer = OGR_L_GetName(l);
    for (int i = 0; i < OGR_FD_GetFieldCount(d); ++i) {
      r.fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)));
      r.types.push_back(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, i)));
    }
    if (auto* sr = OGR_L_GetSpatialRef(l)) {
      OSRAutoIdentifyEPSG(sr);
      if (const char* code = OSRGetAuthorityCode(sr, nullptr)) r.srs_epsg = std::string("EPSG:") + code;
    }
    while (OGRFeatureH f = OGR_L_GetNextFeature(l)) {
      std::vector<std::string> row;
      for (int i = 0; i < OGR_FD_GetFieldCount(d); ++i) row.push_back(OGR_F_GetFieldAsString(f, i));
      r.values.push_back(row);
      std::string wkt;
      if (OGRGeometryH g = OGR_F_GetGeometryRef(f)) {
        if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) r.points.push_back({OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)});
        char* text = nullptr;
        OGR_G_ExportToIsoWkt(g, &text);
        wkt = text;
        CPLFree(text);
      }
      r.wkts.push_back(wkt);
      OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return r;
  }
  fs::path dir_;
};

}  // namespace sitmap::io::test
