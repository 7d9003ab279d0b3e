#include "sitmap/services/export.hpp"

#include <set>

#include "sitmap/access/audit.hpp"
#include "sitmap/access/policy.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::services {

bool may_export(const Workspace& workspace, std::string_view layer) {
  return access::may_export(workspace.principal(), workspace.layer(layer));
}

io::ExportResult export_layer(Workspace& workspace, const ExportRequest& request,
                              const std::function<void(int64_t)>& progress, const std::atomic<bool>* cancel) {
  const LayerInfo info = workspace.layer(request.layer);
  const access::Principal& who = workspace.principal();
  store::Store& store = workspace.store();
  if (!access::may_export(who, info)) {
    try {
      access::audit_event(store, who.user, "export", info.name, "denied");
    } catch (const Error& e) {  // unrecorded, the refusal still stands
      spdlog::warn("refused export of {} not audited: {}", info.name, e.what());
    }
    access::require_export(who, info);
  }
  if (info.kind != LayerKind::Sensitive) {
    auto r = io::export_layer(store, request.layer, request.out, request.options, progress, cancel);
    try {
      access::audit_event(store, who.user, "export", info.name, "ok: " + std::to_string(r.written) + " rows");
    } catch (const Error& e) {  // open data: a workstation without the log's key still exports it
      spdlog::warn("export of {} not audited: {}", info.name, e.what());
    }
    return r;
  }
  // Sensitive rows leave only with their audit row: the file is written inside the write that appends it,
  // and removed again if that write cannot commit.
  // The rows are sealed in the store: opened here, in memory, with the signed-in user's key, and filtered by
  // `where` (over the clear fields only: the store refuses the others) before they reach GDAL.
  const access::DataKey& data_key = workspace.data_key("layer '" + info.name + "'");
  io::ExportOptions options = request.options;
  options.rows = [&](const std::function<bool(Feature&&)>& write_row) {
    std::optional<std::set<int64_t>> keep;
    if (!options.where.empty()) {
      keep.emplace();
      store::Query q;
      q.where = options.where;
      q.with_geometry = false;
      store.scan(info.name, q, [&](Feature&& f) { return keep->insert(f.id), true; });
    }
    for (auto& f : access::open_layer(store, data_key, who, info.name))
      if ((!keep || keep->count(f.id)) && !write_row(std::move(f))) break;
  };
  access::AuditKey key = access::audit_key(store);
  io::ExportResult r;
  bool written = false;
  try {
    store.write([&](store::Writer& w) {
      r = io::export_layer(store, request.layer, request.out, options, progress, cancel);
      written = true;
      access::append_audit(w, store, key, who.user, "export", info.name,
                           "ok: " + std::to_string(r.written) + " rows to " + request.out.filename().string());
    });
  } catch (...) {
    std::error_code ec;
    if (written) std::filesystem::remove(request.out, ec);
    throw;
  }
  return r;
}

}  // namespace sitmap::services
