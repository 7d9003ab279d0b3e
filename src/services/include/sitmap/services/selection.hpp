// Which incidents a user action works on. Both front ends describe a selection the same way: the window's
// 分析 widgets write an analysis::IncidentFilter directly, the command line's options (--from/--to, --period,
// --now, --last-year, --category, --severity, --hour-weekday) are parsed into one here; then every service
// takes the filter and picks its rows with analysis::select_rows. Times are [from, to): from included.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/core/snapshot.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

// A point layer prepared once per load for the incident filter: its snapshot, the per-row attributes the
// filter reads (times, the `category` text field, the whole-number `severity` field, each where the layer has
// it), and the severities as numbers for weighting.
struct IncidentLayer {
  std::shared_ptr<const Snapshot> snapshot;
  analysis::IncidentTable table;
  std::vector<double> severity;     // per row, NaN where missing; empty without a numeric `severity` field
  std::string unusable_category;    // why categories could not be used (more than 64 of them); "" when fine
  std::string unusable_severity;    // why severities could not be filtered on (a fraction, naming the row)
  const std::string& name() const { return snapshot->info.name; }
};
IncidentLayer incident_layer(std::shared_ptr<const Snapshot> points);
// What a one-off read of an incident layer takes besides positions.
struct IncidentRead {
  std::vector<std::string> fields;  // only these fields (see selection_fields)
  bool lonlat = true;               // false: Web Mercator x/y only, for a reader that works in metres (the heatmap)
  bool times = true;                // false: no times, for a selection that names none (selection_uses_time)
  bool ids = true;                  // false: no ids, for a reader that names no row (messages then count rows)
};
// The workspace's layer, shared through its snapshot cache (the window); with `read`, a one-off read of
// positions and only what `read` names (a command whose selection names no category need not build a million
// text values it never looks at). Throws Error(NotFound) for a missing layer or field, Error(Denied) for
// a layer the principal may see only as counts (its positions would show in a heatmap).
IncidentLayer incident_layer(const Workspace& ws, std::string_view layer);
IncidentLayer incident_layer(const Workspace& ws, std::string_view layer, const IncidentRead& read);

// The selection options of every analysis command, as typed.
struct SelectionText {
  std::string from, to;      // ISO dates or times
  std::string period;        // last-7-days | last-30-days | last-90-days | this-year | FROM..TO
  std::string now;           // the day --period ends with; default: the layer's latest incident, as the window
  bool last_year = false;    // the chosen range shifted one year back
  std::vector<std::string> categories;
  std::string severity;      // "MIN" or "MIN-MAX", inclusive
  std::string hour_weekday;  // "D:H", D = 1 (Monday) .. 7 (Sunday), H = 0..23, either may be *
};
// Throws Error(BadInput) naming the option for unparsable text, Error(NotFound) for a category no feature has
// (a misspelling would otherwise select nothing) or a time/category/severity field the layer lacks.
analysis::IncidentFilter parse_selection(const IncidentLayer& layer, const SelectionText& text);
// The fields parse_selection reads besides times: `category` when categories are chosen, `severity` when a
// severity range is.
std::vector<std::string> selection_fields(const SelectionText& text);
// Whether parse_selection reads times: a period, a date or a cell of the hour × weekday table is chosen.
bool selection_uses_time(const SelectionText& text);

// A preset or FROM..TO (ISO, TO excluded) ending on the day of `last_time`; throws Error(BadInput).
TimeRange parse_period(std::string_view text, int64_t last_time);
// "D:H" -> {weekday 0 = Monday .. 6, hour 0..23}, -1 for *; throws Error(BadInput).
std::pair<int, int> parse_hour_weekday(std::string_view text);

// "2026-01-01T00:00:00 .. 2026-04-01T00:00:00 (end excluded)", "all time".
std::string describe_range(TimeRange range);
// The filter's rows, ascending.
std::vector<uint32_t> select(const IncidentLayer& layer, const analysis::IncidentFilter& filter);
// The same filter over the same dates one year earlier (同比); throws Error(BadInput) without a bounded range.
analysis::IncidentFilter same_period_last_year(const analysis::IncidentFilter& filter);

// The Web Mercator extent of the layer's located rows: the grids of heatmaps and grid hot spots cover the whole
// layer, whatever is selected, so that surfaces of different periods line up. Throws Error(BadInput) when no row
// has a position.
BBox located_extent(const Snapshot& snap);

// A numeric field's values for the listed rows (NaN where null); throws Error naming the field.
std::vector<double> numeric_field(const Snapshot& snap, std::string_view field, const std::vector<uint32_t>& rows);

}  // namespace sitmap::services
