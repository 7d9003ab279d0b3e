#include "incident_selection.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::app {

namespace {

int64_t parse_time_option(const std::string& option, const std::string& text) {
  auto t = parse_iso_time(text);
  if (!t)
    throw Error(ErrorKind::BadInput,
                option + ": '" + text + "' is not a date or time (use 2026-11-28 or 2026-11-28T16:40)");
  return *t;
}

std::vector<uint32_t> all_rows(size_t n) {
  std::vector<uint32_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(i);
  return rows;
}

// "3" -> [3, max], "2-4" -> [2, 4]; whole numbers, not negative.
std::pair<int32_t, int32_t> parse_severity(const std::string& text) {
  auto whole = [&](const std::string& part) {
    if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorKind::BadInput,
                  "--severity: '" + text + "' is not MIN or MIN-MAX with whole numbers (e.g. 3 or 2-4)");
    return static_cast<int32_t>(std::stol(part));
  };
  size_t dash = text.find('-');
  if (dash == std::string::npos) return {whole(text), INT32_MAX};
  int32_t lo = whole(text.substr(0, dash)), hi = whole(text.substr(dash + 1));
  if (lo > hi) throw Error(ErrorKind::BadInput, "--severity: '" + text + "': MIN is above MAX");
  return {lo, hi};
}

}  // namespace

void add_selection_options(CLI::App* cmd, SelectionArgs& a) {
  cmd->add_option("--layer", a.layer, "point layer to analyse (default incidents)");
  cmd->add_option("--from", a.from, "start time, included (ISO: 2026-01-01 or 2026-01-01T08:00)");
  cmd->add_option("--to", a.to, "end time, excluded (ISO)");
  cmd->add_option("--period", a.period,
                  "last-7-days|last-30-days|last-90-days|this-year, ending with the day of --now");
  cmd->add_option("--now", a.now, "reference time for --period (default: the latest time of the selected incidents)");
  cmd->add_flag("--last-year", a.last_year, "shift the chosen range to the same dates one year earlier");
  cmd->add_option("--category", a.categories,
                  "keep only these categories (repeatable); incidents without a category stay, as in the window");
  cmd->add_option("--severity", a.severity, "keep severities MIN or more, or MIN-MAX (inclusive), e.g. 3 or 2-4");
}

