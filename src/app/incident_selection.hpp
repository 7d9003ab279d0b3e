// The options the analysis commands (heatmap, hotspots, timebins, clusters, knox, compare) share to pick
// incidents: layer, time range (--from/--to or --period with --now), categories, severity range. Times are
// [from, to): from included, to excluded. A category that no feature has is an error, not an empty selection.
// The rows are picked by analysis::select_rows, the filter every view of the window applies, so the command
// line and the window select the same incidents.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::app {

struct SelectionArgs {
  std::string layer = "incidents";
  std::string from, to, period, now;
  bool last_year = false;
  std::vector<std::string> categories;
  std::string category_field = "category";
  std::string severity;  // "MIN" or "MIN-MAX", inclusive
  std::string severity_field = "severity";
};
void add_selection_options(CLI::App* cmd, SelectionArgs& args);

struct Selection {
  std::shared_ptr<const Snapshot> snapshot;  // the whole layer
  analysis::IncidentTable table;                    // its rows' time, category and severity
  analysis::IncidentFilter filter;                  // what the options ask for
  std::vector<uint32_t> rows;                       // the rows that pass, ascending
  TimeRange range;                                  // filter.range
  std::string describe() const;                     // "2026-01-01T00:00:00 .. 2026-11-29T00:00:00" or "all time"
};
// Throws Error(BadInput) naming the option for an unparsable time, period or severity range, Error(NotFound) for
// a missing layer or field.
Selection select_incidents(const store::Store& store, const SelectionArgs& args);

// The values of a numeric field for the selected rows (NaN where null); throws Error naming the field.
std::vector<double> numeric_field(const Snapshot& snap, const std::string& field,
                                  const std::vector<uint32_t>& rows);

// The polygon layer of blocks with each block's number (`id_field`); throws Error naming the layer, the field
// or the feature without a number.
struct Blocks {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<int64_t> ids;
};
Blocks load_blocks(const store::Store& store, const std::string& layer, const std::string& id_field);
// The block (index into Blocks) holding each listed row of a point snapshot, -1 for none.
std::vector<int32_t> locate_in_blocks(const Blocks& blocks, const Snapshot& points,
                                      const std::vector<uint32_t>& rows);

}  // namespace sitmap::app
