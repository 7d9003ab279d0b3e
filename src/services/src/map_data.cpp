#include "sitmap/services/map_data.hpp"

#include <unordered_map>

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

PolygonCounts count_in_polygons(const Workspace& ws, std::string_view points_layer, std::string_view polygons_layer) {
  auto points = ws.snapshot(points_layer);
  auto polygons = ws.snapshot(polygons_layer);
  const Column* point_block = points->column("block_no");
  const Column* polygon_block = polygons->column("block_no");
  if (points->info.kind == LayerKind::Sensitive && point_block && polygon_block) {
    // Positions are sealed: every principal counts by the block number kept in clear, so all see one figure.
    std::unordered_map<std::string, size_t> polygon_of;
    for (size_t i = 0; i < polygons->size(); ++i)
      if (polygon_block->valid[i]) polygon_of.emplace(polygon_block->text(i), i);
    PolygonCounts out;
    out.counts.assign(polygons->size(), 0);
    out.total = static_cast<int64_t>(points->size());
    for (size_t r = 0; r < points->size(); ++r)
      if (auto it = point_block->valid[r] ? polygon_of.find(point_block->text(r)) : polygon_of.end();
          it != polygon_of.end())
        ++out.counts[it->second];
    return out;
  }
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
