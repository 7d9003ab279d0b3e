#include "sitmap/io/raster.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::io {

namespace {

// The band's statistics as GDALComputeRasterStatistics gives them (minimum, maximum, mean, population
// standard deviation), in one pass over the values at hand rather than GDAL's pass through its block cache.
void set_statistics(GDALRasterBandH band, std::span<const float> values) {
  // Four independent lanes, so that no sum waits for the one before it; added in a fixed order.
  constexpr size_t kLanes = 4;
  float lo[kLanes], hi[kLanes];
  double sum[kLanes] = {}, sum2[kLanes] = {};
  std::fill(lo, lo + kLanes, values[0]);
  std::fill(hi, hi + kLanes, values[0]);
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t k = i % kLanes;
    const float v = values[i];
    lo[k] = std::min(lo[k], v);
    hi[k] = std::max(hi[k], v);
    sum[k] += v;
    sum2[k] += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(values.size());
  const double mean = (sum[0] + sum[1] + sum[2] + sum[3]) / n;
  const double mean2 = (sum2[0] + sum2[1] + sum2[2] + sum2[3]) / n;
  GDALSetRasterStatistics(band, *std::min_element(lo, lo + kLanes), *std::max_element(hi, hi + kLanes), mean,
                          std::sqrt(std::max(0.0, mean2 - mean * mean)));
  GDALSetMetadataItem(band, "STATISTICS_VALID_PERCENT", "100", nullptr);
}

}  // namespace

void write_geotiff(const std::filesystem::path& out, const RasterSpec& spec, std::span<const float> values) {
  const std::string what = out.string();
  if (spec.width <= 0 || spec.height <= 0 || !(spec.cell_x > 0) || !(spec.cell_y > 0))
    throw Error(ErrorKind::BadInput,
                what + ": empty raster (" + std::to_string(spec.width) + " x " + std::to_string(spec.height) + ")");
  if (values.size() != static_cast<size_t>(spec.width) * static_cast<size_t>(spec.height))
    throw Error(ErrorKind::BadInput, what + ": " + std::to_string(values.size()) + " values for a " +
                                         std::to_string(spec.width) + " x " + std::to_string(spec.height) + " raster");
  std::filesystem::path parent = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  if (!std::filesystem::is_directory(parent)) throw Error(ErrorKind::NotFound, what + ": no folder " + parent.string());
  if (std::filesystem::exists(out) && !spec.overwrite)
    throw Error(ErrorKind::BadInput, what + ": exists already (overwrite it with --force)");

  GDALRegister_GTiff();  // all this needs: the whole GDALAllRegister costs a few milliseconds
  detail::OgrSrs srs(OSRNewSpatialReference(nullptr));
  if (OSRSetFromUserInput(srs.get(), spec.crs.c_str()) != OGRERR_NONE)
    throw Error(ErrorKind::BadInput, "unknown coordinate reference system '" + spec.crs + "'");
  char* wkt = nullptr;
  OSRExportToWkt(srs.get(), &wkt);
  std::string srs_wkt = wkt ? wkt : "";
  CPLFree(wkt);

  std::random_device rd;
  std::string tmp_name = ".";
  tmp_name += out.filename().string();
  tmp_name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  auto tmp = parent / tmp_name;
  try {
    detail::ErrorCapture errors;
    GDALDriverH driver = GDALGetDriverByName("GTiff");
    if (!driver) throw Error(ErrorKind::Internal, "GDAL lacks the GTiff driver");
    // Tiled and uncompressed, as GDAL writes by default: DEFLATE, even at level 1 on two cores, took longer than
    // the rest of the write (16 of the 140 ms of `sitmap heatmap` on a million points) to halve a 4 MB file.
    const char* options[] = {"TILED=YES", nullptr};
    detail::Dataset ds(
        GDALCreate(driver, tmp.c_str(), spec.width, spec.height, 1, GDT_Float32, const_cast<char**>(options)));
    if (!ds) throw Error(ErrorKind::BadInput, what + ": cannot create: " + errors.last_message());
    double transform[6] = {spec.minx, spec.cell_x, 0, spec.maxy, 0, -spec.cell_y};
    GDALSetGeoTransform(ds.get(), transform);
    GDALSetProjection(ds.get(), srs_wkt.c_str());
    for (const auto& [key, value] : spec.metadata) GDALSetMetadataItem(ds.get(), key.c_str(), value.c_str(), nullptr);
    GDALRasterBandH band = GDALGetRasterBand(ds.get(), 1);
    GDALSetDescription(band, spec.description.c_str());
    GDALSetRasterUnitType(band, spec.units.c_str());
    if (GDALRasterIO(band, GF_Write, 0, 0, spec.width, spec.height, const_cast<float*>(values.data()), spec.width,
                     spec.height, GDT_Float32, 0, 0) != CE_None)
      throw Error(ErrorKind::BadInput, what + ": cannot write: " + errors.last_message());
    set_statistics(band, values);
    ds.reset();  // closing flushes; a full disk shows up here
    if (std::string why = errors.take_failure(); !why.empty()) throw Error(ErrorKind::BadInput, what + ": " + why);
    std::filesystem::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    std::filesystem::remove(tmp.string() + ".aux.xml", ec);
    throw;
  }
  spdlog::info("{}: {} x {} raster written ({})", what, spec.width, spec.height, spec.units);
}

}  // namespace sitmap::io
