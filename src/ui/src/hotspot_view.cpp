#include "sitmap/ui/hotspot_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/io/table.hpp"
#include "sitmap/ui/import_dialog.hpp"

namespace sitmap::ui {

namespace fs = std::filesystem;
using analysis::HotspotClass;
using style::Color;

namespace {

const char* kDisplays[] = {"不显示", "案件数", "每百户案件数", "热点 Gi*"};
const char* kTableFormats[] = {"CSV", "XLSX"};
const char* kTableExtensions[] = {".csv", ".xlsx"};
const char* kText =
    "显示 权重 邻近 K 个 距离 (米) 数值 案件数 每百户 每百户案件数 不显示 热点 Gi* FDR 校正 聚类 DBSCAN 最少点数 "
    "网格号 z p 类别 导出表格… 导出图层… 文件名 覆盖已有文件 已写入 行 个 起 起/百户 共 无数据 不显著 冷点 "
    "热点 99% 95% 90% 网格 点击表格行定位网格 计算出错 聚类出错 计算中… 导出聚类… _聚类 <0.001 –";

Color hex(const char* text) { return *style::parse_color(text); }
ImU32 im32(Color c, float alpha = 1) { return ImGui::ColorConvertFloat4ToU32({c.r, c.g, c.b, c.a * alpha}); }

// The statistic's value per block for a choropleth: counts or rates.
std::vector<double> display_values(const std::vector<analysis::HotspotRow>& rows, HotspotDisplay d) {
  std::vector<double> v;
  v.reserve(rows.size());
  for (const auto& r : rows) v.push_back(d == HotspotDisplay::Rate ? r.rate : static_cast<double>(r.count));
  return v;
}

std::string number_text(double v, const char* format) {
  if (!std::isfinite(v)) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void swatch(Color fill, Color outline, float size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  dl->AddRectFilled({p.x + 2, p.y + 3}, {p.x + size - 2, p.y + size - 3}, im32(fill));
  dl->AddRect({p.x + 2, p.y + 3}, {p.x + size - 2, p.y + size - 3}, im32(outline));
  ImGui::Dummy({size, size});
}

}  // namespace

Color hotspot_class_color(std::optional<HotspotClass> c, style::Theme theme) {
  if (!c) return theme == style::Theme::Dark ? Color{0.58f, 0.64f, 0.72f, 0.3f} : Color{0.4f, 0.45f, 0.5f, 0.25f};
  switch (*c) {  // ArcGIS Hot Spot Analysis's renderer
    case HotspotClass::Hot99:
      return hex("#D62F27");
    case HotspotClass::Hot95:
      return hex("#ED7551");
    case HotspotClass::Hot90:
      return hex("#FAB984");
    case HotspotClass::NotSignificant:
      return Color{0.5f, 0.5f, 0.5f, 0};
    case HotspotClass::Cold90:
      return hex("#C0CCBE");
    case HotspotClass::Cold95:
      return hex("#849EBA");
    case HotspotClass::Cold99:
      return hex("#4575B5");
  }
  return Color{};
}

double choropleth_step(std::span<const double> values) {
  double top = 0;
  for (double v : values)
    if (std::isfinite(v)) top = std::max(top, v);
  if (!(top > 0)) return 1;
  double raw = top / kChoroplethClasses;
  double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * decade >= raw * (1 - 1e-12)) return m * decade;
  return 10 * decade;
}

int choropleth_class(double value, double step) {
  if (std::isnan(value)) return -1;
  return std::clamp(static_cast<int>(std::floor(value / step)), 0, kChoroplethClasses - 1);
}

Color choropleth_color(int cls, style::Theme theme) {
  static const char* ramp[kChoroplethClasses] = {"#FFF7BC", "#FEC44F", "#FB923C", "#EF4444", "#991B1B"};
  if (cls < 0 || cls >= kChoroplethClasses) return hotspot_class_color(std::nullopt, theme);
  return hex(ramp[cls]);
}

std::vector<size_t> sorted_hotspot_rows(std::span<const analysis::HotspotRow> rows, HotspotColumn column,
                                        bool descending) {
  auto key = [column](const analysis::HotspotRow& r) -> double {
    switch (column) {
      case HotspotColumn::Block:
        return static_cast<double>(r.id);
      case HotspotColumn::Count:
        return static_cast<double>(r.count);
      case HotspotColumn::Rate:
        return r.rate;
      case HotspotColumn::Z:
        return r.z;
      case HotspotColumn::P:
        return r.p;
      case HotspotColumn::Class:
        return r.cls ? analysis::hotspot_bin(*r.cls) : std::nan("");
    }
    return std::nan("");
  };
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    double ka = key(rows[a]), kb = key(rows[b]);
    bool na = std::isnan(ka), nb = std::isnan(kb);
    if (na != nb) return nb;  // values before NaN, whichever the direction
    if (!na && ka != kb) return descending ? ka > kb : ka < kb;
    return rows[a].id != rows[b].id ? rows[a].id < rows[b].id : a < b;
  });
  return order;
}

