#include "sitmap/services/export.hpp"

#include "sitmap/access/policy.hpp"

namespace sitmap::services {

bool may_export(const Workspace& workspace, std::string_view layer) {
  return access::may_export(workspace.principal(), workspace.layer(layer));
}

io::ExportResult export_layer(const Workspace& workspace, const ExportRequest& request,
                              const std::function<void(int64_t)>& progress, const std::atomic<bool>* cancel) {
  access::require_export(workspace.principal(), workspace.layer(request.layer));
  return io::export_layer(workspace.store(), request.layer, request.out, request.options, progress, cancel);
}

}  // namespace sitmap::services
