// A briefing (汇报) for the wall screen: layers/briefing.toml (or a file given with --scenes) lists scenes in
// the order they are shown. Parsing never touches GL; errors name the file and the key ("scene[2].view.zoom").
//
//   title = "..."            the briefing's heading
//   interval = 20            seconds a scene stays before the next (auto-advance)
//   period = "last-90-days"  time window of every scene: a preset or FROM..TO (as `sitmap kpi --period`)
//   [[scene]]
//   id = "overview"          file names of `sitmap brief` (01-overview.png) and the scene editor's list
//   title = "综合态势"
//   view = { bbox = [minlon, minlat, maxlon, maxlat] }  or  { center = [lon, lat], zoom = 15.5 }; default the
//          whole district
//   layers = [...]           map layers shown (others hidden); default the 汇报 workspace's layers
//   period, interval         override the briefing's
//   tiles = [...]            indicator ids (services::kpis)
//   charts = [...]           trend:<category id or name>, top_blocks, rectification, special_persons,
//                            zero_compounds
//   highlight = [...]        drawn over the map: zero_incident_compounds, top_blocks, special_persons
#pragma once
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sitmap::style {

struct BriefingScene {
  std::string id, title;
  std::optional<std::array<double, 4>> bbox;    // lon/lat
  std::optional<std::array<double, 2>> center;  // lon/lat, with zoom
  double zoom = 0;
  std::vector<std::string> layers;
  std::string period;   // "" : the briefing's
  double interval = 0;  // seconds; 0: the briefing's
  std::vector<std::string> tiles, charts, highlight;
};

struct Briefing {
  std::filesystem::path file;
  std::string title;
  double interval = 20;
  std::string period = "last-90-days";
  std::vector<BriefingScene> scenes;

  double interval_of(const BriefingScene& s) const { return s.interval > 0 ? s.interval : interval; }
  const std::string& period_of(const BriefingScene& s) const { return s.period.empty() ? period : s.period; }
};

// The chart and highlight names a scene may use (besides trend:<category>).
bool is_briefing_chart(std::string_view name);
bool is_briefing_highlight(std::string_view name);

// Throws Error(BadInput) "FILE: key 'scene[2].charts': ..." (or "FILE:LINE: ..." for TOML syntax), Error(NotFound).
Briefing parse_briefing(const std::filesystem::path& file);
Briefing parse_briefing_text(std::string_view text, const std::filesystem::path& file_for_messages);
// The same structure as TOML (what the scene editor saves); parse_briefing_text(to_toml(b)) gives b back.
std::string briefing_to_toml(const Briefing& b);
// Writes beside the file and renames, so a failed save leaves the old file; throws Error(ReadOnly) naming it.
void save_briefing(const Briefing& b, const std::filesystem::path& file);

}  // namespace sitmap::style
