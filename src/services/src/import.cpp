#include "sitmap/services/import.hpp"

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
  // By content, not by name: a renamed extract still goes to the OSM importer.
  if (io::is_osm_file(request.file))
    results = io::import_osm(workspace.store(), request.file, request.options, progress, cancel);
  else
    results.push_back(io::import_file(workspace.store(), request.file, request.options, progress, cancel));
  for (auto& r : results) workspace.invalidate(r.layer);
  return results;
}

}  // namespace sitmap::services
