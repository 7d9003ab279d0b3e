// The one incident filter that every linked view applies at once (map points, GPU heatmap, charts, tables):
// a time range, categories, a severity range, and optionally one cell of the hour × weekday table.
//
// IncidentTable holds the per-row attributes the filter reads, prepared once per data load, so a filter
// change is one pass over small arrays; the GPU heatmap (render/heatmap.hpp) uploads the same attributes
// once and evaluates the same rule in its vertex shader, so its filter change is a change of uniforms.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sitmap/core/time.hpp"

namespace sitmap::analysis {

inline constexpr uint8_t kNoCategory = 255;
inline constexpr int32_t kNoSeverity = INT32_MIN;
inline constexpr size_t kMaxCategories = 64;  // one bit each in IncidentFilter::categories

struct IncidentFilter {
  TimeRange range;               // [from, to); rows without a time pass only when both ends are unbounded
  uint64_t categories = ~0ull;   // bit i set: IncidentTable::category_names[i] passes; rows without one always pass
  int32_t min_severity = INT32_MIN, max_severity = INT32_MAX;  // inclusive; rows without one pass only when
                                                               // both ends are unbounded
  int weekday = -1;  // 0 = Monday .. 6 = Sunday; -1: any
  int hour = -1;     // 0 .. 23; -1: any. Rows without a time fail a weekday or hour condition.

  bool operator==(const IncidentFilter&) const = default;
  bool passes_everything() const { return *this == IncidentFilter{}; }
};

struct IncidentTable {
  // Seconds (core/time.hpp), INT64_MIN where missing; empty for a table built without times (build_untimed),
  // whose rows have none.
  std::vector<int64_t> times;
  std::vector<std::string> category_names;  // distinct, sorted by UTF-8 bytes
  std::vector<uint8_t> category;            // per row: index into category_names, or kNoCategory; empty: none known
  std::vector<int32_t> severity;            // per row, or kNoSeverity; empty: none known
  TimeRange extent;                         // [earliest time, latest time + 1 s); unbounded when no row has one

  size_t rows = 0;

  size_t size() const { return rows; }
  uint64_t category_bit(std::string_view name) const;  // 0 when no row has the category

  // One entry per row in each span (categories and severity may be empty: none known). Severity values
  // are integers (NaN: missing); throws Error(BadInput) naming the row for more than kMaxCategories
  // distinct categories or a non-integer severity.
  static IncidentTable build(std::span<const int64_t> times, std::span<const std::string> categories,
                             std::span<const uint8_t> category_valid, std::span<const double> severity);
  // The same for `rows` rows whose times were not read: a selection that names no time needs none, and a
  // million of them cost 16 MB to read and keep.
  static IncidentTable build_untimed(size_t rows, std::span<const std::string> categories,
                                     std::span<const uint8_t> category_valid, std::span<const double> severity);
};

bool passes(const IncidentTable& table, size_t row, const IncidentFilter& filter);
// The rows that pass, ascending (the `rows` the timebin, zonal and kde functions take).
std::vector<uint32_t> select_rows(const IncidentTable& table, const IncidentFilter& filter);

// Playback: windows of `window` seconds stepping by `step` through `extent`, the first starting at
// extent.from. Window k is [from + k·step, from + k·step + window). Throws Error(BadInput) for a non-positive
// window or step, or an unbounded extent.
struct Playback {
  TimeRange extent;
  int64_t window = 7 * 86400, step = 86400;

  size_t frames() const;  // windows that start inside the extent
  TimeRange frame(size_t k) const;
};

}  // namespace sitmap::analysis
