// RasterSource: GeoTIFFs (and an MBTiles) written with GDAL at run time, warped to Web Mercator; where a
// coloured block lands is checked against PROJ's own transform of its corners.
#include "sitmap/io/raster_source.hpp"

#include <cmath>
#include <functional>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::io::test {
namespace {

struct TifSpec {
  std::string crs;
  double gt[6];
  int width = 100, height = 100, bands = 3;
  std::function<uint8_t(int band, int col, int row)> value;
  std::vector<GDALColorEntry> palette;  // non-empty: one paletted band
  std::optional<double> nodata;
};

class RasterSourceTest : public IoTest {
 protected:
  fs::path write_tif(const std::string& name, const TifSpec& s, const char* driver = "GTiff") const {
    fs::path file = path(name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName(driver), file.c_str(), s.width, s.height, s.bands, GDT_Byte,
                                 nullptr);
    EXPECT_NE(ds, nullptr);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(nullptr);
    OSRSetFromUserInput(sr, s.crs.c_str());
    GDALSetSpatialRef(ds, sr);
    OSRRelease(sr);
    GDALSetGeoTransform(ds, const_cast<double*>(s.gt));
    for (int b = 1; b <= s.bands; ++b) {
      GDALRasterBandH band = GDALGetRasterBand(ds, b);
      std::vector<uint8_t> px(size_t(s.width) * s.height);
      for (int r = 0; r < s.height; ++r)
        for (int c = 0; c < s.width; ++c) px[size_t(r) * s.width + c] = s.value(b, c, r);
      EXPECT_EQ(GDALRasterIO(band, GF_Write, 0, 0, s.width, s.height, px.data(), s.width, s.height, GDT_Byte, 0, 0),
                CE_None);
      if (s.nodata) GDALSetRasterNoDataValue(band, *s.nodata);
      if (!s.palette.empty()) {
        GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
        for (size_t i = 0; i < s.palette.size(); ++i) GDALSetColorEntry(ct, int(i), &s.palette[i]);
        GDALSetRasterColorTable(band, ct);
        GDALDestroyColorTable(ct);
      }
    }
    GDALClose(ds);
    return file;
  }
};

struct Image {
  BBox world;
  int w, h;
  std::vector<uint8_t> rgba;
  const uint8_t* at(int col, int row) const { return &rgba[(size_t(row) * w + col) * 4]; }
  double res_x() const { return world.width() / w; }
  // Web Mercator centre of the pixels matching `pred`; counts them into `n`.
  XY centroid(const std::function<bool(const uint8_t*)>& pred, int& n) const {
    double sx = 0, sy = 0;
    n = 0;
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c)
        if (pred(at(c, r))) {
          sx += world.minx + (c + 0.5) * world.width() / w;
          sy += world.maxy - (r + 0.5) * world.height() / h;
          ++n;
        }
    return {sx / n, sy / n};
  }
};

bool reddish(const uint8_t* p) { return p[3] > 128 && p[0] > 128 && p[1] < 100 && p[2] < 100; }

TEST_F(RasterSourceTest, RgbLonLatBlockLandsWherePROJPutsIt) {
  // 0.0002° pixels over Huaihai Middle Road; a 10 x 10 red block at columns 40..49, rows 30..39.
  TifSpec s{"EPSG:4326", {121.45, 0.0002, 0, 31.23, 0, -0.0002}};
  s.value = [](int band, int c, int r) -> uint8_t {
    bool block = c >= 40 && c < 50 && r >= 30 && r < 40;
    return band == (block ? 1 : 3) ? 255 : 0;
  };
  RasterSource src(write_tif("rgb.tif", s));
  BBox ext = src.extent();
  XY sw = geo::to_web_mercator({121.45, 31.21}), ne = geo::to_web_mercator({121.47, 31.23});
  EXPECT_NEAR(ext.minx, sw.x, 0.01);
  EXPECT_NEAR(ext.miny, sw.y, 0.01);
  EXPECT_NEAR(ext.maxx, ne.x, 0.01);
  EXPECT_NEAR(ext.maxy, ne.y, 0.01);

  Image img{ext, 200, 240, {}};
  img.rgba = src.render(img.world, img.w, img.h);
  ASSERT_EQ(img.rgba.size(), size_t(200 * 240 * 4));
  int n = 0;
  XY got = img.centroid(reddish, n);
  XY want = geo::to_web_mercator({121.45 + 45 * 0.0002, 31.23 - 35 * 0.0002});
  EXPECT_GT(n, 300);  // about 20 x 24 pixels
  EXPECT_LT(std::abs(got.x - want.x), img.res_x());
  EXPECT_LT(std::abs(got.y - want.y), img.res_x() * 1.2);
  const uint8_t* blue = img.at(5, 5);
  EXPECT_EQ(blue[0], 0);
  EXPECT_EQ(blue[2], 255);
  EXPECT_EQ(blue[3], 255);

  // A box wider than the raster: outside it is transparent.
  BBox wide{ext.minx - ext.width(), ext.miny, ext.maxx, ext.maxy};
  auto out = src.render(wide, 100, 50);
  EXPECT_EQ(out[(10 * 100 + 10) * 4 + 3], 0);
  EXPECT_EQ(out[(10 * 100 + 90) * 4 + 3], 255);
}

