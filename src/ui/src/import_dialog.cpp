#include "sitmap/ui/import_dialog.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::ui {

namespace fs = std::filesystem;

// ---- BackgroundJob ----

BackgroundJob::~BackgroundJob() {
  cancel_requested = true;
  wait();
}

void BackgroundJob::wait() {
  if (thread_.joinable()) thread_.join();
}

void BackgroundJob::start(Work work) {
  wait();
  done = 0;
  total = -1;
  cancel_requested = false;
  cancelled_ = false;
  {
    std::lock_guard lock(mutex_);
    summary_.clear();
    error_.clear();
  }
  running_ = true;
  started_ = true;
  thread_ = std::thread([this, work = std::move(work)] {
    std::string summary, error;
    try {
      summary = work(*this);
    } catch (const Error& e) {
      error = e.what();
      cancelled_ = e.kind() == ErrorKind::Cancelled;
    } catch (const std::exception& e) {
      error = e.what();
    }
    {
      std::lock_guard lock(mutex_);
      summary_ = std::move(summary);
      error_ = std::move(error);
    }
    running_ = false;
  });
}

std::string BackgroundJob::summary() const {
  std::lock_guard lock(mutex_);
  return summary_;
}

std::string BackgroundJob::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

// ---- GL-free helpers ----

bool is_importable(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (const char* e : {".shp", ".geojson", ".json", ".gpkg", ".csv", ".xlsx", ".kml", ".kmz", ".fgb", ".pbf", ".osm"})
    if (ext == e) return true;
  return false;
}

std::vector<fs::path> importable_entries(const fs::path& dir) {
  std::vector<fs::path> dirs, files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto& p = it->path();
    if (p.filename().string().starts_with(".")) continue;
    std::error_code e2;
    if (it->is_directory(e2))
      dirs.push_back(p);
    else if (is_importable(p))
      files.push_back(p);
  }
  std::sort(dirs.begin(), dirs.end());
  std::sort(files.begin(), files.end());
  dirs.insert(dirs.end(), files.begin(), files.end());
  return dirs;
}

void fill_form(ImportForm& form, const io::ImportPreview& p) {
  form.file = p.file;
  form.layer = p.layer;
  // Only a CRS the user can read and edit goes in the field; a WKT stays with the file.
  form.src_srs = p.crs.size() < 64 ? p.crs : "";
  form.encoding = p.encoding;
  form.x_field = p.x_field;
  form.y_field = p.y_field;
}

const char* const kOffsetLabels[3] = {"无", "GCJ-02 (高德/腾讯)", "BD-09 (百度)"};

io::MapOffset offset_at(int index) {
  static const io::MapOffset offsets[] = {io::MapOffset::None, io::MapOffset::Gcj02, io::MapOffset::Bd09};
  if (index < 0 || index > 2) throw Error(ErrorKind::BadInput, "offset choice out of range");
  return offsets[index];
}

io::ImportOptions import_options(const ImportForm& form) {
  if (form.layer.empty()) throw Error(ErrorKind::BadInput, "the import needs a layer name");
  io::ImportOptions o;
  o.layer = form.layer;
  o.src_srs = form.src_srs;
  o.encoding = form.encoding;
  o.x_field = form.x_field;
  o.y_field = form.y_field;
  static const LayerKind kinds[] = {LayerKind::Operational, LayerKind::Sensitive, LayerKind::Basemap};
  static const io::ImportMode modes[] = {io::ImportMode::Create, io::ImportMode::Append, io::ImportMode::Replace};
  o.offset = offset_at(form.offset);
  if (form.kind < 0 || form.kind > 2 || form.mode < 0 || form.mode > 2)
    throw Error(ErrorKind::BadInput, "import form: kind or mode out of range");
  o.mode = modes[form.mode];
  // Replace keeps the layer's kind unless the user picked another than operational.
  if (o.mode != io::ImportMode::Replace || form.kind != 0) o.kind = kinds[form.kind];
  return o;
}

