// Exporting a layer, as `sitmap export` and the window's export dialog both do it: access decides first,
// from the signed-in principal and the layer kind recorded in the store; then io writes the file.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "sitmap/io/export.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

struct ExportRequest {
  std::string layer;
  std::filesystem::path out;
  io::ExportOptions options;
};

// Whether the workspace's principal may export `layer` (access::may_export on the stored kind), so that a
// front end can say so before the user fills in the form. Throws Error(NotFound) for a missing layer.
bool may_export(const Workspace& workspace, std::string_view layer);

// Throws Error(Denied) naming the layer, and writes nothing, when access refuses; io's errors otherwise.
// Every export, allowed or refused, appends an audit row (access::audit_event); a sensitive layer's only
// together with its file, so a store that cannot record it (read-only, no audit key) exports none.
io::ExportResult export_layer(Workspace& workspace, const ExportRequest& request,
                              const std::function<void(int64_t done)>& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace sitmap::services