void HotspotView::set_data(const render::Scene& scene, const std::string& incidents_layer,
                           const std::string& blocks_layer) {
  const render::SceneLayer* inc = scene.find(incidents_layer);
  const render::SceneLayer* blocks = scene.find(blocks_layer);
  if (!inc) throw Error(ErrorKind::NotFound, "hot spots: layer '" + incidents_layer + "' is not loaded");
  if (!blocks) throw Error(ErrorKind::NotFound, "hot spots: layer '" + blocks_layer + "' is not loaded");
  if (!inc->data || !blocks->data)
    throw Error(ErrorKind::Denied, "hot spots: layer '" + std::string(inc->data ? blocks_layer : incidents_layer) +
                                       "' is shown as counts only");
  auto prepared = services::block_layer(blocks->data, *inc->data);  // throws naming the layer or field
  wait_for_clusters();  // hulls of the old data must not arrive after the new data
  clusters_ = {};
  clustered_ = 0;
  blocks_ = std::move(prepared);
  blocks_layer_ = blocks_layer;
  incidents_ = inc->data;
  world_ = blocks->world;
  rows_.clear();
  all_rows_ = true;
  picked_.reset();
  fly_request_.reset();
  table_stale_ = clusters_stale_ = true;
  if (out_ == "热点分析") {
    std::error_code ec;
    out_ = (fs::current_path(ec) / "热点分析_网格").string();
  }
}

void HotspotView::set_rows(std::span<const uint32_t> rows) {
  if (!all_rows_ && std::equal(rows.begin(), rows.end(), rows_.begin(), rows_.end())) return;
  rows_.assign(rows.begin(), rows.end());
  all_rows_ = false;
  table_stale_ = clusters_stale_ = true;
}

void HotspotView::set_settings(const HotspotSettings& s) {
  bool stat = s.knn != settings_.knn || s.k != settings_.k || s.distance_m != settings_.distance_m ||
              s.use_rate != settings_.use_rate || s.fdr != settings_.fdr;
  bool clusters =
      s.clusters != settings_.clusters || s.eps_m != settings_.eps_m || s.min_points != settings_.min_points;
  settings_ = edit_ = s;
  table_stale_ |= stat;
  clusters_stale_ |= clusters;
}

