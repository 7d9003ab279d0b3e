// Builds the columnar Snapshot (core/snapshot.hpp) of one layer from a store.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "sitmap/core/snapshot.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::store {

struct SnapshotOptions {
  Query query;                        // which rows (all by default)
  std::string time_field = "occurred_at";  // used when the layer has it
};

std::shared_ptr<const Snapshot> load_snapshot(const Store& store, std::string_view layer,
                                              const SnapshotOptions& options = {});

}  // namespace sitmap::store
