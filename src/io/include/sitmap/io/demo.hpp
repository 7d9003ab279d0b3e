// The demo district: a deterministic, synthetic model of the Huaihai Middle Road sub-district
// (淮海中路街道, Huangpu, Shanghai). All names, people and events are invented sample data.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "sitmap/store/store.hpp"

namespace sitmap::io {

// Every layer's source and the database's "source" metadata start with this label.
inline constexpr const char* kDemoSource = "示例数据 / synthetic sample data";

// The last day of the demo's two years of cases and incidents: fixed, so output never depends on the clock.
struct CivilDate {
  int year;
  unsigned month, day;
};
inline constexpr CivilDate kDemoLastDay{2026, 11, 28};

struct DemoOptions {
  uint64_t seed = 1;
  int64_t incidents = 60000;  // over the two years ending kDemoLastDay
  // Seals the special persons (access::row_sealer); without one their layer is written empty.
  store::RowSealer seal;
};

struct DemoSummary {
  std::map<std::string, int64_t> counts;  // rows per layer
  int64_t households = 0;
  double seconds = 0;
};

// Writes every demo layer into `store` in one transaction (the store must not have them yet).
DemoSummary build_demo_district(store::Store& store, const DemoOptions& options);

// Creates `file` with the demo district. Writes to a temporary file beside it and renames it into place,
// so a killed run never leaves a half-built database. Refuses to overwrite unless `overwrite`. Throws
// Error(NotFound) naming the directory when it does not exist, Error(BadInput) when `file` exists.
DemoSummary write_demo_district(const std::filesystem::path& file, const DemoOptions& options, bool overwrite);

}  // namespace sitmap::io