TEST_F(RasterSourceTest, PalettedUtmWithNodata) {
  // UTM zone 51N, 10 m pixels; index 0 is nodata (top-left 20 x 20), 1 green, 2 a red block at 60..69, 50..59.
  const double e0 = 352000, n0 = 3456000;
  TifSpec s{"EPSG:32651", {e0, 10, 0, n0, 0, -10}};
  s.bands = 1;
  s.palette = {{0, 0, 0, 255}, {0, 255, 0, 255}, {255, 0, 0, 255}};
  s.nodata = 0;
  s.value = [](int, int c, int r) -> uint8_t {
    if (c < 20 && r < 20) return 0;
    return c >= 60 && c < 70 && r >= 50 && r < 60 ? 2 : 1;
  };
  RasterSource src(write_tif("utm.tif", s));
  geo::Transformer utm("EPSG:32651", "EPSG:3857");
  XY nw = utm.forward(XY{e0, n0});
  BBox ext = src.extent();
  EXPECT_NEAR(ext.minx, nw.x, 20);  // the grid is slightly rotated in Mercator: corners bound it
  EXPECT_NEAR(ext.maxy, nw.y, 20);

  Image img{ext, 150, 150, {}};
  img.rgba = src.render(img.world, img.w, img.h);
  int n = 0;
  XY got = img.centroid(reddish, n);
  XY want = utm.forward(XY{e0 + 65 * 10, n0 - 55 * 10});
  EXPECT_GT(n, 50);
  EXPECT_LT(std::abs(got.x - want.x), img.res_x());
  EXPECT_LT(std::abs(got.y - want.y), img.res_x());
  // The nodata corner: its centre in Mercator, then the pixel there.
  XY corner = utm.forward(XY{e0 + 100, n0 - 100});
  int col = int((corner.x - ext.minx) / img.res_x()), row = int((ext.maxy - corner.y) / img.res_x());
  EXPECT_EQ(img.at(col, row)[3], 0);
  XY green = utm.forward(XY{e0 + 300, n0 - 800});
  const uint8_t* g =
      img.at(int((green.x - ext.minx) / img.res_x()), int((ext.maxy - green.y) / img.res_x()));
  EXPECT_EQ(g[0], 0);
  EXPECT_EQ(g[1], 255);
  EXPECT_EQ(g[3], 255);
}

TEST_F(RasterSourceTest, GreyNodataIsTransparent) {
  TifSpec s{"EPSG:4326", {121.45, 0.0002, 0, 31.23, 0, -0.0002}};
  s.bands = 1;
  s.nodata = 7;
  s.value = [](int, int c, int) -> uint8_t { return c < 50 ? 7 : 200; };
  RasterSource src(write_tif("grey.tif", s));
  Image img{src.extent(), 100, 100, {}};
  img.rgba = src.render(img.world, img.w, img.h);
  EXPECT_EQ(img.at(10, 50)[3], 0);
  const uint8_t* p = img.at(80, 50);
  EXPECT_EQ(p[0], 200);
  EXPECT_EQ(p[1], 200);
  EXPECT_EQ(p[2], 200);
  EXPECT_EQ(p[3], 255);
}

TEST_F(RasterSourceTest, MbtilesOpens) {
  // An RGB Mercator GeoTIFF copied into MBTiles by GDAL's own driver; it reads back as RGBA.
  XY sw = geo::to_web_mercator({121.45, 31.21});
  TifSpec s{"EPSG:3857", {sw.x, 10, 0, sw.y + 1000, 0, -10}};
  s.value = [](int band, int c, int) -> uint8_t { return band == 1 && c >= 50 ? 255 : 30; };
  fs::path tif = write_tif("merc.tif", s);
  GDALDatasetH in = GDALOpen(tif.c_str(), GA_ReadOnly);
  GDALDatasetH out = GDALCreateCopy(GDALGetDriverByName("MBTiles"), path("tiles.mbtiles").c_str(), in, FALSE, nullptr,
                                    nullptr, nullptr);
  ASSERT_NE(out, nullptr);
  GDALClose(out);
  GDALClose(in);
  RasterSource src(path("tiles.mbtiles"));
  BBox box{sw.x + 100, sw.y + 100, sw.x + 900, sw.y + 900};
  Image img{box, 80, 80, {}};
  img.rgba = src.render(box, 80, 80);
  EXPECT_LT(img.at(10, 40)[0], 60);  // west half dark
  EXPECT_GT(img.at(70, 40)[0], 200);  // east half red
  EXPECT_EQ(img.at(70, 40)[3], 255);
}

TEST_F(RasterSourceTest, BadFilesNameThemselves) {
  fs::path missing = path("nowhere.tif");
  try {
    RasterSource src(missing);
    FAIL() << "opened a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("nowhere.tif"), std::string::npos) << e.what();
  }
  fs::path garbage = write_bytes("garbage.tif", "this is not a raster at all");
  try {
    RasterSource src(garbage);
    FAIL() << "opened garbage";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("garbage.tif"), std::string::npos) << e.what();
  }
  // A raster without georeferencing cannot be placed on the map.
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path("plain.tif").c_str(), 4, 4, 3, GDT_Byte, nullptr);
  GDALClose(ds);
  try {
    RasterSource src(path("plain.tif"));
    FAIL() << "opened an ungeoreferenced raster";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("plain.tif"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sitmap::io::test
