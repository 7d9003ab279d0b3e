// The map's layers read from the workspace as the signed-in principal may see them, for the window, the
// screenshots and the benchmarks. render only prepares what it is given; the reading and the access
// decisions happen here, through services.
#pragma once
#include <string>
#include <vector>

#include "sitmap/render/scene.hpp"
#include "sitmap/services/workspace.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::ui {

struct SceneOptions {
  std::vector<std::string> only;  // layer names to load; empty: all in the style set
};

// Every styled layer the workspace has, in the style set's order (layers missing from it are skipped with a
// warning). A counts style (the sensitive special persons per block) gets its counts from
// services::count_in_polygons, the statistics' rule, so the map and `sitmap hotspots` put a point on a shared
// edge in the same block. Whether a layer is restricted comes from the kind recorded in the store
// (access), not from its style; a layer the principal may not see as points, styled as points, is skipped.
render::Scene load_scene(const services::Workspace& ws, const style::StyleSet& styles,
                         const SceneOptions& options = {});

}  // namespace sitmap::ui
