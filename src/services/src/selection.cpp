#include "sitmap/services/selection.hpp"

#include <algorithm>
#include <cmath>

#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/services/map_data.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::services {

namespace {

constexpr const char* kCategoryField = "category";
constexpr const char* kSeverityField = "severity";

int64_t parse_time_option(const std::string& option, const std::string& text) {
  auto t = parse_iso_time(text);
  if (!t)
    throw Error(ErrorKind::BadInput,
                option + ": '" + text + "' is not a date or time (use 2026-11-28 or 2026-11-28T16:40)");
  return *t;
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

// "feature 123", or "row 5" (counting from 1) when the snapshot was read without ids.
std::string row_name(const Snapshot& s, size_t row) {
  return s.ids.empty() ? "row " + std::to_string(row + 1) : "feature " + std::to_string(s.ids[row]);
}

// `timed`: the snapshot's times were read (the layer may still have none); otherwise the table has no times.
IncidentLayer make_incident_layer(std::shared_ptr<const Snapshot> points, bool timed) {
  IncidentLayer out;
  out.snapshot = std::move(points);
  const Snapshot& s = *out.snapshot;
  const size_t n = s.size();
  std::span<const int64_t> times = s.time;
  std::vector<int64_t> no_times;
  if (timed && times.size() != n) times = no_times = std::vector<int64_t>(n, analysis::kNoTime);
  auto table = [&](std::span<const std::string> categories, std::span<const uint8_t> valid,
                   std::span<const double> severity) {
    return timed ? analysis::IncidentTable::build(times, categories, valid, severity)
                 : analysis::IncidentTable::build_untimed(n, categories, valid, severity);
  };

  std::span<const double> severity;
  if (const Column* c = s.column(kSeverityField); c && c->def.type != FieldType::Text) {
    out.severity.resize(n);
    for (size_t i = 0; i < n; ++i) out.severity[i] = c->number(i);
    // A fraction cannot be filtered on as a class, but the values still weight the heatmap.
    auto fraction = std::find_if(out.severity.begin(), out.severity.end(),
                                 [](double v) { return !std::isnan(v) && v != std::floor(v); });
    if (fraction == out.severity.end())
      severity = out.severity;
    else
      out.unusable_severity = "layer " + s.info.name + ", " + row_name(s, size_t(fraction - out.severity.begin())) +
                              ": " + kSeverityField + " is not a whole number";
  }
  std::span<const std::string> categories;
  std::span<const uint8_t> valid;
  if (const Column* c = s.column(kCategoryField); c && c->def.type == FieldType::Text)
    categories = c->texts, valid = c->valid;
  try {
    out.table = table(categories, valid, severity);
  } catch (const Error& e) {
    if (categories.empty()) throw;
    // More categories than the filter has bits: the layer is still analysed, only not by category.
    out.unusable_category = e.what();
    out.table = table({}, {}, severity);
  }
  return out;
}

}  // namespace

IncidentLayer incident_layer(std::shared_ptr<const Snapshot> points) { return make_incident_layer(std::move(points), true); }

IncidentLayer incident_layer(const Workspace& ws, std::string_view layer) {
  return incident_layer(visible_snapshot(ws, layer));
}

IncidentLayer incident_layer(const Workspace& ws, std::string_view layer, const IncidentRead& read) {
  LayerInfo info = ws.layer(layer);
  require_points_visible(ws, info);
  store::SnapshotOptions options;
  options.fields = std::vector<std::string>{};
  options.lonlat = read.lonlat;
  options.ids = read.ids;
  if (!read.times) options.time_field.clear();
  for (const auto& f : read.fields) {
    if (info.field_index(f) < 0)
      throw Error(ErrorKind::NotFound, "layer " + info.name + " has no field '" + f + "'");
    if (std::find(options.fields->begin(), options.fields->end(), f) == options.fields->end())
      options.fields->push_back(f);
  }
  return make_incident_layer(store::load_snapshot(ws.store(), layer, options), read.times);
}

bool selection_uses_time(const SelectionText& text) {
  return !text.from.empty() || !text.to.empty() || !text.period.empty() || text.last_year ||
         !text.hour_weekday.empty();
}

std::vector<std::string> selection_fields(const SelectionText& text) {
  std::vector<std::string> fields;
  if (!text.categories.empty()) fields.push_back(kCategoryField);
  if (!text.severity.empty()) fields.push_back(kSeverityField);
  return fields;
}

TimeRange parse_period(std::string_view text, int64_t last_time) {
  if (auto preset = analysis::parse_time_preset(text)) return analysis::preset_range(*preset, last_time);
  auto dots = text.find("..");
  if (dots != std::string_view::npos) {
    auto from = parse_iso_time(text.substr(0, dots)), to = parse_iso_time(text.substr(dots + 2));
    if (from && to && *from < *to) return {*from, *to};
  }
  throw Error(ErrorKind::BadInput, "period '" + std::string(text) +
                                       "': expected last-7-days, last-30-days, last-90-days, this-year or FROM..TO "
                                       "(ISO dates, TO excluded, FROM before TO), e.g. 2026-01-01..2026-04-01");
}

std::pair<int, int> parse_hour_weekday(std::string_view text) {
  auto part = [](std::string_view t, int lo, int hi, int& out) {
    if (t == "*") return out = -1, true;
    if (t.empty() || t.size() > 2 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    out = std::stoi(std::string(t));
    return out >= lo && out <= hi;
  };
  auto colon = text.find(':');
  int d = -1, h = -1;
  if (colon == std::string_view::npos || !part(text.substr(0, colon), 1, 7, d) ||
      !part(text.substr(colon + 1), 0, 23, h) || (d < 0 && h < 0))
    throw Error(ErrorKind::BadInput, "hour-weekday '" + std::string(text) +
                                         "': expected D:H with D = 1 (Monday) .. 7 (Sunday) and H = 0..23, either "
                                         "may be * (e.g. 5:22, 6:*, *:8)");
  return {d < 0 ? -1 : d - 1, h};
}

analysis::IncidentFilter parse_selection(const IncidentLayer& layer, const SelectionText& a) {
  const Snapshot& snap = *layer.snapshot;
  const std::string& name = snap.info.name;
  analysis::IncidentFilter f;
  if (!a.categories.empty()) {
    if (!snap.column(kCategoryField))
      throw Error(ErrorKind::NotFound, "--category: layer " + name + " has no field '" + kCategoryField + "'");
    if (!layer.unusable_category.empty())
      throw Error(ErrorKind::BadInput, "--category: " + layer.unusable_category);
    f.categories = 0;
    for (const auto& c : a.categories) {
      uint64_t bit = layer.table.category_bit(c);
      if (!bit) throw Error(ErrorKind::NotFound, "--category: no feature of layer " + name + " has category '" + c + "'");
      f.categories |= bit;
    }
  }
  if (!a.severity.empty()) {
    std::tie(f.min_severity, f.max_severity) = parse_severity(a.severity);
    if (!snap.column(kSeverityField))
      throw Error(ErrorKind::NotFound, "--severity: layer " + name + " has no field '" + kSeverityField + "'");
    if (!layer.unusable_severity.empty()) throw Error(ErrorKind::BadInput, "--severity: " + layer.unusable_severity);
  }
  if (!a.hour_weekday.empty()) {
    if (snap.time_field.empty())
      throw Error(ErrorKind::NotFound, "--hour-weekday: layer " + name + " has no time field to filter on");
    std::tie(f.weekday, f.hour) = parse_hour_weekday(a.hour_weekday);
  }
  const bool timed = !a.from.empty() || !a.to.empty() || !a.period.empty() || a.last_year;
  if (timed && snap.time_field.empty())
    throw Error(ErrorKind::NotFound, "layer " + name + " has no time field to filter on");
  if (!a.period.empty()) {
    if (!a.from.empty() || !a.to.empty())
      throw Error(ErrorKind::BadInput, "--period cannot be combined with --from/--to");
    int64_t now = INT64_MIN;
    if (!a.now.empty())
      now = parse_time_option("--now", a.now);
    else if (layer.table.extent.bounded())
      now = layer.table.extent.to - 1;  // the latest incident, as the window's presets count
    else
      throw Error(ErrorKind::BadInput, "--period: no incident of layer " + name + " has a time; give --now");
    try {
      f.range = parse_period(a.period, now);
    } catch (const Error& e) {
      throw Error(ErrorKind::BadInput, std::string("--") + e.what());
    }
  }
  if (!a.from.empty()) f.range.from = parse_time_option("--from", a.from);
  if (!a.to.empty()) f.range.to = parse_time_option("--to", a.to);
  if (f.range.from >= f.range.to) throw Error(ErrorKind::BadInput, "--from must be before --to");
  if (a.last_year) f.range = analysis::same_period_last_year(f.range);
  return f;
}

std::string describe_range(TimeRange range) {
  if (range.from == INT64_MIN && range.to == INT64_MAX) return "all time";
  std::string from = range.from == INT64_MIN ? "…" : format_iso_time(range.from);
  std::string to = range.to == INT64_MAX ? "…" : format_iso_time(range.to);
  return from + " .. " + to + " (end excluded)";
}

std::vector<uint32_t> select(const IncidentLayer& layer, const analysis::IncidentFilter& filter) {
  return analysis::select_rows(layer.table, filter);
}

analysis::IncidentFilter same_period_last_year(const analysis::IncidentFilter& filter) {
  if (!filter.range.bounded())
    throw Error(ErrorKind::BadInput, "a comparison with the same period last year needs a period with both ends");
  analysis::IncidentFilter before = filter;
  before.range = analysis::same_period_last_year(filter.range);
  return before;
}

BBox located_extent(const Snapshot& s) {
  BBox box;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) box.expand(XY{s.x[i], s.y[i]});
  if (box.empty()) throw Error(ErrorKind::BadInput, "layer " + s.info.name + " has no located rows");
  return box;
}

std::vector<double> numeric_field(const Snapshot& snap, std::string_view field, const std::vector<uint32_t>& rows) {
  const Column* col = snap.column(field);
  std::string name(field);
  if (!col) throw Error(ErrorKind::NotFound, "layer " + snap.info.name + " has no field '" + name + "'");
  if (col->def.type == FieldType::Text)
    throw Error(ErrorKind::BadInput, "field '" + name + "' of layer " + snap.info.name + " is text, not a number");
  std::vector<double> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = col->number(rows[i]);
  return out;
}

}  // namespace sitmap::services