void HotspotView::update() {
  if (!has_data()) return;
  if (table_stale_) {
    table_stale_ = false;
    ++results_version_;
    error_.clear();
    table_.clear();
    order_.clear();
    try {
      std::optional<std::span<const uint32_t>> rows;
      if (!all_rows_) rows = std::span<const uint32_t>(rows_);
      analysis::HotspotOptions o;
      o.knn = settings_.knn ? settings_.k : 0;
      o.distance = settings_.distance_m;
      o.use_rate = settings_.use_rate;
      o.fdr = settings_.fdr;
      table_ = services::block_hotspots(*blocks_, rows, o).rows;
      order_ = sorted_hotspot_rows(table_, sort_column_, sort_descending_);
    } catch (const Error& e) {
      error_ = e.what();
      glyphs_changed_ = true;
      spdlog::warn("{}", e.what());
    }
  }
  if (cluster_job_.valid() && cluster_job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
    take_clusters();
  if (clusters_stale_ && settings_.clusters && !cluster_job_.valid()) {
    clusters_stale_ = false;
    std::vector<uint32_t> rows = rows_;
    if (all_rows_) {
      rows.resize(incidents_->size());
      for (size_t r = 0; r < rows.size(); ++r) rows[r] = static_cast<uint32_t>(r);
    }
    // The snapshot is immutable and shared, the rows copied: the worker shares nothing mutable with the UI thread.
    cluster_job_ = std::async(std::launch::async, [points = incidents_, rows = std::move(rows),
                                                   eps = settings_.eps_m, min_points = settings_.min_points] {
      return services::clusters(*points, rows, eps, min_points);
    });
  }
}

void HotspotView::take_clusters() {
  try {
    clusters_ = cluster_job_.get();
    cluster_error_.clear();
  } catch (const Error& e) {
    clusters_ = {};
    cluster_error_ = e.what();
    glyphs_changed_ = true;
    spdlog::warn("hot spot clusters: {}", e.what());
  }
  clustered_ = 0;
  for (const auto& c : clusters_.clusters) clustered_ += c.count;
}

void HotspotView::wait_for_clusters() {
  if (cluster_job_.valid()) take_clusters();
}

void HotspotView::sort_by(HotspotColumn column, bool descending) {
  sort_column_ = column;
  sort_descending_ = descending;
  order_ = sorted_hotspot_rows(table_, column, descending);
}

std::vector<Color> HotspotView::block_colors(style::Theme theme) const {
  std::vector<Color> out;
  if (table_.empty() || settings_.display == HotspotDisplay::None) return out;
  out.reserve(table_.size());
  if (settings_.display == HotspotDisplay::GiStar) {
    for (const auto& r : table_) out.push_back(hotspot_class_color(r.cls, theme));
    return out;
  }
  auto values = display_values(table_, settings_.display);
  double step = choropleth_step(values);
  for (double v : values) out.push_back(choropleth_color(choropleth_class(v, step), theme));
  return out;
}

fs::path HotspotView::export_table(const fs::path& out, bool overwrite) {
  if (!io::is_table_file(out)) throw Error(ErrorKind::BadInput, out.string() + ": use .csv or .xlsx for the table");
  return export_layer(out, overwrite);
}

fs::path HotspotView::export_layer(const fs::path& out, bool overwrite) {
  update();
  if (table_.empty())
    throw Error(ErrorKind::BadInput, "no hot spot results to export" + (error_.empty() ? "" : ": " + error_));
  services::Hotspots h;
  h.rows = table_;
  h.polygons = blocks_->blocks->geometries;
  services::write_hotspots(out, h, overwrite, order_);  // in the table's order, as the analyst sees it
  return out;
}

fs::path HotspotView::export_clusters(const fs::path& out, bool overwrite) {
  update();
  wait_for_clusters();
  if (!settings_.clusters || clusters_.clusters.empty())
    throw Error(ErrorKind::BadInput, "no clusters to export" + (cluster_error_.empty() ? "" : ": " + cluster_error_));
  services::write_clusters(out, clusters_, overwrite);
  return out;
}

std::string HotspotView::block_summary(size_t block_row) const {
  if (block_row >= table_.size()) return {};
  const auto& r = table_[block_row];
  return "案件数 " + std::to_string(r.count) + " · 每百户 " + number_text(r.rate, "%.2f") + " · z " +
         number_text(r.z, "%.2f") + " · " + analysis::hotspot_class_label(r.cls);
}

std::string HotspotView::weights_text() const {
  char buf[96];
  if (settings_.knn)
    std::snprintf(buf, sizeof buf, "邻近 %d 个", settings_.k);
  else
    std::snprintf(buf, sizeof buf, "距离 %.0f 米", settings_.distance_m);
  return std::string(buf) + (settings_.use_rate ? ", 每百户" : ", 案件数") + (settings_.fdr ? ", FDR" : "");
}

std::shared_ptr<const std::vector<style::Color>> HotspotView::map_colors(style::Theme theme) {
  update();
  theme_ = theme;
  if (applied_version_ == results_version_ && applied_display_ == settings_.display && applied_theme_set_ &&
      theme == applied_theme_)
    return map_colors_;
  applied_version_ = results_version_;
  applied_display_ = settings_.display;
  applied_theme_ = theme;
  applied_theme_set_ = true;
  auto colors = block_colors(theme);
  // New results that colour the blocks as before (the same filter again) keep the value: no rebuild.
  if (colors.empty())
    map_colors_.reset();
  else if (!map_colors_ || *map_colors_ != colors)
    map_colors_ = std::make_shared<const std::vector<style::Color>>(std::move(colors));
  return map_colors_;
}

void HotspotView::draw_controls(float s) {
  update();
  if (!has_data()) {
    ImGui::TextDisabled("无数据");
    return;
  }
  float label = 96 * s, field = -1;
  int display = static_cast<int>(edit_.display);
  ImGui::TextUnformatted("显示");
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  if (ImGui::Combo("##display", &display, kDisplays, 4)) edit_.display = static_cast<HotspotDisplay>(display);

  ImGui::TextUnformatted("权重");
  ImGui::SameLine(label);
  if (ImGui::RadioButton("邻近 K 个", edit_.knn)) edit_.knn = true;
  ImGui::SameLine();
  if (ImGui::RadioButton("距离 (米)", !edit_.knn)) edit_.knn = false;
  ImGui::Dummy({label - ImGui::GetStyle().ItemSpacing.x, 0});
  ImGui::SameLine(label);
  ImGui::SetNextItemWidth(field);
  if (edit_.knn) {
    ImGui::SliderInt("##k", &edit_.k, 1, 30, "K = %d");
  } else {
    float d = static_cast<float>(edit_.distance_m);
    if (ImGui::SliderFloat("##band", &d, 50, 2000, "%.0f 米")) edit_.distance_m = d;
  }
  ImGui::TextUnformatted("数值");
  ImGui::SameLine(label);
  if (ImGui::RadioButton("案件数", !edit_.use_rate)) edit_.use_rate = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("每百户", edit_.use_rate)) edit_.use_rate = true;
  ImGui::SameLine();
  ImGui::Checkbox("FDR 校正", &edit_.fdr);

  ImGui::Checkbox("聚类 DBSCAN", &edit_.clusters);
  if (edit_.clusters) {
    ImGui::TextUnformatted("距离 (米)");
    ImGui::SameLine(label);
    ImGui::SetNextItemWidth(field);
    float eps = static_cast<float>(edit_.eps_m);
    if (ImGui::SliderFloat("##eps", &eps, 5, 300, "%.0f 米")) edit_.eps_m = eps;
    ImGui::TextUnformatted("最少点数");
    ImGui::SameLine(label);
    ImGui::SetNextItemWidth(field);
    ImGui::SliderInt("##minpts", &edit_.min_points, 2, 200);
  }
  // Sliders apply when released, so a drag does not recompute at every step.
  if (!ImGui::IsAnyItemActive() && !(edit_ == settings_)) set_settings(edit_);
  update();

  if (!error_.empty()) ImGui::TextColored({0.94f, 0.27f, 0.27f, 1}, "计算出错: %s", error_.c_str());
  if (!table_.empty()) {
    int hot = 0, cold = 0, ns = 0;
    for (const auto& r : table_) {
      if (!r.cls) continue;
      int bin = analysis::hotspot_bin(*r.cls);
      (bin > 0 ? hot : bin < 0 ? cold : ns)++;
    }
    ImGui::Text("网格 %zu 个: 热点 %d · 冷点 %d · 不显著 %d", table_.size(), hot, cold, ns);
  }
  if (settings_.clusters) {
    if (!cluster_error_.empty())
      ImGui::TextColored({0.94f, 0.27f, 0.27f, 1}, "聚类出错: %s", cluster_error_.c_str());
    else
      ImGui::Text("聚类 %zu 个, 共 %lld 起%s", clusters_.clusters.size(), static_cast<long long>(clustered_),
                  clusters_busy() ? " (计算中…)" : "");
  }
  draw_table(s);
  draw_export(s);
}

