#include "dashboard.hpp"

#include "sitmap/core/error.hpp"

namespace sitmap::app {

DashboardOptions& dashboard_options() {
  static DashboardOptions options;
  return options;
}

int run_dashboard(const DashboardOptions&) {
  throw Error(ErrorKind::Internal, "the dashboard window is not built yet");
}

}  // namespace sitmap::app
