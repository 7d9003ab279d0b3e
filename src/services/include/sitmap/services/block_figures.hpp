// What a grid block holds, for the details panel when a block is selected: its households and, per point
// layer, how many rows fall in it (by analysis::locate_blocks, the rule of every count per block), how many are
// still open (a `status` other than 已整改), offline (an `online` of 0) or recent (the last 30 days of the layer's
// times). Sensitive layers are counted like the rest: only the numbers leave here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

struct LayerFigures {
  std::string layer, title;     // the layer's name and Chinese title
  bool restricted = false;      // sensitive: counts only
  std::vector<int64_t> total;   // per block
  std::vector<int64_t> open;    // per block; empty when the layer has no `status`
  std::vector<int64_t> offline; // per block; empty when the layer has no `online`
  std::vector<int64_t> recent;  // per block, the 30 days up to the layer's latest time; empty without times
};

struct BlockFigures {
  std::vector<double> households;  // per block, NaN unknown; empty without the field
  std::vector<LayerFigures> layers;  // every point layer of the workspace, in catalogue order
};

// Throws Error(NotFound) naming a missing blocks layer.
BlockFigures block_figures(const Workspace& ws, std::string_view blocks_layer = "blocks");

}  // namespace sitmap::services
