// 热力图: the kernel density surface of the selected incidents, in ground metres, and its GeoTIFF. `sitmap
// heatmap` and the 分析 panel's 导出热力图 both fill a HeatmapRequest and call these, so that the same selection
// gives the same raster, byte for byte.
//
// The grid covers the whole layer (every row's Web Mercator position, grown by the kernel's reach:
// analysis::density_grid), not only the selection, so that surfaces of different periods line up and subtract.
#pragma once
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/services/selection.hpp"

namespace sitmap::services {

struct HeatmapRequest {
  analysis::IncidentFilter filter;  // which incidents
  bool compare_last_year = false;   // the change: the period's density minus that of the same dates a year earlier
  analysis::Kernel kernel = analysis::Kernel::Quartic;
  double radius_m = 100;            // ground metres (σ for the Gaussian)
  double cell_m = 10;               // ground metres
  std::string weight_field;         // numeric field weighting each incident (null: left out); "" counts each once
};

struct Heatmap {
  analysis::DensityGrid density;
  std::string period;       // describe_range of the selection, with " minus ..." for a comparison
  std::string categories;   // "all" or the selected categories, comma-separated
  int64_t selected = 0;     // incidents the filter passed (the later period's, for a comparison)
  float peak() const;       // the largest absolute value
};

// Throws Error(BadInput) for a bad radius or cell, an empty layer, a comparison without a bounded period, an
// oversized grid; Error(NotFound) for a missing weight field.
Heatmap heatmap(const IncidentLayer& layer, const HeatmapRequest& request);

// Float32 GeoTIFF in EPSG:3857 with the request and the result recorded as SITMAP_* metadata. Throws Error
// naming the file (existing without overwrite, missing folder).
void write_heatmap_geotiff(const std::filesystem::path& out, const IncidentLayer& layer, const HeatmapRequest& request,
                           const Heatmap& heatmap, bool overwrite);

// The largest density of the selection (or the largest absolute change) on a coarse grid (cell = radius / 3):
// the top of the window's colour ramp, so that the strongest spot is at its end. 0 for an empty selection.
double density_peak(const IncidentLayer& layer, const HeatmapRequest& request);

}  // namespace sitmap::services
