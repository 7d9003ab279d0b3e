#include "sitmap/services/map_data.hpp"

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

PolygonCounts count_in_polygons(const Workspace& ws, std::string_view points_layer, std::string_view polygons_layer) {
  auto points = ws.snapshot(points_layer);
  auto polygons = ws.snapshot(polygons_layer);
  // Both stored in lon/lat: containment is tested there, as GEOS and SpatiaLite would.
  auto block_of = analysis::locate_blocks(polygons->geometries, points->lon, points->lat);
  PolygonCounts out;
  out.counts.assign(polygons->size(), 0);
  out.total = static_cast<int64_t>(points->size());
  for (int32_t b : block_of)
    if (b >= 0) ++out.counts[static_cast<size_t>(b)];
  return out;
}

void require_points_visible(const Workspace& ws, const LayerInfo& info) {
  if (!access::may_see_points(ws.principal(), info))
    throw Error(ErrorKind::Denied, "layer '" + info.name + "' is sensitive (受限图层): shown only as counts per block");
}

std::shared_ptr<const Snapshot> visible_snapshot(const Workspace& ws, std::string_view layer) {
  require_points_visible(ws, ws.layer(layer));
  return ws.snapshot(layer);
}

}  // namespace sitmap::services
