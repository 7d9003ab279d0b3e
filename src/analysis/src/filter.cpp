#include "sitmap/analysis/filter.hpp"

#include <algorithm>
#include <unordered_set>
#include <cmath>

#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"

namespace sitmap::analysis {

namespace {

bool unbounded(TimeRange r) { return r.from == INT64_MIN && r.to == INT64_MAX; }

}  // namespace

uint64_t IncidentTable::category_bit(std::string_view name) const {
  auto it = std::lower_bound(category_names.begin(), category_names.end(), name);
  if (it == category_names.end() || *it != name) return 0;
  return uint64_t{1} << (it - category_names.begin());
}

namespace {

IncidentTable build_table(size_t n, std::span<const int64_t> times, std::span<const std::string> categories,
                          std::span<const uint8_t> category_valid, std::span<const double> severity) {
  if ((!times.empty() && times.size() != n) ||
      (!categories.empty() && (categories.size() != n || category_valid.size() != n)) ||
      (!severity.empty() && severity.size() != n))
    throw Error(ErrorKind::BadInput, "incident table: columns of different lengths");
  IncidentTable t;
  t.rows = n;
  t.times.assign(times.begin(), times.end());
  if (!categories.empty()) t.category.assign(n, kNoCategory);
  if (!severity.empty()) t.severity.assign(n, kNoSeverity);

  if (!categories.empty()) {
    // A handful of names among a million rows: collect the distinct ones before sorting.
    std::unordered_set<std::string_view> distinct;
    for (size_t i = 0; i < n; ++i)
      if (category_valid[i]) distinct.insert(categories[i]);
    t.category_names.assign(distinct.begin(), distinct.end());
    std::sort(t.category_names.begin(), t.category_names.end());
    if (t.category_names.size() > kMaxCategories)
      throw Error(ErrorKind::BadInput, "incident table: " + std::to_string(t.category_names.size()) +
                                           " distinct categories; at most " + std::to_string(kMaxCategories) +
                                           " can be filtered");
    for (size_t i = 0; i < n; ++i)
      if (category_valid[i])
        t.category[i] = static_cast<uint8_t>(
            std::lower_bound(t.category_names.begin(), t.category_names.end(), categories[i]) -
            t.category_names.begin());
  }
  for (size_t i = 0; i < severity.size(); ++i) {
    double s = severity[i];
    if (std::isnan(s)) continue;
    if (s != std::floor(s) || s <= INT32_MIN || s > INT32_MAX)
      throw Error(ErrorKind::BadInput, "incident table: row " + std::to_string(i + 1) +
                                           ": severity is not a whole number");
    t.severity[i] = static_cast<int32_t>(s);
  }
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t s : times) {
    if (s == INT64_MIN) continue;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  if (lo <= hi) t.extent = {lo, hi + 1};
  return t;
}

}  // namespace

IncidentTable IncidentTable::build(std::span<const int64_t> times, std::span<const std::string> categories,
                                   std::span<const uint8_t> category_valid, std::span<const double> severity) {
  return build_table(times.size(), times, categories, category_valid, severity);
}

IncidentTable IncidentTable::build_untimed(size_t rows, std::span<const std::string> categories,
                                           std::span<const uint8_t> category_valid, std::span<const double> severity) {
  return build_table(rows, {}, categories, category_valid, severity);
}

bool passes(const IncidentTable& t, size_t row, const IncidentFilter& f) {
  int64_t time = t.times.empty() ? INT64_MIN : t.times[row];
  if (time == INT64_MIN) {
    if (!unbounded(f.range)) return false;
  } else if (!f.range.contains(time)) {
    return false;
  }
  uint8_t c = t.category.empty() ? kNoCategory : t.category[row];
  if (c != kNoCategory && !(f.categories >> c & 1)) return false;
  int32_t s = t.severity.empty() ? kNoSeverity : t.severity[row];
  if (s == kNoSeverity) {
    if (f.min_severity != INT32_MIN || f.max_severity != INT32_MAX) return false;
  } else if (s < f.min_severity || s > f.max_severity) {
    return false;
  }
  // Weekday and hour from the time as asked (inline arithmetic): a table of them per row would cost a
  // million-row layer two more arrays to fill whether or not the filter names a cell.
  if (f.weekday >= 0 && (time == INT64_MIN || weekday(time) != f.weekday)) return false;
  if (f.hour >= 0 && (time == INT64_MIN || hour_of_day(time) != f.hour)) return false;
  return true;
}

std::vector<uint32_t> select_rows(const IncidentTable& table, const IncidentFilter& filter) {
  std::vector<uint32_t> rows;
  const size_t n = table.size();
  if (filter.passes_everything()) {
    rows.resize(n);
    for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
    return rows;
  }
  for (size_t i = 0; i < n; ++i)
    if (passes(table, i, filter)) rows.push_back(static_cast<uint32_t>(i));
  return rows;
}

size_t Playback::frames() const {
  if (window <= 0 || step <= 0) throw Error(ErrorKind::BadInput, "playback: window and step must be positive");
  if (extent.from == INT64_MIN || extent.to == INT64_MAX || extent.to <= extent.from)
    throw Error(ErrorKind::BadInput, "playback: needs a bounded, non-empty time range");
  return static_cast<size_t>((extent.to - extent.from - 1) / step) + 1;
}

TimeRange Playback::frame(size_t k) const {
  int64_t from = extent.from + static_cast<int64_t>(k) * step;
  return {from, from + window};
}

}  // namespace sitmap::analysis
