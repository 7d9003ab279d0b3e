#include "incident_selection.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "sitmap/analysis/timebin.hpp"
#include "sitmap/analysis/zonal.hpp"
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

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
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
  cmd->add_option("--category", a.categories, "keep only these categories (repeatable)");
}

Selection select_incidents(const store::Store& store, const SelectionArgs& a) {
  LayerInfo info = store.layer(a.layer);
  store::SnapshotOptions options;
  if (!a.categories.empty()) {
    if (info.field_index(a.category_field) < 0)
      throw Error(ErrorKind::NotFound, "--category: layer " + a.layer + " has no field '" + a.category_field + "'");
    std::string list;
    for (const auto& c : a.categories) list += (list.empty() ? "" : ", ") + quoted(c);
    options.query.where = a.category_field + " IN (" + list + ")";
  }
  Selection s;
  s.snapshot = store::load_snapshot(store, a.layer, options);
  // A misspelt category would silently select nothing: name the one that matches no feature.
  if (!a.categories.empty()) {
    const store::Column* col = s.snapshot->column(a.category_field);
    std::set<std::string> present;
    for (size_t i = 0; i < s.snapshot->size(); ++i) present.insert(col->text(i));
    for (const auto& c : a.categories)
      if (!present.count(c))
        throw Error(ErrorKind::NotFound, "--category: no feature of layer " + a.layer + " has category '" + c + "'");
  }
  const auto& times = s.snapshot->time;
  const bool timed = !a.from.empty() || !a.to.empty() || !a.period.empty() || a.last_year;
  if (timed && s.snapshot->time_field.empty())
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
      for (int64_t t : times) now = std::max(now, t);
      if (now == INT64_MIN) throw Error(ErrorKind::BadInput, "--period: no selected incident has a time; give --now");
    }
    s.range = analysis::preset_range(*preset, now);
  }
  if (!a.from.empty()) s.range.from = parse_time_option("--from", a.from);
  if (!a.to.empty()) s.range.to = parse_time_option("--to", a.to);
  if (s.range.from >= s.range.to) throw Error(ErrorKind::BadInput, "--from must be before --to");
  if (a.last_year) s.range = analysis::same_period_last_year(s.range);
  if (s.snapshot->time_field.empty()) {
    s.rows.resize(s.snapshot->size());
    for (size_t i = 0; i < s.rows.size(); ++i) s.rows[i] = static_cast<uint32_t>(i);
  } else {
    s.rows = analysis::rows_in_range(times, s.range);
  }
  return s;
}

std::string Selection::describe() const {
  if (range.from == INT64_MIN && range.to == INT64_MAX) return "all time";
  std::string from = range.from == INT64_MIN ? "…" : format_iso_time(range.from);
  std::string to = range.to == INT64_MAX ? "…" : format_iso_time(range.to);
  return from + " .. " + to + " (end excluded)";
}

std::vector<double> numeric_field(const store::Snapshot& snap, const std::string& field,
                                  const std::vector<uint32_t>& rows) {
  const store::Column* col = snap.column(field);
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
  const store::Snapshot& snap = *b.snapshot;
  const store::Column* id = snap.column(id_field);
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

std::vector<int32_t> locate_in_blocks(const Blocks& blocks, const store::Snapshot& points,
                                      const std::vector<uint32_t>& rows) {
  // Blocks and incidents are both stored in lon/lat: test containment there, as GEOS and SpatiaLite would.
  analysis::PolygonLocator locator(blocks.snapshot->geometries);
  std::vector<double> lon(rows.size()), lat(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    lon[i] = points.lon[rows[i]];
    lat[i] = points.lat[rows[i]];
  }
  return locator.locate_all(lon, lat);
}

}  // namespace sitmap::app
