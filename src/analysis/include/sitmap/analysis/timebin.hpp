// Time filters and time binning over a snapshot's time column (seconds, core/time.hpp, the centre's local
// clock). Ranges are half-open, [from, to): an incident at exactly `from` is in, one at exactly `to` is out,
// so consecutive periods (months, the two sides of a comparison) never count an incident twice.
// Rows without a time (INT64_MIN) are kept only by a range unbounded at both ends.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sitmap/core/time.hpp"

namespace sitmap::analysis {

inline constexpr int64_t kNoTime = INT64_MIN;

// Indices of the rows whose time is in range, ascending.
std::vector<uint32_t> rows_in_range(std::span<const int64_t> times, TimeRange range);

// Presets relative to a reference `now` (never the clock, so results can be reproduced). Every preset ends
// at the start of the day after `now` (today included): last N days = [today − (N−1) days, tomorrow),
// this year = [1 January, tomorrow).
enum class TimePreset { Last7Days, Last30Days, Last90Days, ThisYear };
std::optional<TimePreset> parse_time_preset(std::string_view name);  // "last-7-days", ..., "this-year"
TimeRange preset_range(TimePreset preset, int64_t now);
// The same calendar dates one year earlier (29 February becomes 28 February); unbounded ends stay unbounded.
TimeRange same_period_last_year(TimeRange range);

// Counts by day of week (0 = Monday) and hour of day, each row weighted (weights empty: 1).
using WeekHourTable = std::array<std::array<double, 24>, 7>;
WeekHourTable hour_weekday_table(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                 std::span<const double> weights = {});

struct MonthCount {
  int year = 0;
  int month = 0;  // 1..12
  double count = 0;
};
// One entry per calendar month from the month of the first to the month of the last listed row (months
// with none included); empty when no row has a time.
std::vector<MonthCount> monthly_series(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                       std::span<const double> weights = {});

// Per unit (block) counts of two periods and the change between them.
struct UnitChange {
  int64_t before = 0, after = 0;
  int64_t change = 0;  // after − before
  double percent = 0;  // 100 · change / before; NaN when before is 0
};
std::vector<UnitChange> compare_periods(std::span<const int32_t> unit_of_row, std::span<const int64_t> times,
                                        size_t units, TimeRange before, TimeRange after);

}  // namespace sitmap::analysis
