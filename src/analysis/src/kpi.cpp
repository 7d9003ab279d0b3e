#include "sitmap/analysis/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {

constexpr int64_t kDay = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

ComparedPeriods compared_periods(TimeRange current) {
  if (!current.bounded() || current.to <= current.from)
    throw Error(ErrorKind::BadInput, "indicators need a bounded, non-empty period");
  const int64_t length = current.to - current.from;
  return {current, {current.from - length, current.from}, same_period_last_year(current)};
}

int64_t count_in_range(std::span<const int64_t> times, TimeRange range) {
  return std::count_if(times.begin(), times.end(), [&](int64_t t) { return t != kNoTime && range.contains(t); });
}

int64_t count_in_range(std::span<const int64_t> times, std::span<const uint8_t> category, uint8_t code,
                       TimeRange range) {
  if (category.size() != times.size()) throw Error(ErrorKind::BadInput, "indicators: categories and times differ in length");
  int64_t n = 0;
  for (size_t r = 0; r < times.size(); ++r) n += category[r] == code && times[r] != kNoTime && range.contains(times[r]);
  return n;
}

std::vector<uint32_t> units_without_rows(std::span<const int32_t> unit_of_row, std::span<const int64_t> times,
                                         size_t units, TimeRange range) {
  if (unit_of_row.size() != times.size()) throw Error(ErrorKind::BadInput, "indicators: units and times differ in length");
  std::vector<uint8_t> hit(units, 0);
  for (size_t r = 0; r < times.size(); ++r)
    if (unit_of_row[r] >= 0 && static_cast<size_t>(unit_of_row[r]) < units && times[r] != kNoTime &&
        range.contains(times[r]))
      hit[static_cast<size_t>(unit_of_row[r])] = 1;
  std::vector<uint32_t> out;
  for (size_t u = 0; u < units; ++u)
    if (!hit[u]) out.push_back(static_cast<uint32_t>(u));
  return out;
}

int64_t open_at(std::span<const int64_t> found, std::span<const int64_t> fixed, int64_t t) {
  if (found.size() != fixed.size()) throw Error(ErrorKind::BadInput, "indicators: found and fixed differ in length");
  int64_t n = 0;
  for (size_t r = 0; r < found.size(); ++r) n += found[r] != kNoTime && found[r] < t && (fixed[r] == kNoTime || fixed[r] >= t);
  return n;
}

double percent(int64_t part, int64_t whole) {
  return whole == 0 ? std::nan("") : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::vector<MonthCount> trailing_months(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                        TimeRange range, int months) {
  if (!range.bounded() || range.to <= range.from || months <= 0)
    throw Error(ErrorKind::BadInput, "a trend needs a bounded period and at least one month");
  CivilDate last = civil_from_days(floor_div(range.to - 1, kDay));
  const long end = last.year * 12L + static_cast<long>(last.month) - 1, first = end - months + 1;
  std::vector<MonthCount> out;
  for (long m = first; m <= end; ++m) out.push_back({static_cast<int>(m / 12), static_cast<int>(m % 12) + 1, 0});
  for (uint32_t r : rows) {
    if (times[r] == kNoTime) continue;
    CivilDate c = civil_from_days(floor_div(times[r], kDay));
    long m = c.year * 12L + static_cast<long>(c.month) - 1;
    if (m >= first && m <= end) out[static_cast<size_t>(m - first)].count += 1;
  }
  return out;
}

std::vector<uint32_t> top_units_by_rate(std::span<const double> rate, std::span<const int64_t> count, size_t n) {
  if (rate.size() != count.size()) throw Error(ErrorKind::BadInput, "indicators: rates and counts differ in length");
  std::vector<uint32_t> order;
  for (size_t u = 0; u < rate.size(); ++u)
    if (!std::isnan(rate[u])) order.push_back(static_cast<uint32_t>(u));
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (rate[a] != rate[b]) return rate[a] > rate[b];
    if (count[a] != count[b]) return count[a] > count[b];
    return a < b;
  });
  if (order.size() > n) order.resize(n);
  return order;
}

}  // namespace sitmap::analysis
