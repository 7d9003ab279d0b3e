// What the map reads from the workspace: each layer's snapshot, or, for a layer the signed-in principal may
// not see as points (access::may_see_points, decided from the layer kind recorded in the store), only how
// many of its points fall in each polygon of another layer. The rows of such a layer never leave here.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

// Points of `points_layer` in each feature of `polygons_layer` (in its snapshot's order), by the rule every
// statistic uses (analysis::locate_blocks: a point on an edge shared by two blocks counts in exactly one), so
// the map, `sitmap hotspots` and the window's tables agree; a sensitive layer, whose positions are sealed, by
// the block number its rows keep in clear (matched to the polygons' block_no). Throws Error(NotFound) naming
// a missing layer.
struct PolygonCounts {
  std::vector<int64_t> counts;  // one per polygon
  int64_t total = 0;            // rows of points_layer, inside a polygon or not
};
PolygonCounts count_in_polygons(const Workspace& ws, std::string_view points_layer, std::string_view polygons_layer);

// The layer's rows for drawing and picking; throws Error(Denied) naming the layer (no row of it) when the
// principal may see it only as counts.
std::shared_ptr<const Snapshot> visible_snapshot(const Workspace& ws, std::string_view layer);
// The same check without the read: throws Error(Denied) as visible_snapshot does.
void require_points_visible(const Workspace& ws, const LayerInfo& layer);

}  // namespace sitmap::services
