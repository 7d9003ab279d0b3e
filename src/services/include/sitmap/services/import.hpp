// Importing a file, as the command line (`sitmap import`) and the window's import dialog both do it: the
// importer is chosen from the file's content (an OpenStreetMap extract, XML or PBF, goes to the streets
// and buildings of the basemap; everything else through io::import_file), a file of several layers
// imports the one chosen, and the workspace's snapshots of what was written are dropped.
#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <vector>

#include "sitmap/io/import.hpp"
#include "sitmap/services/workspace.hpp"

namespace sitmap::services {

struct ImportRequest {
  std::filesystem::path file;
  io::ImportOptions options;  // options.source_layer picks one layer of a multi-layer file
};

// What the import dialog and `sitmap import --preview` show before anything is written.
struct ImportPreview {
  io::SourceInfo source;  // format and every layer (name, geometry type, feature count)
  // The chosen layer (options.source_layer, else the first) as it would be imported; empty for an
  // OpenStreetMap extract, whose layers are not imported one by one.
  std::optional<io::ImportPreview> layer;
  std::vector<std::string> targets;  // the layers the import writes
};

// Throws Error naming the file (NotFound, BadInput) when it cannot be read.
ImportPreview preview_any(const ImportRequest& request, int max_rows = 20);

// One transaction (an OSM extract: one for both of its layers): on an error or a cancel the workspace is
// unchanged. Returns one result per written layer. A multi-layer file without options.source_layer is
// refused with the list of its layers.
std::vector<io::ImportResult> import_any(Workspace& workspace, const ImportRequest& request,
                                         const io::ImportProgress& progress = {},
                                         const std::atomic<bool>* cancel = nullptr);

}  // namespace sitmap::services
