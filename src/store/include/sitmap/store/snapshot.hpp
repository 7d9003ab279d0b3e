// Builds the columnar Snapshot (core/snapshot.hpp) of one layer from a store.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/snapshot.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::store {

struct SnapshotOptions {
  Query query;                        // which rows (all by default)
  std::string time_field = "occurred_at";  // used when the layer has it
  // Only these fields as columns (Snapshot::info.fields then lists just them); all when unset. A reader that
  // needs positions and times only skips the cost of the text columns.
  std::optional<std::vector<std::string>> fields;
  // False: Web Mercator x/y only, lon and lat left empty, for readers that work in metres (the heatmap).
  bool lonlat = true;
  // False: ids may be left empty, for a reader that never names a row (a million of them are 8 MB).
  bool ids = true;
};

std::shared_ptr<const Snapshot> load_snapshot(const Store& store, std::string_view layer,
                                              const SnapshotOptions& options = {});

// A snapshot of features already in memory (a sensitive layer's rows, opened by access), as load_snapshot
// would build it from the store: columns typed by `layer`'s fields, times from `time_field` where it has it.
std::shared_ptr<const Snapshot> snapshot_of(const LayerInfo& layer, const std::vector<Feature>& features,
                                            const std::string& time_field = "occurred_at");

}  // namespace sitmap::store
