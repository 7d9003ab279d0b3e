// write_geotiff: values, georeferencing and the statistics it records, read back with GDAL itself.
#include "sitmap/io/raster.hpp"

#include <cmath>
#include <filesystem>
#include <vector>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

using RasterTest = io::test::IoTest;

TEST_F(RasterTest, ValuesGeoreferencingAndStatisticsReadBackAsGdalComputesThem) {
  io::RasterSpec spec;
  spec.width = 301;  // not a multiple of the tile size
  spec.height = 257;
  spec.minx = 13521000;
  spec.maxy = 3657000;
  spec.cell_x = spec.cell_y = 3.5;
  spec.units = "incidents/km2";
  Random rng(3);
  std::vector<float> values(static_cast<size_t>(spec.width) * spec.height);
  for (auto& v : values) v = static_cast<float>(rng.uniform(-50, 2e6));
  values[1234] = 0;
  const fs::path out = path("热力.tif");
  io::write_geotiff(out, spec, values);

  GDALDatasetH ds = GDALOpen(out.c_str(), GA_ReadOnly);
  ASSERT_NE(ds, nullptr);
  double transform[6];
  ASSERT_EQ(GDALGetGeoTransform(ds, transform), CE_None);
  EXPECT_EQ(transform[0], spec.minx);
  EXPECT_EQ(transform[3], spec.maxy);
  EXPECT_EQ(transform[1], 3.5);
  EXPECT_EQ(transform[5], -3.5);
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  std::vector<float> back(values.size());
  ASSERT_EQ(GDALRasterIO(band, GF_Read, 0, 0, spec.width, spec.height, back.data(), spec.width, spec.height,
                         GDT_Float32, 0, 0),
            CE_None);
  EXPECT_EQ(back, values);
  EXPECT_STREQ(GDALGetRasterUnitType(band), "incidents/km2");

  double recorded[4], computed[4];
  ASSERT_EQ(GDALGetRasterStatistics(band, FALSE, FALSE, &recorded[0], &recorded[1], &recorded[2], &recorded[3]),
            CE_None)
      << "no statistics recorded";
  ASSERT_EQ(GDALComputeRasterStatistics(band, FALSE, &computed[0], &computed[1], &computed[2], &computed[3], nullptr,
                                        nullptr),
            CE_None);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(recorded[i], computed[i], 1e-9 * std::abs(computed[i])) << "statistic " << i;
  GDALClose(ds);

  EXPECT_THROW(io::write_geotiff(out, spec, values), Error);  // exists
  EXPECT_THROW(io::write_geotiff(path("short.tif"), spec, std::vector<float>(10)), Error);
  EXPECT_FALSE(fs::exists(path("short.tif")));
}

}  // namespace
