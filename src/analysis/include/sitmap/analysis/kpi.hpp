// The briefing's (汇报) indicators, each a small function over plain columns: counts in a period, the units
// (compounds) with no row in it, cases open at a moment, the 12 months of a trend, the units with the highest
// rate. Periods are half-open [from, to) like every range of analysis (timebin.hpp); times are seconds of the
// centre's clock (core/time.hpp), kNoTime where missing (never counted in a bounded range).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/timebin.hpp"

namespace sitmap::analysis {

// A period and the two it is compared with: the period of the same length just before it (环比) and the same
// calendar dates one year earlier (同比). Throws Error(BadInput) for an unbounded or empty period.
struct ComparedPeriods {
  TimeRange current, previous, last_year;
};
ComparedPeriods compared_periods(TimeRange current);

// Rows whose time is in range; with `category` (one code per row, IncidentTable::category), only rows of `code`.
int64_t count_in_range(std::span<const int64_t> times, TimeRange range);
int64_t count_in_range(std::span<const int64_t> times, std::span<const uint8_t> category, uint8_t code,
                       TimeRange range);

// The units (0 .. units−1) that no row in range falls in (unit_of_row: index per row, −1 for none), ascending.
std::vector<uint32_t> units_without_rows(std::span<const int32_t> unit_of_row, std::span<const int64_t> times,
                                         size_t units, TimeRange range);

// Cases open at instant t: found before t and not fixed before t (a case fixed at or after t was still open).
// found and fixed are parallel; kNoTime in found never counts, kNoTime in fixed means not fixed.
int64_t open_at(std::span<const int64_t> found, std::span<const int64_t> fixed, int64_t t);

// 100 · part / whole; NaN when whole is 0.
double percent(int64_t part, int64_t whole);

// `months` calendar months ending with the month that holds range.to − 1 s, counts of the listed rows in each
// (months without any included, rows outside them ignored). Throws Error(BadInput) for an unbounded range.
std::vector<MonthCount> trailing_months(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                        TimeRange range, int months);

// Indices of the `n` units with the highest rate (NaN rates last and never among them), ties by the higher
// count then the lower index.
std::vector<uint32_t> top_units_by_rate(std::span<const double> rate, std::span<const int64_t> count, size_t n);

}  // namespace sitmap::analysis
