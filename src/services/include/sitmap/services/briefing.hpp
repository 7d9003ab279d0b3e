// The briefing (汇报): the indicators the leaders look at on the wall screen and the figures of its charts,
// computed here once for both front ends (the 汇报 workspace and `sitmap kpi` / `sitmap brief`). Every figure
// is a count or a rate; sensitive layers contribute counts per block and per category only, read from those
// two fields and nothing else of their rows.
//
// Case layers (group rentals, fire hazards) are read through their `found_on` / `fixed_on` dates: a case is
// open from the day it was found until the day it was fixed. When cases come from the case register, only
// case_dates() changes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sitmap/analysis/kpi.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

// One indicator over a period, compared with the period of the same length before it (环比) and the same
// dates one year earlier (同比). NaN where a figure has no history (a camera is online now, not then).
struct Kpi {
  std::string id;     // stable: burglary, vehicle_theft, telecom_fraud, disputes, ..., special_<category>
  std::string title;  // Chinese, as the tile shows it
  std::string unit;   // 起, 个, 处, %, 人
  double value = 0, previous = 0, last_year = 0;
  int good_direction = 0;          // −1: a fall is good news (crime), +1: a rise is, 0: neither
  std::vector<std::string> items;  // what is counted, where a list means something (the 零发案小区' names)
};

// The period from --period (a preset or FROM..TO, ending on the day of the latest incident) or --from/--to
// ([from, to)); all empty: the last 90 days. Throws Error(BadInput) naming the option, also for a period
// open at one end (indicators compare bounded periods).
TimeRange briefing_range(const Workspace& ws, std::string_view period, std::string_view from, std::string_view to);

// Every indicator of the workspace's layers, in a fixed order; layers the workspace lacks are left out.
std::vector<Kpi> kpis(const Workspace& ws, TimeRange period);

// Incident categories of the assessment (考核) in the order the briefing shows them, and the stable id of a
// category (its Chinese name where none is defined).
const std::vector<std::string>& assessed_categories();
std::string category_id(std::string_view category);
// The category of an id or a name; "" when no incident has it.
std::string category_of(const Workspace& ws, std::string_view id_or_name);

// Months of one category (or of every incident, `category` empty) for the 12 months ending with the period.
std::vector<analysis::MonthCount> incident_trend(const Workspace& ws, std::string_view category, TimeRange period,
                                                 int months = 12);

// The compounds (rows of the `compounds` snapshot) with no incident inside them in the period, ascending.
std::vector<uint32_t> zero_incident_compounds(const Workspace& ws, TimeRange period);

struct BlockRate {
  uint32_t row = 0;      // of the blocks snapshot
  std::string block_no;  // as the blocks layer writes it
  int64_t incidents = 0;
  double households = 0, rate = 0;  // incidents per 100 households
};
// The `n` blocks with the most incidents per 100 households in the period.
std::vector<BlockRate> top_blocks(const Workspace& ws, TimeRange period, size_t n = 10);

struct Rectification {
  std::string layer, title, unit;
  int64_t found = 0, fixed = 0;  // found / fixed in the period
  int64_t open = 0, total = 0;   // open at the end of the period, found before its end
};
// Group rentals and fire hazards, where the workspace has them.
std::vector<Rectification> rectification(const Workspace& ws, TimeRange period);

// A sensitive layer as the briefing may show it, whoever is signed in: counts per block and per category.
struct RestrictedCounts {
  std::string layer, title;
  std::vector<int64_t> per_block;                            // parallel to the blocks snapshot's rows
  std::vector<std::pair<std::string, int64_t>> per_category;  // by category name
  int64_t total = 0;
};
RestrictedCounts restricted_counts(const Workspace& ws, std::string_view layer = "special_persons");

// What one scene of a briefing shows, computed in one call for the window and `sitmap brief`: the figures of its
// tiles and charts and what its map highlights. Only counts, rates and names of compounds; nothing of a person.
struct SceneRequest {
  TimeRange period;
  std::vector<std::string> tiles;      // indicator ids
  std::vector<std::string> charts;     // trend:<category id or name>, top_blocks, rectification, special_persons,
                                       // zero_compounds
  std::vector<std::string> highlight;  // zero_incident_compounds, top_blocks, special_persons
};
struct Trend {
  std::string category;  // the incidents' category, or the chart's id when no incident has it
  std::vector<analysis::MonthCount> months;
};
struct SceneFigures {
  TimeRange period;
  std::vector<Kpi> tiles;  // in the order asked
  std::vector<Trend> trends;
  std::vector<BlockRate> top_blocks;                // for the chart or the highlight
  std::vector<Rectification> rectification;
  std::optional<RestrictedCounts> special_persons;  // counts per block and category
  std::vector<uint32_t> zero_compounds;             // rows of the compounds snapshot
  std::vector<std::string> zero_compound_names;
};
// A tile whose indicator the workspace lacks (no such layer or category, or a misspelt id) comes back with its
// id as title and a NaN value, a trend without data with no months: the screen says 无数据 rather than fail.
SceneFigures scene_figures(const Workspace& ws, const SceneRequest& request);

}  // namespace sitmap::services
