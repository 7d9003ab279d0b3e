// The dashboard window: GLFW + OpenGL 3.3 core + Dear ImGui, opened when `sitmap` has no sub-command.
#pragma once
#include <string>

namespace sitmap::app {

struct DashboardOptions {
  std::string database = "data/demo/huaihai.sqlite";
  std::string basemap;  // raster basemap file; empty: none
};
DashboardOptions& dashboard_options();

// Runs the window until it is closed; returns the process exit code.
int run_dashboard(const DashboardOptions& options);

}  // namespace sitmap::app