void HotspotView::draw_table(float s) {
  if (table_.empty()) return;
  ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                          ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, {3 * s, 2 * s});
  if (!ImGui::BeginTable("hotspots", 6, flags, {0, 260 * s})) {
    ImGui::PopStyleVar();
    return;
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  // Numbers as wide as the header or the widest value, plus the sort arrow (ImGui's 0.65 em and frame padding);
  // the class name takes the rest.
  auto fixed = [&](const char* header, const char* widest, ImGuiTableColumnFlags flags, HotspotColumn id) {
    float w = std::max(ImGui::CalcTextSize(header).x, ImGui::CalcTextSize(widest).x) + ImGui::GetFontSize() * 0.65f +
              ImGui::GetStyle().FramePadding.x + 2 * s;
    ImGui::TableSetupColumn(header, flags | ImGuiTableColumnFlags_WidthFixed, w, ImGuiID(id));
  };
  const auto descending = ImGuiTableColumnFlags_PreferSortDescending;
  fixed("网格号", "000", 0, HotspotColumn::Block);
  fixed("案件数", "0000", descending, HotspotColumn::Count);
  fixed("每百户", "000.00", descending, HotspotColumn::Rate);
  fixed("z", "-0.00", descending | ImGuiTableColumnFlags_DefaultSort, HotspotColumn::Z);
  fixed("p", "<0.001", 0, HotspotColumn::P);
  ImGui::TableSetupColumn("类别", descending | ImGuiTableColumnFlags_WidthStretch, 1.0f, ImGuiID(HotspotColumn::Class));
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* spec = ImGui::TableGetSortSpecs(); spec && spec->SpecsDirty) {
    if (spec->SpecsCount > 0)
      sort_by(static_cast<HotspotColumn>(spec->Specs[0].ColumnUserID),
              spec->Specs[0].SortDirection == ImGuiSortDirection_Descending);
    spec->SpecsDirty = false;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(order_.size()));
  while (clipper.Step())
    for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
      size_t i = order_[k];
      const auto& r = table_[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char id[32];
      std::snprintf(id, sizeof id, "%lld", static_cast<long long>(r.id));
      if (ImGui::Selectable(id, picked_ == i, ImGuiSelectableFlags_SpanAllColumns)) {
        picked_ = i;
        if (i < world_.size()) fly_request_ = FlyRequest{i, world_[i].bbox()};
      }
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(r.count));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(number_text(r.rate, "%.2f").c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(number_text(r.z, "%.2f").c_str());
      ImGui::TableNextColumn();
      std::string p = r.p < 0.001 ? "<0.001" : number_text(r.p, "%.3f");
      ImGui::TextUnformatted(p.c_str());
      ImGui::TableNextColumn();
      // A small square of the class's colour, centred on the text line (none where the map shows none).
      Color c = hotspot_class_color(r.cls, theme_);
      float side = ImGui::GetFontSize() * 0.6f;
      ImVec2 at = ImGui::GetCursorScreenPos();
      at.y += (ImGui::GetTextLineHeight() - side) / 2;
      if (c.a > 0) ImGui::GetWindowDrawList()->AddRectFilled(at, {at.x + side, at.y + side}, im32(c));
      ImGui::Dummy({side, side});
      ImGui::SameLine(0, 3 * s);
      ImGui::TextUnformatted(analysis::hotspot_class_label(r.cls));
    }
  ImGui::EndTable();
  ImGui::PopStyleVar();
  ImGui::TextDisabled("点击表格行定位网格");
}

