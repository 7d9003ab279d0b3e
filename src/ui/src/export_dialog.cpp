#include "sitmap/ui/export_dialog.hpp"

#include <imgui.h>

#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::ui {

namespace fs = std::filesystem;

namespace {
const char* kExtensions[] = {".gpkg", ".shp", ".geojson", ".csv", ".xlsx"};
const char* kDialogText =
    "导出 图层 输出文件 格式 目标坐标系 偏移 仅导出所选要素 覆盖已有文件 进度 取消 已取消 关闭 完成 条 写入 要素 → "
    "「」是受限图层：导出需由经审查的用户登录（登录…）后进行，当前用户没有此权限。";

std::string refusal_text(const std::string& title) {
  return "「" + title + "」是受限图层：导出需由经审查的用户登录（登录…）后进行，当前用户没有此权限。";
}
}  // namespace

const char* export_extension(int format) {
  if (format < 0 || format > 4) throw Error(ErrorKind::BadInput, "export format choice out of range");
  return kExtensions[format];
}

std::string with_export_extension(const std::string& out, int format) {
  if (out.empty()) return out;
  return fs::path(out).replace_extension(export_extension(format)).string();
}

io::ExportOptions export_options(const ExportForm& form) {
  if (form.layer.empty()) throw Error(ErrorKind::BadInput, "the export needs a layer");
  if (form.out.empty()) throw Error(ErrorKind::BadInput, "the export needs an output file");
  io::ExportOptions o;
  export_extension(form.format);  // validates the choice
  o.format = kExportFormats[form.format];
  o.dst_srs = form.dst_srs;
  o.offset = offset_at(form.offset);
  o.overwrite = form.overwrite;
  if (form.selection_only) {
    if (!form.feature_id) throw Error(ErrorKind::BadInput, "no feature of layer '" + form.layer + "' is selected");
    o.where = "id = " + std::to_string(*form.feature_id);
  }
  return o;
}

std::string export_refusal(const services::Workspace& workspace, const std::string& layer, const std::string& title) {
  return services::may_export(workspace, layer) ? "" : refusal_text(title.empty() ? layer : title);
}

std::string export_on_worker(const fs::path& database, const access::Principal& who,
                             const services::ExportRequest& request, BackgroundJob& job) {
  // Writable: the export's audit row goes into the workspace (services::export_layer).
  auto ws = services::Workspace::open(database, store::OpenMode::ReadWrite, who);
  store::Query q;
  q.where = request.options.where;
  q.with_geometry = false;
  job.total = ws->store().count(request.layer, q);
  try {
    auto r = services::export_layer(
        *ws, request, [&job](int64_t done) { job.done = done; }, &job.cancel_requested);
    spdlog::info("exported {} features of layer {} to {}", r.written, request.layer, request.out.string());
    return "完成: 写入 " + std::to_string(r.written) + " 条要素 → " + request.out.string();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Denied) throw;
    // The layer became sensitive since the dialog opened: the refusal the window shows, in its language.
    LayerInfo info = ws->layer(request.layer);
    throw Error(ErrorKind::Denied, refusal_text(info.title_zh.empty() ? info.name : info.title_zh));
  }
}

void ExportDialog::open(const services::Workspace& workspace, std::vector<std::pair<std::string, std::string>> layers,
                        const std::string& layer, std::optional<int64_t> feature_id, const fs::path& dir) {
  if (job_.running() || layers.empty()) return;
  database_ = workspace.store().info().location;
  principal_ = workspace.principal();
  dir_ = dir;
  layers_ = std::move(layers);
  refusals_.assign(layers_.size(), "");
  for (size_t i = 0; i < layers_.size(); ++i)
    if (workspace.store().find_layer(layers_[i].first))  // a style without its table has nothing to export
      refusals_[i] = export_refusal(workspace, layers_[i].first, layers_[i].second);
  selected_layer_ = layer;
  selected_id_ = feature_id;
  form_ = ExportForm{};
  index_ = 0;
  for (size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].first == layer) index_ = int(i);
  choose(index_);
  open_ = true;
}

