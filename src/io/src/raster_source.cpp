#include "sitmap/io/raster_source.hpp"


#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::io {

namespace {

enum class Bands { Grey, GreyAlpha, Palette, Rgb, Rgba };

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

struct RasterSource::Impl {
  std::filesystem::path file;
  detail::Dataset ds;
  Bands bands = Bands::Grey;
  std::vector<GDALColorEntry> palette;  // paletted sources: RGBA per index
  BBox extent;

  std::string what() const { return file.string(); }
};

RasterSource::RasterSource(const std::filesystem::path& file) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.file = file;
  if (!std::filesystem::exists(file)) throw Error(ErrorKind::NotFound, m.what() + ": no such file");
  detail::register_gdal();
  detail::ErrorCapture errors;
  m.ds.reset(GDALOpenEx(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!m.ds) {
    std::string why = errors.last_message();
    throw Error(ErrorKind::BadInput, m.what() + ": not a raster GDAL can read" + (why.empty() ? "" : " (" + why + ")"));
  }
  GDALDatasetH ds = m.ds.get();
  int n = GDALGetRasterCount(ds);
  for (int b = 1; b <= n; ++b)
    if (GDALGetRasterDataType(GDALGetRasterBand(ds, b)) != GDT_Byte)
      throw Error(ErrorKind::BadInput, m.what() + ": band " + std::to_string(b) +
                                           " is not 8-bit; a basemap needs grey, paletted, RGB or RGBA bytes");
  GDALRasterBandH first = n > 0 ? GDALGetRasterBand(ds, 1) : nullptr;
  if (n == 1 && GDALGetRasterColorInterpretation(first) == GCI_PaletteIndex && GDALGetRasterColorTable(first)) {
    m.bands = Bands::Palette;
    GDALColorTableH ct = GDALGetRasterColorTable(first);
    m.palette.assign(256, GDALColorEntry{0, 0, 0, 0});
    for (int i = 0; i < std::min(256, GDALGetColorEntryCount(ct)); ++i) GDALGetColorEntryAsRGB(ct, i, &m.palette[i]);
  } else if (n == 1) {
    m.bands = Bands::Grey;
  } else if (n == 2) {
    m.bands = Bands::GreyAlpha;
  } else if (n == 3) {
    m.bands = Bands::Rgb;
  } else if (n == 4) {
    m.bands = Bands::Rgba;
  } else {
    throw Error(ErrorKind::BadInput, m.what() + ": " + std::to_string(n) +
                                         " bands; a basemap needs grey, paletted, RGB or RGBA bytes");
  }

  OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
  double gt[6];
  if (!srs || GDALGetGeoTransform(ds, gt) != CE_None)
    throw Error(ErrorKind::BadInput, m.what() + ": not georeferenced (no coordinate reference system or geotransform)");
  char* wkt = nullptr;
  OSRExportToWkt(srs, &wkt);
  std::string source_wkt = wkt ? wkt : "";
  CPLFree(wkt);
  // The footprint's edges sampled densely, since a projected grid is curved in Web Mercator.
  geo::Transformer to_mercator(source_wkt, "EPSG:3857");
  const int steps = 16;
  int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
  std::vector<XY> edge;
  for (int k = 0; k <= steps; ++k) {
    double t = double(k) / steps;
    for (auto [px, py] : {std::pair{t * w, 0.0}, {t * w, double(h)}, {0.0, t * h}, {double(w), t * h}})
      edge.push_back({gt[0] + px * gt[1] + py * gt[2], gt[3] + px * gt[4] + py * gt[5]});
  }
  to_mercator.forward(edge);
  for (XY p : edge)
    if (std::isfinite(p.x) && std::isfinite(p.y)) m.extent.expand(p);
}

RasterSource::~RasterSource() = default;

const std::filesystem::path& RasterSource::path() const { return impl_->file; }
BBox RasterSource::extent() const { return impl_->extent; }

std::vector<uint8_t> RasterSource::render(const BBox& world, int width, int height) const {
  const Impl& m = *impl_;
  if (world.empty() || !(world.width() > 0) || !(world.height() > 0) || width <= 0 || height <= 0)
    throw Error(ErrorKind::BadInput, m.what() + ": empty box or image size requested");
  // Bilinear on palette indices would mix unrelated colours: those are picked, then looked up.
  const char* resampling = m.bands == Bands::Palette ? "near" : "bilinear";
  std::vector<std::string> args = {"-of", "MEM", "-t_srs", "EPSG:3857", "-te", fmt(world.minx), fmt(world.miny),
                                   fmt(world.maxx), fmt(world.maxy), "-ts", std::to_string(width),
                                   std::to_string(height), "-r", resampling, "-dstalpha", "-q"};
  if (m.bands == Bands::GreyAlpha || m.bands == Bands::Rgba) args.push_back("-srcalpha");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  detail::ErrorCapture errors;
  GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
  GDALDatasetH src = m.ds.get();
  int usage_error = 0;
  detail::Dataset out(GDALWarp("", nullptr, 1, &src, options, &usage_error));
  GDALWarpAppOptionsFree(options);
  if (!out) throw Error(ErrorKind::Internal, m.what() + ": warping failed (" + errors.last_message() + ")");

  const size_t count = size_t(width) * size_t(height);
  int nb = GDALGetRasterCount(out.get());  // the colour bands, then the destination alpha
  std::vector<std::vector<uint8_t>> planes(nb, std::vector<uint8_t>(count));
  for (int b = 0; b < nb; ++b)
    if (GDALRasterIO(GDALGetRasterBand(out.get(), b + 1), GF_Read, 0, 0, width, height, planes[b].data(), width,
                     height, GDT_Byte, 0, 0) != CE_None)
      throw Error(ErrorKind::Internal, m.what() + ": reading the warped image failed (" + errors.last_message() + ")");
  const std::vector<uint8_t>& alpha = planes.back();
  std::vector<uint8_t> rgba(count * 4);
  for (size_t i = 0; i < count; ++i) {
    uint8_t* p = &rgba[i * 4];
    if (m.bands == Bands::Palette) {
      const GDALColorEntry& c = m.palette[planes[0][i]];
      p[0] = uint8_t(c.c1);
      p[1] = uint8_t(c.c2);
      p[2] = uint8_t(c.c3);
      p[3] = uint8_t(std::min<int>(alpha[i], c.c4));
    } else if (nb >= 4) {
      p[0] = planes[0][i];
      p[1] = planes[1][i];
      p[2] = planes[2][i];
      p[3] = alpha[i];
    } else {
      p[0] = p[1] = p[2] = planes[0][i];
      p[3] = alpha[i];
    }
  }
  return rgba;
}

}  // namespace sitmap::io
