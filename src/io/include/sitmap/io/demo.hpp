// The demo district: a deterministic, synthetic model of the Huaihai Middle Road sub-district
// (淮海中路街道, Huangpu, Shanghai). All names, people and events are invented sample data.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "sitmap/store/store.hpp"

namespace sitmap::io {

struct DemoOptions {
  uint64_t seed = 1;
  int64_t incidents = 60000;  // over the two years ending 2026-11-28
};

struct DemoSummary {
  std::map<std::string, int64_t> counts;  // rows per layer
  double seconds = 0;
};

// Writes every demo layer into `store` in one transaction (the store must not have them yet).
DemoSummary build_demo_district(store::Store& store, const DemoOptions& options);

// Creates `file` with the demo district. Writes to a temporary file beside it and renames it into place,
// so a killed run never leaves a half-built database. Refuses to overwrite unless `overwrite`.
DemoSummary write_demo_district(const std::filesystem::path& file, const DemoOptions& options, bool overwrite);

}  // namespace sitmap::io
