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
  out.source = io::inspect_source(request.file);
  if (out.source.is_osm()) {
    out.targets = osm_targets(request.options);
    return out;
  }
  io::ImportOptions options = request.options;
  // The first of several layers unless one is chosen: the caller lists them all from `source`.
  if (options.source_layer.empty() && out.source.layers.size() > 1) options.source_layer = out.source.layers[0].name;
  out.layer = io::preview_import(request.file, options, max_rows);
  out.targets = {out.layer->layer};
  return out;
}

std::vector<io::ImportResult> import_any(Workspace& workspace, const ImportRequest& request,
                                         const io::ImportProgress& progress, const std::atomic<bool>* cancel) {
  std::vector<io::ImportResult> results;
  // By content, not by name: a renamed extract still goes to the OSM importer. Opening the file twice (here
  // and in the importer) costs milliseconds when nothing is counted.
  if (io::inspect_source(request.file, false).is_osm())
    results = io::import_osm(workspace.store(), request.file, request.options, progress, cancel);
  else
    results.push_back(io::import_file(workspace.store(), request.file, request.options, progress, cancel));
  for (auto& r : results) workspace.invalidate(r.layer);
  return results;
}

}  // namespace sitmap::services
