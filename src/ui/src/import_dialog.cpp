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
  for (const char* e :
       {".shp", ".geojson", ".json", ".gpkg", ".csv", ".xlsx", ".kml", ".kmz", ".gpx", ".fgb", ".pbf", ".osm", ".zip"})
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

void fill_form(ImportForm& form, const services::ImportPreview& preview) {
  form.file = preview.source.file;
  form.osm = preview.source.is_osm();
  if (form.osm) {  // streets and buildings go to the basemap unless the user picks another kind
    form.kind = 2;
    return;
  }
  const io::ImportPreview& p = *preview.layer;
  form.source_layer = p.source_layer;
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
  if (form.layer.empty() && !form.osm) throw Error(ErrorKind::BadInput, "the import needs a layer name");
  io::ImportOptions o;
  o.layer = form.layer;
  o.source_layer = form.source_layer;
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

services::ImportRequest import_request(const ImportForm& form) { return {form.file, import_options(form)}; }

std::string source_layer_label(const io::SourceLayer& l) {
  std::string label = l.name + " (" + l.geometry;
  if (l.feature_count >= 0) label += ", " + std::to_string(l.feature_count) + " 条";
  return label + ")";
}

std::string import_on_worker(const fs::path& database, const access::Principal& who,
                             const services::ImportRequest& request, BackgroundJob& job,
                             std::vector<std::string>& written, std::shared_ptr<const access::DataKey> key) {
  auto ws = services::Workspace::open(database, store::OpenMode::ReadWrite, who, std::move(key));
  std::vector<io::ImportResult> results;
  try {
    results = services::import_any(
        *ws, request, [&job](int64_t done, int64_t total) { job.done = done, job.total = total; },
        &job.cancel_requested);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Denied) throw;
    // access refuses in English; the window says it in its language (the attempt is audited either way).
    throw Error(ErrorKind::Denied, "受限图层：导入需由有权限的用户（值班或经审查的分析）登录后进行，未写入任何数据。");
  }
  std::string summary = "完成:";
  for (auto& r : results) {
    spdlog::info("imported {} features of {} into layer {} in {:.2f} s", r.written, request.file.filename().string(),
                 r.layer, r.seconds);
    char buf[256];
    std::snprintf(buf, sizeof buf, " 图层 %s 写入 %lld 条, 跳过 %lld 条, 修复 %lld 条, 转换 %lld 条, %.2f 秒;",
                  r.layer.c_str(), static_cast<long long>(r.written), static_cast<long long>(r.skipped()),
                  static_cast<long long>(r.repaired), static_cast<long long>(r.converted), r.seconds);
    summary += buf;
    // io's warnings speak English and name command-line options; the window says the ones that matter.
    if (r.outside_region) summary += " 警告: 数据超出上海范围, 请检查坐标系和偏移;";
    written.push_back(r.layer);
  }
  summary.pop_back();
  return summary;
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
    "业务图层 敏感图层 (受限) 底图 无 高德 腾讯 百度 正在导入 完成 失败 条 秒 源图层 转换 "
    "OpenStreetMap 道路与建筑导入底图图层: ; 文件未声明坐标系, 且坐标不是经纬度 按指定的坐标系读取 按经纬度读取 "
    "文件声明的坐标系 数据超出上海范围, 请检查坐标系和偏移 文件声明的编码与内容不符, 按读取";

}  // namespace

const char* crs_note_zh(const io::ImportPreview& p) {
  if (p.needs_src_srs) return "文件未声明坐标系, 且坐标不是经纬度";
  switch (p.crs_origin) {
    case io::ImportPreview::CrsOrigin::Given:
      return "按指定的坐标系读取";
    case io::ImportPreview::CrsOrigin::None:
      return "文件未声明坐标系, 按经纬度读取";
    case io::ImportPreview::CrsOrigin::File:
      break;
  }
  return "文件声明的坐标系";
}

// ImGui 1.86 has no std::string input: edit through a fixed buffer.
bool input_text(const char* label, std::string& value, float width) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", value.c_str());
  ImGui::SetNextItemWidth(width);
  if (!ImGui::InputText(label, buf, sizeof buf)) return false;
  value = buf;
  return true;
}

void ImportDialog::open(const services::Workspace& workspace, const fs::path& file) {
  if (job_.running()) return;  // one import at a time; the dialog already shows it
  database_ = workspace.store().info().location;
  principal_ = workspace.principal();
  key_ = workspace.data_key();
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
    fresh.offset = form_.offset, fresh.mode = form_.mode;
    fresh.kind = form_.osm ? 0 : form_.kind;  // an extract's basemap default is not the user's choice
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
    o.source_layer = form_.source_layer;
    ImportForm kept = form_;
    preview_ = services::preview_any({form_.file, o}, 10);
    fill_form(form_, *preview_);
    form_.offset = kept.offset, form_.mode = kept.mode;
    if (!form_.osm) form_.kind = kept.kind;
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
    for (auto& l : preview_->source.layers) t += source_layer_label(l);
    for (auto& name : preview_->targets) t += name;
    if (const auto& p = preview_->layer) {
      for (auto& f : p->fields) t += f.name;
      for (auto& r : p->rows)
        for (auto& v : r) t += v;
      t += p->crs;
    }
  }
  return t;
}

