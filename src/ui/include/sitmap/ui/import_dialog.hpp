// The import dialog (导入数据): a file dropped on the window or picked by path, previewed with
// services::preview_any (a file of several layers gets a source-layer picker), adjusted, then imported by
// services::import_any, as `sitmap import` does, on a worker thread with a progress bar and a cancel
// button. The form-to-request mapping, the file list and the default styles are GL-free and tested.
#pragma once
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sitmap/core/types.hpp"
#include "sitmap/io/import.hpp"
#include "sitmap/services/import.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::ui {

// One long operation on a worker thread. The UI polls done/total and the outcome each frame; the work
// gets the cancel flag and reports errors as the one-line message of what it threw.
class BackgroundJob {
 public:
  using Work = std::function<std::string(BackgroundJob& job)>;  // returns a summary for the dialog
  ~BackgroundJob();
  void start(Work work);  // the previous job must have finished
  bool running() const { return running_; }
  bool finished() const { return started_ && !running_; }
  void cancel() { cancel_requested = true; }
  void wait();  // joins the worker (tests, shutdown)

  std::atomic<int64_t> done{0}, total{-1};
  std::atomic<bool> cancel_requested{false};  // the flag io takes
  // After finished(): the summary, or the error message (empty summary).
  std::string summary() const;
  std::string error() const;
  bool cancelled() const { return cancelled_; }

 private:
  std::thread thread_;
  std::atomic<bool> running_{false}, started_{false}, cancelled_{false};
  mutable std::mutex mutex_;
  std::string summary_, error_;
};

// Extensions `sitmap import` reads (lower case, with the dot); ".osm.pbf" ends in ".pbf", a zipped
// shapefile or FileGDB in ".zip".
bool is_importable(const std::filesystem::path& file);
// The importable files and the sub-folders of `dir`, folders first, each group sorted by name.
std::vector<std::filesystem::path> importable_entries(const std::filesystem::path& dir);

// The web-map offsets both dialogs offer: labels and values by combo index (0 none, 1 GCJ-02, 2 BD-09).
extern const char* const kOffsetLabels[3];
io::MapOffset offset_at(int index);  // throws Error(BadInput) out of range

// What the dialog's fields hold; indices follow the combo boxes' entries.
struct ImportForm {
  std::string file, layer, src_srs, encoding, x_field, y_field;
  std::string source_layer;  // the layer picked in a file of several
  bool osm = false;          // an OpenStreetMap extract: `layer` is only a prefix of streets and buildings
  int offset = 0;            // 0 none, 1 GCJ-02, 2 BD-09
  int kind = 0;              // 0 operational, 1 sensitive, 2 basemap
  int mode = 0;              // 0 create, 1 append, 2 replace
};
// Fills the form from a preview (source layer, detected CRS, encoding, coordinate columns, layer name).
void fill_form(ImportForm& form, const services::ImportPreview& preview);
// The options the import takes; throws Error(BadInput) when the form cannot be used (no layer name).
io::ImportOptions import_options(const ImportForm& form);
services::ImportRequest import_request(const ImportForm& form);
// Where the previewed CRS comes from, in the window's language.
const char* crs_note_zh(const io::ImportPreview& preview);
// The picker's label of a source layer: "roads (Line String, 12 条)".
std::string source_layer_label(const io::SourceLayer& layer);
// What the dialog's worker runs: services::import_any through a workspace handle of its own on `database`
// (the dashboard's stays on the UI thread), reporting progress to `job`. Returns the summary line shown and
// the layers written. `key`: the signed-in user's data key, which seals rows going into a sensitive layer.
std::string import_on_worker(const std::filesystem::path& database, const access::Principal& who,
                             const services::ImportRequest& request, BackgroundJob& job,
                             std::vector<std::string>& written, std::shared_ptr<const access::DataKey> key = nullptr);

// A style for a layer that has no file under layers/: drawn by its geometry kind in a neutral colour.
// Sensitive layers are hidden and, where another layer is shown as counts per polygons, counted the same way.
style::LayerStyle default_layer_style(const LayerInfo& layer, const style::StyleSet& styles);
// Adds default_layer_style for every layer of `layers` that no style draws (on top, in the given order).
void add_default_styles(style::StyleSet& styles, const std::vector<LayerInfo>& layers);
// The layers that came in through an import (they have a row in the import log): the ones that get default
// styles. Layers the demo or a deployment created without a style file stay off the map on purpose.
std::vector<LayerInfo> imported_layers(const store::Store& store);

// An ImGui text field over a std::string (ImGui 1.86 has none); true when edited.
bool input_text(const char* label, std::string& value, float width);

class ImportDialog {
 public:
  // Opens the dialog on `file` (previewing it at once) or, with an empty file, on the file list. The import
  // goes into `workspace`'s database, as its principal.
  void open(const services::Workspace& workspace, const std::filesystem::path& file);
  bool is_open() const { return open_; }
  // Draws it when open; returns true once after an import was committed (the dashboard reloads its layers).
  bool draw(float scale);
  // What 导入 does: starts the import of the previewed file on the worker (the message says why not).
  void start_import();
  void wait() { job_.wait(); }  // until the worker is done (tests, shutdown)
  bool busy() const { return job_.running(); }  // the window redraws its progress
  const ImportForm& form() const { return form_; }
  void choose_source_layer(const std::string& name);  // what the picker does: previews that layer
  // Every string the dialog may show, for the font atlas; changed() tells when it grew (a new preview).
  std::string glyph_text() const;
  bool glyphs_changed() { return std::exchange(glyphs_changed_, false); }
  std::string imported_layer() const { return imported_layer_; }  // the first layer written
  const std::string& message() const { return message_; }

 private:
  void preview();
  void list_dir();

  bool open_ = false, glyphs_changed_ = false;
  std::filesystem::path database_, dir_;
  access::Principal principal_;
  std::shared_ptr<const access::DataKey> key_;
  std::vector<std::filesystem::path> entries_;
  ImportForm form_;
  std::optional<services::ImportPreview> preview_;
  std::string message_, imported_layer_, previewed_file_;
  std::vector<std::string> written_;  // by the worker; read once it has finished
  BackgroundJob job_;
  bool job_reported_ = false, message_ok_ = false;
};

}  // namespace sitmap::ui
