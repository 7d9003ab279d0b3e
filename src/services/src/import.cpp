#include "sitmap/services/import.hpp"

#include "sitmap/access/audit.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

namespace {

// import_osm's layer names: a prefix from options.layer, as `sitmap import --layer` documents.
std::vector<std::string> osm_targets(const io::ImportOptions& o) {
  std::string prefix = o.layer.empty() ? "" : o.layer + "_";
  return {prefix + "streets", prefix + "buildings"};
}

}  // namespace

ImportPreview preview_any(const ImportRequest& request, int max_rows) {
  ImportPreview out;
  if (io::is_osm_file(request.file)) {
    out.source = io::inspect_source(request.file);
    out.targets = osm_targets(request.options);
    return out;
  }
  out.layer = io::preview_import(request.file, request.options, max_rows);
  out.source = {out.layer->file, out.layer->format, out.layer->layers};
  out.targets = {out.layer->layer};
  return out;
}

std::vector<io::ImportResult> import_any(Workspace& workspace, const ImportRequest& request,
                                         const io::ImportProgress& progress, const std::atomic<bool>* cancel) {
  std::vector<io::ImportResult> results;
  store::Store& store = workspace.store();
  const access::Principal& who = workspace.principal();
  io::ImportOptions options = request.options;
  if (workspace.data_key()) options.seal = access::row_sealer(workspace.data_key());
  // A target known to be sensitive is refused here, before io asks for a key its principal does not hold.
  if (!options.layer.empty()) {
    auto existing = store.find_layer(options.layer);
    LayerInfo target = existing.value_or(LayerInfo{});
    target.name = options.layer;
    target.kind = options.kind.value_or(existing ? existing->kind : LayerKind::Operational);
    if (!access::may_import(who, target)) {
      access::audit_event(store, who.user, "import", target.name, "denied");
      access::require_import(who, target);
    }
  }
  // Decided in the transaction, on the layer as written (its kind may come from the file's target or
  // --kind), so nothing of a refused import is ever committed; the audit row commits with the rows.
  std::optional<access::AuditKey> key;
  std::string refused;
  options.before_commit = [&](store::Writer& w, const store::ImportLogEntry& log) {
    LayerInfo info = store.layer(log.layer);
    if (!access::may_import(who, info)) {
      refused = info.name;
      access::require_import(who, info);
    }
    if (!key) key = access::audit_key(store);
    access::append_audit(w, store, *key, who.user, "import", info.name,
                         "ok: " + std::to_string(log.written) + " rows (" + log.mode + ")");
  };
  try {
    // By content, not by name: a renamed extract still goes to the OSM importer.
    if (io::is_osm_file(request.file))
      results = io::import_osm(store, request.file, options, progress, cancel);
    else
      results.push_back(io::import_file(store, request.file, options, progress, cancel));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Denied && !refused.empty()) access::audit_event(store, who.user, "import", refused, "denied");
    throw;
  }
  for (auto& r : results) workspace.invalidate(r.layer);
  return results;
}

}  // namespace sitmap::services