void ImportDialog::choose_source_layer(const std::string& name) {
  form_.source_layer = name;
  form_.layer.clear();  // the default target follows the source layer
  preview();
}

void ImportDialog::start_import() {
  if (job_.running() || !preview_) return;
  try {
    services::ImportRequest request = import_request(form_);
    fs::path db = database_;
    access::Principal who = principal_;
    auto key = key_;
    job_reported_ = false;
    message_.clear();
    message_ok_ = false;
    written_.clear();
    job_.start(
        [this, db, who, key, request](BackgroundJob& job) {
          return import_on_worker(db, who, request, job, written_, key);
        });
  } catch (const Error& e) {
    message_ = e.what();
    message_ok_ = false;
  }
}

bool ImportDialog::draw(float s) {
  if (!open_) return false;
  bool committed = false;
  if (job_.finished() && !job_reported_) {
    job_reported_ = true;
    if (job_.error().empty()) {
      message_ = job_.summary();
      message_ok_ = committed = true;
      imported_layer_ = written_.empty() ? "" : written_.front();
    } else {
      message_ = job_.cancelled() ? "已取消" : job_.error();
    }
    glyphs_changed_ = true;
  }
  ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos({vp->Size.x / 2, vp->Size.y / 2}, ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({900 * s, 640 * s}, ImGuiCond_Appearing);
  ImGui::SetNextWindowBgAlpha(1.0f);  // a form over the map must not let the map show through
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
  // The footer (progress or 导入, then the result line) is laid out below whatever the form leaves: its
  // height is reserved first, so that the result is visible without scrolling.
  float wrap = ImGui::GetContentRegionAvail().x;
  float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2 +
                 (message_.empty() ? 0
                                   : ImGui::CalcTextSize(message_.c_str(), nullptr, false, wrap).y +
                                         ImGui::GetStyle().ItemSpacing.y);
  if (preview_) {
    const auto& src = preview_->source;
    if (src.layers.size() > 1 && !form_.osm) {
      ImGui::TextUnformatted("源图层");
      ImGui::SameLine(110 * s);
      ImGui::SetNextItemWidth(560 * s);
      const io::SourceLayer* chosen = nullptr;
      for (auto& l : src.layers)
        if (l.name == form_.source_layer) chosen = &l;
      if (ImGui::BeginCombo("##source", chosen ? source_layer_label(*chosen).c_str() : "")) {
        std::string picked;
        for (auto& l : src.layers)
          if (ImGui::Selectable(source_layer_label(l).c_str(), &l == chosen)) picked = l.name;
        ImGui::EndCombo();
        if (!picked.empty() && picked != form_.source_layer) choose_source_layer(picked);
      }
    }
  }
  if (preview_ && form_.osm) {
    ImGui::Text("格式 %s", preview_->source.format.c_str());
    std::string targets;
    for (auto& t : preview_->targets) targets += (targets.empty() ? "" : ", ") + t;
    ImGui::Text("OpenStreetMap: 道路与建筑导入底图图层: %s", targets.c_str());
    ImGui::TextUnformatted("类型");
    ImGui::SameLine(110 * s);
    ImGui::SetNextItemWidth(field);
    ImGui::Combo("##kind", &form_.kind, kKinds, 3);
  } else if (preview_ && preview_->layer) {
    const auto& p = *preview_->layer;
    int64_t count = p.feature_count;  // a format that cannot count cheaply was counted when its layers were listed
    for (auto& l : preview_->source.layers)
      if (count < 0 && l.name == p.source_layer) count = l.feature_count;
    ImGui::Text("格式 %s   几何 %s   要素 %s", p.format.c_str(), geom_type_name(p.geom_type),
                count >= 0 ? std::to_string(count).c_str() : "?");
    ImGui::TextUnformatted("坐标系");
    ImGui::SameLine(110 * s);
    input_text("##srs", form_.src_srs, field);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", crs_note_zh(p));
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
    if (p.encoding_declared_wrong)
      ImGui::TextColored({0.98f, 0.75f, 0.14f, 1}, "警告: 文件声明的编码 %s 与内容不符, 按 %s 读取",
                         p.declared_encoding.c_str(), p.encoding.c_str());
    ImGui::TextUnformatted("预览");
    int cols = std::clamp(int(p.fields.size()), 1, 64);
    ImGuiTableFlags tf = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                         ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    // The table takes what is left above the footer (it scrolls itself), never less than a few rows.
    float table_height = std::max(ImGui::GetContentRegionAvail().y - footer, 4 * ImGui::GetFrameHeight());
    if (!p.fields.empty() && ImGui::BeginTable("##rows", cols, tf, {0, table_height})) {
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
    start_import();
  }
  if (!message_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, message_ok_ ? ImVec4{0.29f, 0.87f, 0.5f, 1} : ImVec4{0.94f, 0.27f, 0.27f, 1});
    ImGui::TextWrapped("%s", message_.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::End();
  return committed;
}

}  // namespace sitmap::ui