style::LayerStyle default_layer_style(const LayerInfo& layer, const style::StyleSet& styles) {
  style::LayerStyle s;
  s.name = layer.name;
  s.source = layer.name;
  s.title = layer.title_zh.empty() ? layer.name : layer.title_zh;
  s.sensitive = layer.kind == LayerKind::Sensitive;
  s.visible = !s.sensitive;
  style::Color accent = *style::parse_color("#22D3EE"), dark = *style::parse_color("#0B1A2E"),
               white = *style::parse_color("#FFFFFF");
  switch (layer.geom_type) {
    case GeomType::Polygon:
    case GeomType::MultiPolygon:
      s.geometry = style::GeometryKind::Polygon;
      s.draw = style::DrawKind::Fill;
      s.fill = {{accent.r, accent.g, accent.b, 0.25f}, {accent.r, accent.g, accent.b, 0.25f}};
      s.outline = {accent, accent};
      s.outline_width = 1.5f;
      break;
    case GeomType::LineString:
    case GeomType::MultiLineString:
      s.geometry = style::GeometryKind::Line;
      s.draw = style::DrawKind::Line;
      s.line_color = {accent, accent};
      s.line_width = 2;
      break;
    default:
      s.geometry = style::GeometryKind::Point;
      s.draw = style::DrawKind::Symbol;
      s.size = 9;
      s.color = {accent, accent};
      s.halo = {dark, white};
      if (s.sensitive)  // counted like the other sensitive layers, never drawn as points
        for (auto& other : styles.layers)
          if (other.draw == style::DrawKind::Counts && !other.counts_per.empty()) {
            s.draw = style::DrawKind::Counts;
            s.counts_per = other.counts_per;
            break;
          }
  }
  return s;
}

void add_default_styles(style::StyleSet& styles, const std::vector<LayerInfo>& layers) {
  for (auto& l : layers) {
    bool styled = std::any_of(styles.layers.begin(), styles.layers.end(),
                              [&](const style::LayerStyle& s) { return s.source == l.name || s.name == l.name; });
    if (!styled) styles.layers.push_back(default_layer_style(l, styles));
  }
}

std::vector<LayerInfo> imported_layers(const store::Store& store) {
  auto log = store.import_log();
  std::vector<LayerInfo> out;
  for (auto& l : store.layers())
    if (std::any_of(log.begin(), log.end(), [&](const store::ImportLogEntry& e) { return e.layer == l.name; }))
      out.push_back(l);
  return out;
}

// ---- the dialog ----

namespace {

const char* kKinds[] = {"业务图层", "敏感图层 (受限)", "底图"};
const char* kModes[] = {"新建", "追加", "替换"};
const char* kDialogText =
    "导入数据 导入… 文件 路径 打开 上级目录 预览 重新预览 坐标系 编码 经度字段 纬度字段 图层名 类型 偏移 导入方式 "
    "新建 追加 替换 导入 进度 取消 已取消 关闭 警告 要素 读取 写入 跳过 修复 格式 几何 字段 来源 需要指定坐标系 "
    "业务图层 敏感图层 (受限) 底图 无 高德 腾讯 百度 正在导入 完成 失败 条 秒";

}  // namespace

// ImGui 1.86 has no std::string input: edit through a fixed buffer.
bool input_text(const char* label, std::string& value, float width) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", value.c_str());
  ImGui::SetNextItemWidth(width);
  if (!ImGui::InputText(label, buf, sizeof buf)) return false;
  value = buf;
  return true;
}

void ImportDialog::open(const fs::path& database, const fs::path& file) {
  if (job_.running()) return;  // one import at a time; the dialog already shows it
  database_ = database;
  open_ = true;
  message_.clear();
  preview_.reset();
  form_ = ImportForm{};
  form_.file = file.string();
  std::error_code ec;
  dir_ = file.empty() ? fs::current_path(ec) : fs::absolute(file, ec).parent_path();
  list_dir();
  if (!file.empty()) preview();
}

void ImportDialog::list_dir() {
  entries_ = importable_entries(dir_);
  glyphs_changed_ = true;  // file names may bring new glyphs
}