void HotspotView::draw_export(float s) {
  if (table_.empty()) return;
  ImGui::TextUnformatted("文件名");
  ImGui::SameLine(96 * s);
  input_text("##hotspot_out", out_, -1);
  ImGui::SetNextItemWidth(90 * s);
  ImGui::Combo("##table_format", &table_format_, kTableFormats, 2);
  ImGui::SameLine();
  ImGui::Checkbox("覆盖已有文件", &overwrite_);
  auto run = [&](const char* extension, int what) {  // 0 table, 1 blocks, 2 cluster hulls
    try {
      fs::path out = fs::path(out_).replace_extension(extension);
      if (what == 2) out.replace_filename(out.stem().string() + "_聚类" + extension);
      fs::path written = what == 0   ? export_table(out, overwrite_)
                         : what == 1 ? export_layer(out, overwrite_)
                                     : export_clusters(out, overwrite_);
      message_ = "已写入 " + written.string();
      glyphs_changed_ = true;
      message_ok_ = true;
    } catch (const Error& e) {
      message_ = e.what();
      glyphs_changed_ = true;
      message_ok_ = false;
    }
  };
  if (ImGui::Button("导出表格…")) run(kTableExtensions[table_format_], 0);
  ImGui::SameLine();
  if (ImGui::Button("导出图层…")) run(".gpkg", 1);
  if (settings_.clusters && !clusters_.clusters.empty()) {
    ImGui::SameLine();
    if (ImGui::Button("导出聚类…")) run(".gpkg", 2);
  }
  if (!message_.empty())
    ImGui::TextColored(message_ok_ ? ImVec4{0.29f, 0.87f, 0.5f, 1} : ImVec4{0.94f, 0.27f, 0.27f, 1}, "%s",
                       message_.c_str());
}