Selection select_incidents(const store::Store& store, const SelectionArgs& a) {
  Selection s;
  store::SnapshotOptions options;  // named: a defaulted temporary trips GCC 12's -Wmaybe-uninitialized
  s.snapshot = store::load_snapshot(store, a.layer, options);
  const Snapshot& snap = *s.snapshot;
  const size_t n = snap.size();

  // Only the columns the options name are read: another layer need not have them.
  std::vector<std::string> categories;
  std::vector<uint8_t> category_valid;
  if (!a.categories.empty()) {
    const Column* col = snap.column(a.category_field);
    if (!col)
      throw Error(ErrorKind::NotFound, "--category: layer " + a.layer + " has no field '" + a.category_field + "'");
    categories.resize(n);
    for (size_t i = 0; i < n; ++i) categories[i] = col->text(i);
    category_valid = col->valid;
  }
  std::vector<double> severity;
  if (!a.severity.empty()) {
    auto [lo, hi] = parse_severity(a.severity);
    s.filter.min_severity = lo;
    s.filter.max_severity = hi;
    if (!snap.column(a.severity_field))
      throw Error(ErrorKind::NotFound, "--severity: layer " + a.layer + " has no field '" + a.severity_field + "'");
    severity = numeric_field(snap, a.severity_field, all_rows(n));
    for (size_t i = 0; i < n; ++i)
      if (!std::isnan(severity[i]) && severity[i] != std::floor(severity[i]))
        throw Error(ErrorKind::BadInput, "--severity: layer " + a.layer + ", feature " + std::to_string(snap.ids[i]) +
                                             ": " + a.severity_field + " is not a whole number");
  }
  std::vector<int64_t> times = snap.time;
  if (times.empty()) times.assign(n, analysis::kNoTime);
  s.table = analysis::IncidentTable::build(times, categories, category_valid, severity);

  if (!a.categories.empty()) {
    s.filter.categories = 0;
    // A misspelt category would silently select nothing: name the one that matches no feature.
    for (const auto& c : a.categories) {
      uint64_t bit = s.table.category_bit(c);
      if (!bit)
        throw Error(ErrorKind::NotFound, "--category: no feature of layer " + a.layer + " has category '" + c + "'");
      s.filter.categories |= bit;
    }
  }
  const bool timed = !a.from.empty() || !a.to.empty() || !a.period.empty() || a.last_year;
  if (timed && snap.time_field.empty())
    throw Error(ErrorKind::NotFound,
                "layer " + a.layer + " has no time field '" + options.time_field + "' to filter on");
  if (!a.period.empty()) {
    if (!a.from.empty() || !a.to.empty())
      throw Error(ErrorKind::BadInput, "--period cannot be combined with --from/--to");
    auto preset = analysis::parse_time_preset(a.period);
    if (!preset)
      throw Error(ErrorKind::BadInput,
                  "--period: unknown '" + a.period + "' (use last-7-days, last-30-days, last-90-days or this-year)");
    int64_t now = INT64_MIN;
    if (!a.now.empty()) {
      now = parse_time_option("--now", a.now);
    } else {
      for (uint32_t r : analysis::select_rows(s.table, s.filter)) now = std::max(now, s.table.times[r]);
      if (now == INT64_MIN) throw Error(ErrorKind::BadInput, "--period: no selected incident has a time; give --now");
    }
    s.range = analysis::preset_range(*preset, now);
  }
  if (!a.from.empty()) s.range.from = parse_time_option("--from", a.from);
  if (!a.to.empty()) s.range.to = parse_time_option("--to", a.to);
  if (s.range.from >= s.range.to) throw Error(ErrorKind::BadInput, "--from must be before --to");
  if (a.last_year) s.range = analysis::same_period_last_year(s.range);
  s.filter.range = s.range;
  s.rows = analysis::select_rows(s.table, s.filter);
  return s;
}

std::string Selection::describe() const {
  if (range.from == INT64_MIN && range.to == INT64_MAX) return "all time";
  std::string from = range.from == INT64_MIN ? "…" : format_iso_time(range.from);
  std::string to = range.to == INT64_MAX ? "…" : format_iso_time(range.to);
  return from + " .. " + to + " (end excluded)";
}

std::vector<double> numeric_field(const Snapshot& snap, const std::string& field,
                                  const std::vector<uint32_t>& rows) {
  const Column* col = snap.column(field);
  if (!col) throw Error(ErrorKind::NotFound, "layer " + snap.info.name + " has no field '" + field + "'");
  if (col->def.type == FieldType::Text)
    throw Error(ErrorKind::BadInput, "field '" + field + "' of layer " + snap.info.name + " is text, not a number");
  std::vector<double> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = col->number(rows[i]);
  return out;
}

Blocks load_blocks(const store::Store& store, const std::string& layer, const std::string& id_field) {
  store::SnapshotOptions options;  // named: a defaulted temporary trips GCC 12's -Wmaybe-uninitialized
  Blocks b;
  b.snapshot = store::load_snapshot(store, layer, options);
  const Snapshot& snap = *b.snapshot;
  const Column* id = snap.column(id_field);
  if (!id) throw Error(ErrorKind::NotFound, "layer " + layer + " has no field '" + id_field + "'");
  for (size_t i = 0; i < snap.size(); ++i) {
    double v = id->number(i);
    if (std::isnan(v))
      throw Error(ErrorKind::BadInput,
                  "layer " + layer + ", feature " + std::to_string(snap.ids[i]) + ": no " + id_field);
    b.ids.push_back(static_cast<int64_t>(v));
  }
  return b;
}

std::vector<int32_t> locate_in_blocks(const Blocks& blocks, const Snapshot& points,
                                      const std::vector<uint32_t>& rows) {
  // Blocks and incidents are both stored in lon/lat: test containment there, as GEOS and SpatiaLite would.
  return analysis::locate_blocks(blocks.snapshot->geometries, points.lon, points.lat, rows);
}

}  // namespace sitmap::app