void ImportDialog::preview() {
  message_.clear();
  message_ok_ = false;
  if (form_.file != previewed_file_) {  // another file: detect everything afresh, keep only the user's choices
    ImportForm fresh;
    fresh.file = form_.file;
    fresh.offset = form_.offset, fresh.kind = form_.kind, fresh.mode = form_.mode;
    form_ = fresh;
    previewed_file_ = form_.file;
  }
  try {
    io::ImportOptions o;
    o.src_srs = form_.src_srs;
    o.encoding = form_.encoding;
    o.x_field = form_.x_field;
    o.y_field = form_.y_field;
    o.layer = form_.layer;
    ImportForm kept = form_;
    preview_ = io::preview_import(form_.file, o, 10);
    fill_form(form_, *preview_);
    form_.offset = kept.offset, form_.kind = kept.kind, form_.mode = kept.mode;
  } catch (const std::exception& e) {
    preview_.reset();
    message_ = e.what();
  }
  glyphs_changed_ = true;
}

std::string ImportDialog::glyph_text() const {
  std::string t = kDialogText;
  t += form_.file + message_;
  for (auto& e : entries_) t += e.filename().string();
  t += dir_.string();
  if (preview_) {
    for (auto& f : preview_->fields) t += f.name;
    for (auto& r : preview_->rows)
      for (auto& v : r) t += v;
    for (auto& w : preview_->warnings) t += w;
    t += preview_->crs_note + preview_->crs;
  }
  return t;
}

