#include "selection_options.hpp"

namespace sitmap::app {

void add_selection_options(CLI::App* cmd, SelectionArgs& a) {
  auto& t = a.text;
  cmd->add_option("--layer", a.layer, "point layer to analyse (default incidents)");
  cmd->add_option("--from", t.from, "start time, included (ISO: 2026-01-01 or 2026-01-01T08:00)");
  cmd->add_option("--to", t.to, "end time, excluded (ISO)");
  cmd->add_option("--period", t.period,
                  "last-7-days|last-30-days|last-90-days|this-year, ending with the day of --now, or FROM..TO");
  cmd->add_option("--now", t.now, "the day --period ends with (default: the layer's latest incident, as the window)");
  cmd->add_flag("--last-year", t.last_year, "shift the chosen range to the same dates one year earlier");
  cmd->add_option("--category", t.categories,
                  "keep only these categories (repeatable); incidents without a category stay, as in the window");
  cmd->add_option("--severity", t.severity, "keep severities MIN or more, or MIN-MAX (inclusive), e.g. 3 or 2-4");
  cmd->add_option("--hour-weekday", t.hour_weekday,
                  "keep one cell of the hour x weekday table: D:H, D = 1 (Monday) .. 7 (Sunday), H = 0..23, "
                  "either may be * (e.g. 5:22, 6:*, *:8)");
}

Selected read_selection(const services::Workspace& ws, const SelectionArgs& a, services::IncidentRead read) {
  Selected s;
  auto filtered = services::selection_fields(a.text);
  read.fields.insert(read.fields.end(), filtered.begin(), filtered.end());
  read.times = read.times || services::selection_uses_time(a.text);
  s.layer = services::incident_layer(ws, a.layer, read);
  s.filter = services::parse_selection(s.layer, a.text);
  return s;
}

Selected select_incidents(const services::Workspace& ws, const SelectionArgs& a, services::IncidentRead read) {
  Selected s = read_selection(ws, a, std::move(read));
  s.rows = services::select(s.layer, s.filter);
  return s;
}

}  // namespace sitmap::app
