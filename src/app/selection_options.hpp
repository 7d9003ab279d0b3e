// The selection options every analysis command shares (--layer, --from/--to, --period, --now, --last-year,
// --category, --severity, --hour-weekday), parsed by services::parse_selection: the same rule the window's 分析
// filter applies, so the command line and the window select the same incidents.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "sitmap/services/selection.hpp"

namespace sitmap::app {

struct SelectionArgs {
  std::string layer = "incidents";
  services::SelectionText text;
};
void add_selection_options(CLI::App* cmd, SelectionArgs& args);

struct Selected {
  services::IncidentLayer layer;
  analysis::IncidentFilter filter;
  std::vector<uint32_t> rows;  // passing the filter, ascending
  std::string describe() const { return services::describe_range(filter.range); }
};
// Reads the layer's positions, the fields and times the selection filters on and what `read` names besides (a
// weight, times), nothing more.
// Throws the Errors of services::incident_layer and services::parse_selection.
Selected select_incidents(const services::Workspace& ws, const SelectionArgs& args, services::IncidentRead read = {});
// The same without `rows`, for a service that selects them itself (services::heatmap).
Selected read_selection(const services::Workspace& ws, const SelectionArgs& args, services::IncidentRead read);

}  // namespace sitmap::app