bool ImportDialog::draw(float s) {
  if (!open_) return false;
  bool committed = false;
  if (job_.finished() && !job_reported_) {
    job_reported_ = true;
    if (job_.error().empty()) {
      message_ = job_.summary();
      message_ok_ = committed = true;
    } else {
      message_ = job_.cancelled() ? "已取消" : job_.error();
    }
    glyphs_changed_ = true;
  }
  ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos({vp->Size.x / 2, vp->Size.y / 2}, ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({900 * s, 640 * s}, ImGuiCond_Appearing);
  bool keep = true;
  ImGui::Begin("导入数据", &keep, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
  bool busy = job_.running();
  if (!keep && !busy) open_ = false;  // closing waits for the import (cancel first)
  ImGui::BeginDisabled(busy);
  float field = 320 * s;
  ImGui::TextUnformatted("文件");
  ImGui::SameLine(110 * s);
  if (input_text("##file", form_.file, 560 * s) && fs::is_directory(form_.file)) {
    dir_ = form_.file;
    list_dir();
  }
  ImGui::SameLine();
  if (ImGui::Button("预览")) preview();
  // The current folder's importable files: a click previews one, a folder opens.
  if (ImGui::BeginChild("##files", {0, 110 * s}, true)) {
    if (ImGui::Selectable("..  上级目录")) {
      dir_ = dir_.parent_path();
      list_dir();
    }
    for (auto& e : entries_) {
      std::error_code ec;
      bool folder = fs::is_directory(e, ec);
      std::string label = (folder ? "[" + e.filename().string() + "]" : e.filename().string());
      if (ImGui::Selectable(label.c_str(), form_.file == e.string())) {
        if (folder) {
          dir_ = e;
          list_dir();
          break;
        }
        form_.file = e.string();
        preview();
      }
    }
  }
  ImGui::EndChild();
  if (preview_) {
    const auto& p = *preview_;
    ImGui::Text("格式 %s   几何 %s   要素 %s", p.format.c_str(), geom_type_name(p.geom_type),
                p.feature_count >= 0 ? std::to_string(p.feature_count).c_str() : "?");
    ImGui::TextUnformatted("坐标系");
    ImGui::SameLine(110 * s);
    input_text("##srs", form_.src_srs, field);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", p.crs_note.c_str());
    if (p.needs_src_srs) ImGui::TextColored({0.98f, 0.75f, 0.14f, 1}, "需要指定坐标系 (如 EPSG:4549)");
    ImGui::TextUnformatted("编码");
    ImGui::SameLine(110 * s);
    input_text("##enc", form_.encoding, field);
    if (!p.x_field.empty() || !p.y_field.empty()) {
      ImGui::TextUnformatted("经度字段");
      ImGui::SameLine(110 * s);
      input_text("##x", form_.x_field, 150 * s);
      ImGui::SameLine();
      ImGui::TextUnformatted("纬度字段");
      ImGui::SameLine();
      input_text("##y", form_.y_field, 150 * s);
    }
    ImGui::TextUnformatted("偏移");
    ImGui::SameLine(110 * s);
    ImGui::SetNextItemWidth(field);
    ImGui::Combo("##offset", &form_.offset, kOffsetLabels, 3);
    ImGui::SameLine();
    if (ImGui::Button("重新预览")) preview();
    ImGui::TextUnformatted("图层名");
    ImGui::SameLine(110 * s);
    input_text("##layer", form_.layer, field);
    ImGui::TextUnformatted("类型");
    ImGui::SameLine(110 * s);
    ImGui::SetNextItemWidth(field);
    ImGui::Combo("##kind", &form_.kind, kKinds, 3);
    ImGui::TextUnformatted("导入方式");
    ImGui::SameLine(110 * s);
    for (int i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      ImGui::RadioButton(kModes[i], &form_.mode, i);
    }
    for (auto& w : p.warnings) ImGui::TextColored({0.98f, 0.75f, 0.14f, 1}, "警告: %s", w.c_str());
    ImGui::TextUnformatted("预览");
    int cols = std::clamp(int(p.fields.size()), 1, 64);
    ImGuiTableFlags tf = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                         ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!p.fields.empty() && ImGui::BeginTable("##rows", cols, tf, {0, 170 * s})) {
      ImGui::TableSetupScrollFreeze(0, 1);
      for (int c = 0; c < cols; ++c) ImGui::TableSetupColumn(p.fields[c].name.c_str());
      ImGui::TableHeadersRow();
      for (auto& row : p.rows) {
        ImGui::TableNextRow();
        for (int c = 0; c < cols && c < int(row.size()); ++c) {
          ImGui::TableSetColumnIndex(c);
          ImGui::TextUnformatted(row[c].c_str());
        }
      }
      ImGui::EndTable();
    }
  }
  ImGui::EndDisabled();
  ImGui::Separator();
  if (busy) {
    int64_t done = job_.done, total = job_.total;
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, total > 0 ? "%lld / %lld" : "%lld", static_cast<long long>(done),
                  static_cast<long long>(total));
    ImGui::TextUnformatted("进度");
    ImGui::SameLine(110 * s);
    ImGui::ProgressBar(total > 0 ? float(double(done) / double(total)) : 0.0f, {560 * s, 0}, overlay);
    ImGui::SameLine();
    if (ImGui::Button("取消")) job_.cancel();
  } else if (preview_ && ImGui::Button("导入", {120 * s, 0})) {
    try {
      io::ImportOptions o = import_options(form_);
      fs::path file = form_.file, db = database_;
      imported_layer_ = o.layer;
      job_reported_ = false;
      message_.clear();
      message_ok_ = false;
      // The worker writes through its own Store handle: the dashboard's read-only one stays on this thread.
      job_.start([file, db, o](BackgroundJob& job) {
        auto store = store::open_spatialite(db, store::OpenMode::ReadWrite);
        auto r = io::import_file(
            *store, file, o, [&job](int64_t done, int64_t total) { job.done = done, job.total = total; },
            &job.cancel_requested);
        spdlog::info("imported {} features of {} into layer {} in {:.2f} s", r.written, file.filename().string(),
                     r.layer, r.seconds);
        char buf[256];
        std::snprintf(buf, sizeof buf, "完成: 图层 %s, 写入 %lld 条, 跳过 %lld 条, 修复 %lld 条, %.2f 秒",
                      r.layer.c_str(), static_cast<long long>(r.written), static_cast<long long>(r.skipped()),
                      static_cast<long long>(r.repaired), r.seconds);
        return std::string(buf);
      });
    } catch (const Error& e) {
      message_ = e.what();
      message_ok_ = false;
    }
  }
  if (!message_.empty()) {
    bool ok = message_ok_;
    ImGui::TextColored(ok ? ImVec4{0.29f, 0.87f, 0.5f, 1} : ImVec4{0.94f, 0.27f, 0.27f, 1}, "%s", message_.c_str());
  }
  ImGui::End();
  return committed;
}

}  // namespace sitmap::ui