void HotspotView::draw_overlay(ImDrawList* dl, const render::Camera& camera, ImVec2 origin, float s) const {
  if (!has_data()) return;
  auto screen = [&](XY world) {
    XY p = camera.world_to_screen(world);
    return ImVec2{float(p.x) + origin.x, float(p.y) + origin.y};
  };
  const bool dark = theme_ == style::Theme::Dark;
  ImU32 halo = dark ? IM_COL32(11, 26, 46, 220) : IM_COL32(255, 255, 255, 230);
  ImU32 text = dark ? IM_COL32(240, 253, 250, 255) : IM_COL32(15, 23, 42, 255);
  ImU32 line = dark ? IM_COL32(45, 212, 191, 255) : IM_COL32(13, 148, 136, 255);  // teal: apart from the heat ramp
  ImU32 fill = dark ? IM_COL32(45, 212, 191, 40) : IM_COL32(13, 148, 136, 40);
  dl->PushClipRect(origin, {origin.x + camera.width, origin.y + camera.height}, true);
  std::vector<ImVec2> pts;
  if (settings_.clusters)
    for (const auto& c : clusters_.clusters) {
      pts.clear();
      // The hull is closed (first == last); ImGui closes polylines itself.
      for (size_t i = 0; i + 1 < c.hull_mercator.size(); ++i) pts.push_back(screen(c.hull_mercator[i]));
      if (pts.size() >= 3) {
        dl->AddConvexPolyFilled(pts.data(), int(pts.size()), fill);
        dl->AddPolyline(pts.data(), int(pts.size()), halo, ImDrawFlags_Closed, 4 * s);
        dl->AddPolyline(pts.data(), int(pts.size()), line, ImDrawFlags_Closed, 2 * s);
      } else if (!pts.empty()) {  // collinear members: a segment
        ImVec2 a = pts.front(), b = pts.size() > 1 ? pts[1] : pts.front();
        dl->AddLine(a, b, halo, 4 * s);
        dl->AddLine(a, b, line, 2 * s);
      }
      char label[32];
      std::snprintf(label, sizeof label, "%lld 起", static_cast<long long>(c.count));
      ImVec2 at = screen(c.centroid_mercator), size = ImGui::CalcTextSize(label);
      ImVec2 lo{at.x - size.x / 2 - 4 * s, at.y - size.y / 2 - 2 * s},
          hi{at.x + size.x / 2 + 4 * s, at.y + size.y / 2 + 2 * s};
      dl->AddRectFilled(lo, hi, halo, 4 * s);
      dl->AddRect(lo, hi, line, 4 * s);
      dl->AddText({at.x - size.x / 2, at.y - size.y / 2}, text, label);
    }
  if (picked_ && *picked_ < world_.size()) {
    ImU32 accent = IM_COL32(250, 204, 21, 255);
    for (const auto& poly : world_[*picked_].polygons)
      for (const auto& ring : poly.rings) {
        pts.clear();
        for (XY p : ring) pts.push_back(screen(p));
        dl->AddPolyline(pts.data(), int(pts.size()), halo, ImDrawFlags_Closed, 5 * s);
        dl->AddPolyline(pts.data(), int(pts.size()), accent, ImDrawFlags_Closed, 2.5f * s);
      }
  }
  dl->PopClipRect();
}

