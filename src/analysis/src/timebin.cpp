#include "sitmap/analysis/timebin.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "sitmap/core/error.hpp"

namespace sitmap::analysis {

namespace {

constexpr int64_t kDay = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

struct Civil {
  int y;
  unsigned m, d;
};
Civil civil(int64_t t) {
  CivilDate c = civil_from_days(floor_div(t, kDay));
  return {c.year, c.month, c.day};
}

bool unbounded(TimeRange r) { return r.from == INT64_MIN && r.to == INT64_MAX; }

bool in_range(int64_t t, TimeRange r) { return t == kNoTime ? unbounded(r) : r.contains(t); }

int64_t shift_year_back(int64_t t) {
  if (t == INT64_MIN || t == INT64_MAX) return t;
  Civil c = civil(t);
  int64_t secs = t - floor_div(t, kDay) * kDay;
  unsigned d = c.d;
  if (c.m == 2 && d == 29) d = 28;
  return days_from_civil(c.y - 1, c.m, d) * kDay + secs;
}

double weight_of(std::span<const double> w, uint32_t row) {
  if (w.empty()) return 1.0;
  return std::isnan(w[row]) ? 0.0 : w[row];
}

}  // namespace

std::vector<uint32_t> rows_in_range(std::span<const int64_t> times, TimeRange range) {
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < times.size(); ++i)
    if (in_range(times[i], range)) rows.push_back(static_cast<uint32_t>(i));
  return rows;
}

std::optional<TimePreset> parse_time_preset(std::string_view name) {
  if (name == "last-7-days") return TimePreset::Last7Days;
  if (name == "last-30-days") return TimePreset::Last30Days;
  if (name == "last-90-days") return TimePreset::Last90Days;
  if (name == "this-year") return TimePreset::ThisYear;
  return std::nullopt;
}

TimeRange preset_range(TimePreset preset, int64_t now) {
  int64_t today = floor_div(now, kDay) * kDay;
  TimeRange r;
  r.to = today + kDay;
  switch (preset) {
    case TimePreset::Last7Days:
      r.from = today - 6 * kDay;
      break;
    case TimePreset::Last30Days:
      r.from = today - 29 * kDay;
      break;
    case TimePreset::Last90Days:
      r.from = today - 89 * kDay;
      break;
    case TimePreset::ThisYear:
      r.from = days_from_civil(civil(now).y, 1, 1) * kDay;
      break;
  }
  return r;
}

TimeRange same_period_last_year(TimeRange range) { return {shift_year_back(range.from), shift_year_back(range.to)}; }

WeekHourTable hour_weekday_table(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                 std::span<const double> weights) {
  WeekHourTable table{};
  for (uint32_t r : rows) {
    int64_t t = times[r];
    if (t == kNoTime) continue;
    table[weekday(t)][hour_of_day(t)] += weight_of(weights, r);
  }
  return table;
}

std::vector<MonthCount> monthly_series(std::span<const int64_t> times, std::span<const uint32_t> rows,
                                       std::span<const double> weights) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (uint32_t r : rows)
    if (times[r] != kNoTime) {
      lo = std::min(lo, times[r]);
      hi = std::max(hi, times[r]);
    }
  std::vector<MonthCount> out;
  if (lo > hi) return out;
  Civil a = civil(lo), b = civil(hi);
  long first = a.y * 12L + (a.m - 1), last = b.y * 12L + (b.m - 1);
  for (long m = first; m <= last; ++m) out.push_back({static_cast<int>(m / 12), static_cast<int>(m % 12) + 1, 0});
  for (uint32_t r : rows) {
    if (times[r] == kNoTime) continue;
    Civil c = civil(times[r]);
    out[c.y * 12L + (c.m - 1) - first].count += weight_of(weights, r);
  }
  return out;
}

std::vector<UnitChange> compare_periods(std::span<const int32_t> unit_of_row, std::span<const int64_t> times,
                                        size_t units, TimeRange before, TimeRange after) {
  if (unit_of_row.size() != times.size())
    throw Error(ErrorKind::BadInput, "period comparison: units and times differ in length");
  std::vector<UnitChange> out(units);
  for (size_t i = 0; i < times.size(); ++i) {
    int32_t u = unit_of_row[i];
    if (u < 0 || static_cast<size_t>(u) >= units || times[i] == kNoTime) continue;
    if (before.contains(times[i])) ++out[u].before;
    if (after.contains(times[i])) ++out[u].after;
  }
  for (auto& c : out) {
    c.change = c.after - c.before;
    c.percent = c.before > 0 ? 100.0 * static_cast<double>(c.change) / static_cast<double>(c.before) : std::nan("");
  }
  return out;
}

}  // namespace sitmap::analysis