void ExportDialog::choose(int index) {
  index_ = index;
  form_.layer = layers_[index].first;
  form_.feature_id = form_.layer == selected_layer_ ? selected_id_ : std::nullopt;
  form_.selection_only = form_.feature_id.has_value();
  message_ = refusals_[index];
  message_ok_ = false;
  fs::path dir = form_.out.empty() ? dir_ : fs::path(form_.out).parent_path();  // keep a folder the user typed
  form_.out = (dir / (form_.layer + export_extension(form_.format))).string();
}

std::string ExportDialog::glyph_text() const {
  std::string t = std::string(kDialogText) + form_.out + message_;
  for (auto& [name, title] : layers_) t += title;
  for (auto& r : refusals_) t += r;
  return t;
}

void ExportDialog::start_export() {
  if (job_.running() || !refusals_[index_].empty()) return;
  try {
    services::ExportRequest request{form_.layer, form_.out, export_options(form_)};
    fs::path db = database_;
    access::Principal who = principal_;
    message_.clear();
    job_reported_ = false;
    job_.start([db, who, request](BackgroundJob& job) { return export_on_worker(db, who, request, job); });
  } catch (const Error& e) {
    message_ = e.what();
    message_ok_ = false;
  }
}

void ExportDialog::draw(float s) {
  if (!open_) return;
  if (job_.finished() && !job_reported_) {
    job_reported_ = true;
    message_ok_ = job_.error().empty();
    message_ = message_ok_ ? job_.summary() : job_.cancelled() ? "已取消" : job_.error();
  }
  ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos({vp->Size.x / 2, vp->Size.y / 2}, ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowBgAlpha(1.0f);  // a form over the map must not let the map show through
  bool keep = true;
  // Sized to its content every frame, so the result line that appears after an export is never below the
  // window's edge.
  ImGui::Begin("导出", &keep,
               ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
  bool busy = job_.running();
  if (!keep && !busy) open_ = false;
  ImGui::BeginDisabled(busy);
  float label = 130 * s, field = 440 * s;
  ImGui::TextUnformatted("图层");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  if (ImGui::BeginCombo("##layer", layers_[index_].second.c_str())) {
    for (int i = 0; i < int(layers_.size()); ++i)
      if (ImGui::Selectable(layers_[i].second.c_str(), i == index_)) choose(i);
    ImGui::EndCombo();
  }
  ImGui::TextUnformatted("格式");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  if (ImGui::Combo("##format", &form_.format, kExportFormats, 5))
    form_.out = with_export_extension(form_.out, form_.format);
  ImGui::TextUnformatted("输出文件");
  ImGui::SameLine(label);
  input_text("##out", form_.out, field);
  ImGui::TextUnformatted("目标坐标系");
  ImGui::SameLine(label);
  input_text("##dst", form_.dst_srs, field);
  ImGui::TextUnformatted("偏移");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  ImGui::Combo("##offset", &form_.offset, kOffsetLabels, 3);
  if (form_.feature_id) {
    char text[96];
    std::snprintf(text, sizeof text, "仅导出所选要素 (id %lld)", static_cast<long long>(*form_.feature_id));
    ImGui::Checkbox(text, &form_.selection_only);
  }
  ImGui::Checkbox("覆盖已有文件", &form_.overwrite);
  ImGui::EndDisabled();
  ImGui::Separator();
  if (busy) {
    int64_t done = job_.done, total = job_.total;
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%lld / %lld", static_cast<long long>(done), static_cast<long long>(total));
    ImGui::TextUnformatted("进度");
    ImGui::SameLine(label);
    ImGui::ProgressBar(total > 0 ? float(double(done) / double(total)) : 0.0f, {field, 0}, overlay);
    ImGui::SameLine();
    if (ImGui::Button("取消")) job_.cancel();
  } else if (refusals_[index_].empty() && ImGui::Button("导出", {120 * s, 0})) {
    start_export();
  }
  if (!message_.empty()) {
    // Wrapped at the form's width: an auto-sized window would otherwise grow as wide as a long path.
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + label + field);
    ImGui::PushStyleColor(ImGuiCol_Text, message_ok_ ? ImVec4{0.29f, 0.87f, 0.5f, 1} : ImVec4{0.94f, 0.27f, 0.27f, 1});
    ImGui::TextUnformatted(message_.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

}  // namespace sitmap::ui
