// The export dialog (导出): the selected layer, or only the selected feature, through services::export_layer
// (as `sitmap export`) on a worker thread. Layers access refuses say so, in Chinese, in place of 导出.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sitmap/io/export.hpp"
#include "sitmap/services/export.hpp"
#include "sitmap/ui/import_dialog.hpp"

namespace sitmap::ui {

// The export formats offered, in the order of the dialog's combo box, with their file extensions.
inline constexpr const char* kExportFormats[] = {"GPKG", "ESRI Shapefile", "GeoJSON", "CSV", "XLSX"};
const char* export_extension(int format);  // ".gpkg", ".shp", ...; throws Error(BadInput) out of range

struct ExportForm {
  std::string layer, out, dst_srs = "EPSG:4326";
  int format = 0;                     // index into kExportFormats
  int offset = 0;                     // 0 none, 1 GCJ-02, 2 BD-09
  std::optional<int64_t> feature_id;  // export only this feature (the selection)
  bool selection_only = false;
  bool overwrite = false;
};
// The options io::export_layer takes; throws Error(BadInput) naming what is missing.
io::ExportOptions export_options(const ExportForm& form);
// `out` with its extension replaced by the format's, so switching the format keeps the name.
std::string with_export_extension(const std::string& out, int format);
// Why the workspace's principal may not export `layer` (services::may_export), in the window's language,
// naming it by `title`; "" when it may.
std::string export_refusal(const services::Workspace& workspace, const std::string& layer, const std::string& title);
// What the dialog's worker runs: services::export_layer through a read-only workspace handle of its own on
// `database`, as `who`, reporting progress to `job`. Returns the summary line shown.
std::string export_on_worker(const std::filesystem::path& database, const access::Principal& who,
                             const services::ExportRequest& request, BackgroundJob& job);

class ExportDialog {
 public:
  // Opens on `layer` (a store name; empty: the first) of `layers` (store name, title), proposing
  // `dir`/<layer>.gpkg; `feature_id` is the selected feature of `layer`, if any. Layers the workspace's
  // principal may not export show export_refusal in place of the 导出 button.
  void open(const services::Workspace& workspace, std::vector<std::pair<std::string, std::string>> layers,
            const std::string& layer, std::optional<int64_t> feature_id, const std::filesystem::path& dir);
  bool is_open() const { return open_; }
  void draw(float scale);
  std::string glyph_text() const;
  void start_export();          // what 导出 does
  void wait() { job_.wait(); }  // until the worker is done (tests, shutdown)
  bool busy() const { return job_.running(); }  // the window redraws its progress
  ExportForm& form() { return form_; }
  const std::string& message() const { return message_; }

 private:
  bool open_ = false, message_ok_ = false, job_reported_ = true;
  void choose(int index);

  std::filesystem::path database_, dir_;
  access::Principal principal_;
  std::vector<std::pair<std::string, std::string>> layers_;
  std::vector<std::string> refusals_;  // parallel to layers_: empty, or why the export is refused
  int index_ = 0;
  std::string selected_layer_, message_;
  std::optional<int64_t> selected_id_;
  ExportForm form_;
  BackgroundJob job_;
};

}  // namespace sitmap::ui