void HotspotView::legend(float s) const {
  if (!has_data() || table_.empty()) return;
  float sw = ImGui::GetFontSize();
  Color outline = theme_ == style::Theme::Dark ? Color{0.8f, 0.84f, 0.88f, 0.6f} : Color{0.2f, 0.25f, 0.3f, 0.6f};
  auto entry = [&](Color c, const std::string& text, bool first) {
    if (!first) ImGui::SameLine(0, 14 * s);
    swatch(c, outline, sw);
    ImGui::SameLine();
    ImGui::TextUnformatted(text.c_str());
  };
  switch (settings_.display) {
    case HotspotDisplay::None:
      break;
    case HotspotDisplay::GiStar: {
      ImGui::Text("热点 Gi* (%s)", weights_text().c_str());
      bool first = true;
      for (auto c : {HotspotClass::Hot99, HotspotClass::Hot95, HotspotClass::Hot90, HotspotClass::NotSignificant,
                     HotspotClass::Cold90, HotspotClass::Cold95, HotspotClass::Cold99}) {
        entry(hotspot_class_color(c, theme_), analysis::hotspot_class_label(c), first);
        first = false;
      }
      break;
    }
    case HotspotDisplay::Count:
    case HotspotDisplay::Rate: {
      const bool rate = settings_.display == HotspotDisplay::Rate;
      auto values = display_values(table_, settings_.display);
      double step = choropleth_step(values);
      ImGui::TextUnformatted(rate ? "每百户案件数 (起/百户)" : "案件数 (起)");
      for (int k = 0; k < kChoroplethClasses; ++k) {
        std::string range = number_text(k * step, "%g") + "–" + number_text((k + 1) * step, "%g");
        entry(choropleth_color(k, theme_), range, k == 0);
      }
      if (rate && std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }))
        entry(choropleth_color(-1, theme_), "无数据", false);
      break;
    }
  }
  if (settings_.clusters && !clusters_.clusters.empty()) {
    char text[96];
    std::snprintf(text, sizeof text, "聚类 DBSCAN %zu 个, 共 %lld 起 (%.0f 米, %d 点)", clusters_.clusters.size(),
                  static_cast<long long>(clustered_), settings_.eps_m, settings_.min_points);
    Color teal = theme_ == style::Theme::Dark ? hex("#2DD4BF") : hex("#0D9488");
    entry(Color{teal.r, teal.g, teal.b, 0.25f}, text, true);
  }
}

std::string HotspotView::glyph_text() const {
  std::string t = kText;
  for (const char* d : kDisplays) t += d;
  t += out_ + message_ + error_ + cluster_error_;
  return t;
}

}  // namespace sitmap::ui
