#include "sitmap/ui/analysis_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::ui {

using analysis::IncidentFilter;
using analysis::MonthCount;

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

const char* kWeekdays[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
const char* kKernelNames[] = {"四次核", "抛物线核", "高斯核"};  // order of analysis::Kernel (抛物线核: Epanechnikov)

// Heat in the operational colours (yellow → orange → red), transparent at zero and faint at low density, so
// that the district never drowns in a wash and the hot spots stand out. In the comparison a fall is green, as
// Chinese readers take a fall (red up, green down), most saturated and opaque where strongest: a dark blue fall
// vanished into the navy background and the blue blocks.
const style::Color kHeat[] = {{0.98f, 0.80f, 0.08f, 0.0f},
                              {0.98f, 0.80f, 0.08f, 0.3f},
                              {0.98f, 0.57f, 0.24f, 0.75f},
                              {0.94f, 0.27f, 0.27f, 0.95f}};
const style::Color kFall[] = {{0.43f, 0.91f, 0.72f, 0.0f},
                              {0.43f, 0.91f, 0.72f, 0.3f},
                              {0.20f, 0.83f, 0.60f, 0.75f},
                              {0.06f, 0.73f, 0.51f, 0.95f}};

// Every fixed string the panel shows, so that its glyphs are in the font atlas.
const char* kText =
    "所选时段 起 同比 — 时间 类别 严重程度 热力图 显示热力图 核函数 四次核 抛物线核 高斯核 带宽 米 透明度 锁定色阶 "
    "按严重程度加权 "
    "对比去年同期 近7天 近30天 近90天 今年 去年同期 全部 播放 暂停 窗口 天 速度 天/秒 最低 最高 导出 "
    "导出热力图… "
    "文件 像元 覆盖已有文件 已导出 峰值 起/平方公里 同比变化 上升 下降 周一 周二 周三 周四 周五 周六 周日 时 月 年 至 "
    "周 × 时段 点击格子筛选 再次点击取消 月度趋势 点击或拖动选择时段 无案事件数据 对比需选择时段 无类别 筛选 清除 "
    "共 个 已选 最多 · ±+-%";

std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string number_text(double v) {
  double a = std::abs(v);
  if (a >= 1000) return with_commas(std::llround(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, a >= 100 || a == 0 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
  return buf;
}

ImU32 im32(style::Color c, float alpha = 1) { return ImGui::ColorConvertFloat4ToU32({c.r, c.g, c.b, c.a * alpha}); }

// The heat ramp at t in [0, 1], opaque (for chart cells drawn over the panel).
style::Color heat_at(float t) {
  t = std::clamp(t, 0.0f, 1.0f) * 2;
  style::Color c = t < 1 ? style::mix(kHeat[1], kHeat[2], t) : style::mix(kHeat[2], kHeat[3], t - 1);
  c.a = 1;
  return c;
}

ImVec4 style_color(ImGuiCol c) { return ImGui::GetStyle().Colors[c]; }
ImU32 style_u32(ImGuiCol c, float alpha = 1) {
  ImVec4 v = style_color(c);
  v.w *= alpha;
  return ImGui::ColorConvertFloat4ToU32(v);
}

}  // namespace

// ---- pure functions ----

DayAxis DayAxis::of(TimeRange extent) {
  DayAxis a;
  if (!extent.bounded() || extent.to <= extent.from) return a;
  a.first = floor_div(extent.from, kDay) * kDay;
  a.days = int(floor_div(extent.to - 1 - a.first, kDay) + 1);
  return a;
}

int DayAxis::day_of(int64_t t) const {
  if (days <= 0) return 0;
  return int(std::clamp<int64_t>(floor_div(t - first, kDay), 0, days - 1));
}

TimeRange DayAxis::range(int from_day, int to_day) const {
  if (from_day > to_day) std::swap(from_day, to_day);
  return {start_of(from_day), start_of(to_day + 1)};
}

std::pair<int, int> DayAxis::days_of(TimeRange r) const {
  int a = r.from == INT64_MIN ? 0 : day_of(r.from);
  int b = r.to == INT64_MAX ? std::max(0, days - 1) : day_of(r.to - 1);
  return {a, std::max(a, b)};
}

std::string date_text(int64_t t) { return format_iso_time(t).substr(0, 10); }

RangeGrab range_grab(float px, float from_x, float to_x, float handle_px) {
  float d_from = std::abs(px - from_x), d_to = std::abs(px - to_x);
  if (std::min(d_from, d_to) <= handle_px) {
    if (d_from < d_to) return RangeGrab::From;
    if (d_to < d_from) return RangeGrab::To;
    return px < from_x ? RangeGrab::From : RangeGrab::To;  // handles on one another: the side pressed
  }
  if (px > from_x && px < to_x) return RangeGrab::Both;
  return d_from < d_to ? RangeGrab::From : RangeGrab::To;  // outside: the nearer handle jumps there
}

int day_at(float px, float x0, float width, int days) {
  if (days <= 0 || width <= 0) return 0;
  return std::clamp(int(std::floor((px - x0) / width * days)), 0, days - 1);
}

WeekHourHit WeekHourGeometry::hit(float px, float py) const {
  WeekHourHit h;
  if (cell_w <= 0 || cell_h <= 0) return h;
  int col = int(std::floor((px - x - label_w) / cell_w)), row = int(std::floor((py - y - label_h) / cell_h));
  bool in_cols = px >= x + label_w && col >= 0 && col < 24, in_rows = py >= y + label_h && row >= 0 && row < 7;
  bool on_labels_x = px >= x && px < x + label_w, on_labels_y = py >= y && py < y + label_h;
  if (in_cols && in_rows) return {WeekHourHit::Cell, row, col};
  if (on_labels_x && in_rows) return {WeekHourHit::Weekday, row, -1};
  if (on_labels_y && in_cols) return {WeekHourHit::Hour, -1, col};
  return h;
}

IncidentFilter click_week_hour(IncidentFilter f, WeekHourHit hit) {
  switch (hit.kind) {
    case WeekHourHit::Cell:
      if (f.weekday == hit.weekday && f.hour == hit.hour)
        f.weekday = f.hour = -1;
      else
        f.weekday = hit.weekday, f.hour = hit.hour;
      break;
    case WeekHourHit::Weekday:
      if (f.weekday == hit.weekday && f.hour < 0)
        f.weekday = -1;
      else
        f.weekday = hit.weekday, f.hour = -1;
      break;
    case WeekHourHit::Hour:
      if (f.hour == hit.hour && f.weekday < 0)
        f.hour = -1;
      else
        f.hour = hit.hour, f.weekday = -1;
      break;
    case WeekHourHit::None:
      break;
  }
  return f;
}

int MonthBarsGeometry::bar_at(float px) const {
  if (bars == 0 || width <= 0 || px < x || px >= x + width) return -1;
  return std::min(int(bars) - 1, int((px - x) / (width / bars)));
}

TimeRange month_range(const MonthCount& m) {
  int ny = m.month == 12 ? m.year + 1 : m.year;
  unsigned nm = m.month == 12 ? 1 : m.month + 1;
  return {days_from_civil(m.year, unsigned(m.month), 1) * kDay, days_from_civil(ny, nm, 1) * kDay};
}

TimeRange months_range(const MonthCount& a, const MonthCount& b) {
  TimeRange ra = month_range(a), rb = month_range(b);
  return {std::min(ra.from, rb.from), std::max(ra.to, rb.to)};
}

bool overlaps(TimeRange a, TimeRange b) { return a.from < b.to && b.from < a.to; }

std::string kpi_text(size_t selected, std::optional<size_t> last_year) {
  std::string s = "所选时段 " + with_commas(int64_t(selected)) + " 起";
  if (!last_year) return s;
  if (*last_year == 0) return s + " · 同比 —";
  double pct = 100.0 * (double(selected) - double(*last_year)) / double(*last_year);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
  return s + " · 同比 " + buf;
}

size_t playback_frame(const analysis::Playback& playback, size_t start, double elapsed, double days_per_second) {
  size_t frames = playback.frames();
  double steps = std::max(0.0, elapsed * days_per_second * double(kDay) / double(playback.step));
  return (start + size_t(std::floor(steps))) % frames;
}

// ---- the panel ----

AnalysisPanel::AnalysisPanel() = default;

void AnalysisPanel::set_data(std::shared_ptr<const Snapshot> incidents) {
  if (scale_job_.valid()) take_scale();  // a peak of the old data must not arrive after the new data
  layer_.reset();
  if (incidents) layer_ = std::make_shared<const services::IncidentLayer>(services::incident_layer(std::move(incidents)));
  axis_ = DayAxis::of(table().extent);
  filter_ = {};
  months_for_.reset();
  playing_ = false;
  scaled_for_.reset();  // recompute the scale
  refresh();
}

const analysis::IncidentTable& AnalysisPanel::table() const {
  static const analysis::IncidentTable kEmpty;
  return layer_ ? layer_->table : kEmpty;
}

void AnalysisPanel::set_filter(const IncidentFilter& filter) {
  if (filter == filter_) return;
  filter_ = filter;
  refresh();
}

void AnalysisPanel::set_period(std::string_view text) {
  if (!has_data() || !table().extent.bounded())
    throw Error(ErrorKind::BadInput, "period '" + std::string(text) + "': no incident has a time");
  IncidentFilter f = filter_;
  f.range = services::parse_period(text, table().extent.to - 1);
  set_filter(f);
}

void AnalysisPanel::set_heatmap(bool on) {
  heatmap_ = on;
  if (on) refresh_scale();
}

void AnalysisPanel::set_compare(bool on) {
  compare_ = on;
  if (heatmap_) refresh_scale();
}

TimeRange AnalysisPanel::comparison_range() const { return analysis::same_period_last_year(filter_.range); }

void AnalysisPanel::refresh() {
  auto t0 = std::chrono::steady_clock::now();
  rows_ = analysis::select_rows(table(), filter_);
  ++revision_;
  // Each chart shows the filter without its own condition and highlights that condition, so that a click on
  // one cell or month never empties the chart it was made in.
  IncidentFilter any_time_of_week = filter_;
  any_time_of_week.weekday = any_time_of_week.hour = -1;
  week_hours_ = analysis::hour_weekday_table(
      table().times, any_time_of_week == filter_ ? rows_ : analysis::select_rows(table(), any_time_of_week));
  IncidentFilter all_time = filter_;
  all_time.range = {};
  if (months_for_ != all_time) {  // a time drag or playback changes only the range: the bars stay
    months_ = analysis::monthly_series(table().times, analysis::select_rows(table(), all_time));
    months_for_ = all_time;
  }
  IncidentFilter all_categories = filter_;
  all_categories.categories = ~0ull;
  category_counts_.assign(table().category_names.size(), 0);
  if (!table().category.empty())  // a layer without categories has none to count
    for (uint32_t r : analysis::select_rows(table(), all_categories))
      if (table().category[r] != analysis::kNoCategory) ++category_counts_[table().category[r]];
  has_last_year_ = filter_.range.bounded();
  if (has_last_year_) {
    IncidentFilter before = filter_;
    before.range = comparison_range();
    last_year_rows_ = analysis::select_rows(table(), before).size();
  }
  if (heatmap_ && !lock_scale_) refresh_scale();
  spdlog::debug("analysis filter: {} of {} incidents, charts and colour scale in {:.1f} ms", rows_.size(),
                table().size(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

void AnalysisPanel::refresh_scale() {
  if (!has_data()) return;
  if (scale_job_.valid() && scale_job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) take_scale();
  auto request = heatmap_request(radius_ / 3);
  if (scaled_for_ && scaled_for_->filter == request.filter && scaled_for_->radius_m == request.radius_m &&
      scaled_for_->kernel == request.kernel && scaled_for_->compare_last_year == request.compare_last_year &&
      scaled_for_->weight_field == request.weight_field)
    return;
  if (scale_job_.valid()) return;  // the next call, after this one is taken, starts the newest request
  scaled_for_ = request;
  // The layer is immutable and shared: the worker reads it while the UI thread goes on drawing.
  scale_job_ = std::async(std::launch::async,
                          [layer = layer_, request] { return services::density_peak(*layer, request); });
}

void AnalysisPanel::take_scale() {
  try {
    double peak = scale_job_.get();
    scale_max_ = peak > 0 ? peak : 1;
  } catch (const Error& e) {
    spdlog::warn("heatmap colour scale: {}", e.what());
  }
}

void AnalysisPanel::wait_for_scale() {
  // The running job may be for an older filter: take it, then compute the newest one too.
  while (scale_job_.valid()) {
    take_scale();
    if (heatmap_ && !lock_scale_) refresh_scale();
  }
}

std::optional<render::HeatmapParams> AnalysisPanel::heatmap_params() const {
  if (!heatmap_ || !has_data()) return std::nullopt;
  render::HeatmapParams p;
  p.kernel = kernel_;
  p.radius = radius_;
  p.filter = filter_;
  p.weighted = weighted_ && !layer_->severity.empty();
  p.ramp.assign(std::begin(kHeat), std::end(kHeat));
  p.scale_max = scale_max_;
  p.opacity = opacity_;
  if (compare_ && filter_.range.bounded()) {
    IncidentFilter before = filter_;
    before.range = comparison_range();
    p.minus = before;
    p.falling.assign(std::begin(kFall), std::end(kFall));
  }
  return p;
}

services::HeatmapRequest AnalysisPanel::heatmap_request(double cell) const {
  services::HeatmapRequest r;
  r.filter = filter_;
  r.compare_last_year = compare_ && filter_.range.bounded();
  r.kernel = kernel_;
  r.radius_m = radius_;
  r.cell_m = cell;
  if (weighted_ && has_data() && !layer_->severity.empty()) r.weight_field = "severity";
  return r;
}

services::Heatmap AnalysisPanel::surface(double cell) const {
  if (!has_data()) throw Error(ErrorKind::BadInput, "heatmap export: the incidents layer has no rows");
  return services::heatmap(*layer_, heatmap_request(cell));
}

std::string AnalysisPanel::export_surface(const std::filesystem::path& out, double cell, bool overwrite) const {
  auto h = surface(cell);
  services::write_heatmap_geotiff(out, *layer_, heatmap_request(cell), h, overwrite);
  return "已导出 " + out.string() + " (" + std::to_string(h.density.grid.nx) + "×" +
         std::to_string(h.density.grid.ny) + ", 峰值 " + number_text(h.peak()) + " 起/平方公里)";
}

void AnalysisPanel::set_playing(bool on) {
  playing_ = on && axis_.days > 0;
  if (!playing_) return;
  play_start_time_ = now_;
  play_start_frame_ = size_t(filter_.range.from == INT64_MIN ? 0 : axis_.day_of(filter_.range.from));
  if (play_start_frame_ + window_days_ >= size_t(axis_.days)) play_start_frame_ = 0;  // at the end: rewind
}

void AnalysisPanel::set_playback(int window_days, int days_per_second) {
  window_days_ = window_days;
  speed_ = days_per_second;
}

void AnalysisPanel::tick(double now) {
  double dt = now - now_;
  now_ = now;
  if (heatmap_ && !lock_scale_) refresh_scale();  // takes a finished peak, starts one for the newest filter
  if (!playing_ || axis_.days <= 0) return;
  if (dt < 0) play_start_time_ = now;  // a clock that went back (a new window): restart from here
  analysis::Playback pb{{axis_.first, axis_.start_of(axis_.days)}, int64_t(window_days_) * kDay, kDay};
  IncidentFilter f = filter_;
  f.range = pb.frame(playback_frame(pb, play_start_frame_, now - play_start_time_, speed_));
  set_filter(f);
}

// ---- drawing ----

void AnalysisPanel::draw_controls(float scale, ImFont* large) {
  if (!has_data()) {
    ImGui::TextDisabled("无案事件数据");
    return;
  }
  ImVec4 accent = style_color(ImGuiCol_CheckMark);
  if (large) ImGui::PushFont(large);
  ImGui::TextColored(accent, "%s",
                     kpi_text(rows_.size(), has_last_year_ ? std::optional(last_year_rows_) : std::nullopt).c_str());
  if (large) ImGui::PopFont();
  auto [d0, d1] = axis_.days_of(filter_.range);
  ImGui::Text("%s 至 %s (%d 天)", date_text(axis_.start_of(d0)).c_str(), date_text(axis_.start_of(d1)).c_str(),
              d1 - d0 + 1);
  if (filter_.weekday >= 0 || filter_.hour >= 0) {
    std::string cell = filter_.weekday >= 0 ? kWeekdays[filter_.weekday] : "";
    if (filter_.hour >= 0) cell += (cell.empty() ? "" : " ") + std::to_string(filter_.hour) + " 时";
    ImGui::TextColored(accent, "筛选: %s", cell.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("清除")) {
      IncidentFilter f = filter_;
      f.weekday = f.hour = -1;
      set_filter(f);
    }
  }

  if (ImGui::CollapsingHeader("时间", ImGuiTreeNodeFlags_DefaultOpen)) {
    // Two-handle time bar over the data's days: drag a handle, drag the middle to move the window.
    float fs = ImGui::GetFontSize(), w = ImGui::GetContentRegionAvail().x, h = fs + 26 * scale;
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##timebar", {w, h});
    float mx = ImGui::GetIO().MousePos.x;
    auto x_of = [&](int day) { return p.x + w * float(day) / float(std::max(1, axis_.days)); };
    if (ImGui::IsItemActivated()) {
      grab_ = range_grab(mx, x_of(d0) - 4 * scale, x_of(d1 + 1) + 4 * scale, 6 * scale);
      grab_day_ = day_at(mx, p.x, w, axis_.days);
      grab_range_ = {d0, d1};
      playing_ = false;
    }
    if (ImGui::IsItemActive() && grab_ != RangeGrab::None) {
      int day = day_at(mx, p.x, w, axis_.days), a = grab_range_.first, b = grab_range_.second;
      if (grab_ == RangeGrab::From) a = std::min(day, b);
      if (grab_ == RangeGrab::To) b = std::max(day, a);
      if (grab_ == RangeGrab::Both) {
        int shift = std::clamp(day - grab_day_, -a, axis_.days - 1 - b);
        a += shift, b += shift;
      }
      IncidentFilter f = filter_;
      f.range = axis_.range(a, b);
      set_filter(f);
      std::tie(d0, d1) = axis_.days_of(filter_.range);
    }
    if (ImGui::IsItemDeactivated()) grab_ = RangeGrab::None;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float cy = p.y + fs + 13 * scale;  // the track, under a row of year labels
    time_bar_ = {p.x, w, cy};
    dl->AddRectFilled({p.x, cy - 4 * scale}, {p.x + w, cy + 4 * scale}, style_u32(ImGuiCol_FrameBg), 4 * scale);
    float xa = x_of(d0), xb = x_of(d1 + 1);
    dl->AddRectFilled({xa, cy - 6 * scale}, {xb, cy + 6 * scale}, ImGui::ColorConvertFloat4ToU32(accent), 4 * scale);
    // The handles sit outside the range, so that a short one (近7天 is a few pixels) keeps both apart.
    for (float x : {xa - 8 * scale, xb}) {
      dl->AddRectFilled({x, cy - 11 * scale}, {x + 8 * scale, cy + 11 * scale}, style_u32(ImGuiCol_Text), 3 * scale);
    }
    // Year starts as ticks, so that the analyst knows where a handle is without reading the dates.
    for (int y = std::stoi(date_text(axis_.first).substr(0, 4)) + 1;; ++y) {
      int64_t jan1 = days_from_civil(y, 1, 1) * kDay;
      if (jan1 >= axis_.start_of(axis_.days)) break;
      float x = x_of(axis_.day_of(jan1));
      dl->AddLine({x, p.y + 2 * scale}, {x, cy + 8 * scale}, style_u32(ImGuiCol_Text, 0.4f), 1);
      dl->AddText({x + 4 * scale, p.y}, style_u32(ImGuiCol_Text, 0.6f), std::to_string(y).c_str());
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", date_text(axis_.start_of(day_at(mx, p.x, w, axis_.days))).c_str());

    int64_t last = table().extent.to - 1;
    auto preset = [&](const char* label, TimeRange r) {
      if (ImGui::Button(label)) {
        playing_ = false;
        IncidentFilter f = filter_;
        f.range = r;
        set_filter(f);
      }
    };
    preset("近7天", analysis::preset_range(analysis::TimePreset::Last7Days, last));
    ImGui::SameLine();
    preset("近30天", analysis::preset_range(analysis::TimePreset::Last30Days, last));
    ImGui::SameLine();
    preset("近90天", analysis::preset_range(analysis::TimePreset::Last90Days, last));
    ImGui::SameLine();
    preset("今年", analysis::preset_range(analysis::TimePreset::ThisYear, last));
    ImGui::SameLine();
    ImGui::BeginDisabled(!filter_.range.bounded());
    preset("去年同期", comparison_range());
    ImGui::EndDisabled();
    ImGui::SameLine();
    preset("全部", {});

    // The play and pause symbols are drawn, not typed: the CJK font has no ▶ or ⏸ glyph.
    if (ImGui::Button(playing_ ? "    暂停" : "    播放", {90 * scale, 0})) set_playing(!playing_);
    {
      ImVec2 lo = ImGui::GetItemRectMin();
      float ih = ImGui::GetFontSize() * 0.7f, ix = lo.x + 12 * scale, iy = lo.y + (ImGui::GetItemRectSize().y - ih) / 2;
      ImU32 c = style_u32(ImGuiCol_Text);
      if (playing_) {
        dl->AddRectFilled({ix, iy}, {ix + ih * 0.3f, iy + ih}, c);
        dl->AddRectFilled({ix + ih * 0.6f, iy}, {ix + ih * 0.9f, iy + ih}, c);
      } else {
        dl->AddTriangleFilled({ix, iy}, {ix, iy + ih}, {ix + ih * 0.9f, iy + ih / 2}, c);
      }
    }
    ImGui::SameLine();
    const int windows[] = {7, 30, 90}, speeds[] = {1, 2, 4, 8};
    ImGui::SetNextItemWidth(100 * scale);
    std::string wl = "窗口 " + std::to_string(window_days_) + " 天";
    if (ImGui::BeginCombo("##window", wl.c_str())) {
      for (int d : windows)
        if (ImGui::Selectable((std::to_string(d) + " 天").c_str(), d == window_days_)) window_days_ = d;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    std::string sl = "速度 " + std::to_string(speed_) + " 天/秒";
    if (ImGui::BeginCombo("##speed", sl.c_str())) {
      for (int s : speeds)
        if (ImGui::Selectable((std::to_string(s) + " 天/秒").c_str(), s == speed_)) speed_ = s;
      ImGui::EndCombo();
    }
  }

  if (!table().category_names.empty() && ImGui::CollapsingHeader("类别", ImGuiTreeNodeFlags_DefaultOpen)) {
    IncidentFilter f = filter_;
    float column2 = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x * 0.5f;
    for (size_t i = 0; i < table().category_names.size(); ++i) {
      if (i % 2) ImGui::SameLine(column2);
      bool on = f.categories >> i & 1;
      std::string label = table().category_names[i] + " " + with_commas(int64_t(category_counts_[i]));
      if (ImGui::Checkbox(label.c_str(), &on))
        f.categories = on ? f.categories | 1ull << i : f.categories & ~(1ull << i);
    }
    set_filter(f);
  }

  if (has_data() && !layer_->severity.empty() && ImGui::CollapsingHeader("严重程度", ImGuiTreeNodeFlags_DefaultOpen)) {
    IncidentFilter f = filter_;
    int lo = f.min_severity == INT32_MIN ? 1 : f.min_severity, hi = f.max_severity == INT32_MAX ? 5 : f.max_severity;
    float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    ImGui::SetNextItemWidth(half);
    bool changed = ImGui::SliderInt("##min", &lo, 1, 5, "最低 %d");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(half);
    changed |= ImGui::SliderInt("##max", &hi, 1, 5, "最高 %d");
    if (changed) {
      if (lo > hi) std::swap(lo, hi);
      // The full 1-5 range is no condition at all, so that rows without a severity stay in.
      f.min_severity = lo == 1 && hi == 5 ? INT32_MIN : lo;
      f.max_severity = lo == 1 && hi == 5 ? INT32_MAX : hi;
      set_filter(f);
    }
  }

  if (ImGui::CollapsingHeader("热力图", ImGuiTreeNodeFlags_DefaultOpen)) {
    bool on = heatmap_;
    if (ImGui::Checkbox("显示热力图", &on)) set_heatmap(on);
    ImGui::BeginDisabled(!heatmap_);
    int k = int(kernel_);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::Combo("##kernel", &k, kKernelNames, IM_ARRAYSIZE(kKernelNames))) kernel_ = analysis::Kernel(k);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##radius", &radius_, 25, 500, "带宽 %.0f 米");
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##opacity", &opacity_, 0.1f, 1, "透明度 %.2f");
    ImGui::Checkbox("锁定色阶", &lock_scale_);
    if (has_data() && !layer_->severity.empty()) {
      ImGui::SameLine();
      ImGui::Checkbox("按严重程度加权", &weighted_);
    }
    ImGui::BeginDisabled(!filter_.range.bounded());
    bool compare = compare_;
    if (ImGui::Checkbox("对比去年同期", &compare)) set_compare(compare);
    ImGui::EndDisabled();
    if (!filter_.range.bounded()) {
      ImGui::SameLine();
      ImGui::TextDisabled("对比需选择时段");
    }
    ImGui::EndDisabled();
    if (heatmap_ && !lock_scale_) refresh_scale();  // kernel, radius or weighting may have changed

    ImGui::Separator();
    ImGui::SetNextItemWidth(-90 * scale);
    char name[256];
    std::snprintf(name, sizeof name, "%s", export_name_.c_str());
    if (ImGui::InputText("文件", name, sizeof name)) export_name_ = name;
    ImGui::SetNextItemWidth(-90 * scale);
    ImGui::SliderFloat("像元", &export_cell_, 2, 50, "%.0f 米");
    if (ImGui::Button("导出热力图…")) {
      try {
        export_message_ = export_surface(std::filesystem::absolute(export_name_), export_cell_, export_overwrite_);
        export_error_ = false;
      } catch (const std::exception& e) {
        export_message_ = e.what();
        export_error_ = true;
      }
      glyphs_changed_ = true;  // file names may bring characters the atlas lacks
    }
    ImGui::SameLine();
    ImGui::Checkbox("覆盖已有文件", &export_overwrite_);
    if (!export_message_.empty()) {
      if (export_error_) ImGui::PushStyleColor(ImGuiCol_Text, {0.94f, 0.27f, 0.27f, 1});
      ImGui::TextWrapped("%s", export_message_.c_str());
      if (export_error_) ImGui::PopStyleColor();
    }
  }
}

void AnalysisPanel::draw_strip(float scale) {
  if (!has_data()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
  ImGuiIO& io = ImGui::GetIO();
  ImU32 text = style_u32(ImGuiCol_Text), dim = style_u32(ImGuiCol_Text, 0.6f), empty = style_u32(ImGuiCol_FrameBg);
  ImU32 accent = style_u32(ImGuiCol_CheckMark);
  float fs = ImGui::GetFontSize(), gap = 28 * scale;

  // Hour × weekday table on the left.
  float title_h = fs + 6 * scale;
  WeekHourGeometry g;
  g.x = origin.x;
  g.y = origin.y + title_h;
  g.label_w = ImGui::CalcTextSize("周日").x + 10 * scale;
  g.label_h = fs + 4 * scale;
  g.cell_h = std::floor((avail.y - title_h - g.label_h) / 7);
  g.cell_w = std::floor(std::min(g.cell_h * 1.5f, (avail.x * 0.5f - g.label_w) / 24));
  float table_w = g.label_w + 24 * g.cell_w;
  week_hour_geometry_ = g;
  dl->AddText({g.x, origin.y}, text, "周 × 时段");
  dl->AddText({g.x + ImGui::CalcTextSize("周 × 时段").x + 12 * scale, origin.y}, dim, "点击格子筛选, 再次点击取消");
  double peak = 0;
  for (auto& row : week_hours_)
    for (double v : row) peak = std::max(peak, v);
  std::string peak_label = "最多 " + with_commas(int64_t(peak)) + " 起";
  dl->AddText({g.x + table_w - ImGui::CalcTextSize(peak_label.c_str()).x, origin.y}, dim, peak_label.c_str());
  ImVec4 bg = style_color(ImGuiCol_FrameBg);
  for (int d = 0; d < 7; ++d) {
    bool on = filter_.weekday == d;
    dl->AddText({g.x, g.cell_y(d) + (g.cell_h - fs) / 2}, on ? accent : text, kWeekdays[d]);
    for (int hr = 0; hr < 24; ++hr) {
      // Quiet hours fade into the panel, busy ones glow: the pattern reads without reading numbers.
      float t = peak > 0 ? float(week_hours_[d][hr] / peak) : 0;
      style::Color c = style::mix({bg.x, bg.y, bg.z, 1}, heat_at(t), 0.12f + 0.88f * t);
      ImVec2 a{g.cell_x(hr) + 1, g.cell_y(d) + 1}, b{g.cell_x(hr + 1) - 1, g.cell_y(d + 1) - 1};
      dl->AddRectFilled(a, b, t > 0 ? im32(c) : empty, 2 * scale);
    }
  }
  for (int hr = 0; hr < 24; ++hr) {
    if (hr % 3 && hr != filter_.hour) continue;
    std::string label = std::to_string(hr);
    dl->AddText({g.cell_x(hr) + (g.cell_w - ImGui::CalcTextSize(label.c_str()).x) / 2, g.y},
                filter_.hour == hr ? accent : dim, label.c_str());
  }
  // The filter's cell, row or column outlined in the accent colour.
  if (filter_.weekday >= 0 || filter_.hour >= 0) {
    float x0 = filter_.hour >= 0 ? g.cell_x(filter_.hour) : g.cell_x(0);
    float x1 = filter_.hour >= 0 ? g.cell_x(filter_.hour + 1) : g.cell_x(24);
    float y0 = filter_.weekday >= 0 ? g.cell_y(filter_.weekday) : g.cell_y(0);
    float y1 = filter_.weekday >= 0 ? g.cell_y(filter_.weekday + 1) : g.cell_y(7);
    dl->AddRect({x0, y0}, {x1, y1}, accent, 2 * scale, 0, 2.5f * scale);
  }
  ImGui::SetCursorScreenPos({g.x, g.y});
  ImGui::InvisibleButton("##weekhour", {table_w, g.label_h + 7 * g.cell_h});
  if (ImGui::IsItemHovered()) {
    WeekHourHit hit = g.hit(io.MousePos.x, io.MousePos.y);
    if (hit.kind == WeekHourHit::Cell) {
      dl->AddRect({g.cell_x(hit.hour), g.cell_y(hit.weekday)}, {g.cell_x(hit.hour + 1), g.cell_y(hit.weekday + 1)},
                  text, 2 * scale, 0, 1.5f * scale);
      ImGui::SetTooltip("%s %d 时: %s 起", kWeekdays[hit.weekday], hit.hour,
                        with_commas(int64_t(week_hours_[hit.weekday][hit.hour])).c_str());
    } else if (hit.kind == WeekHourHit::Weekday) {
      double sum = 0;
      for (double v : week_hours_[hit.weekday]) sum += v;
      ImGui::SetTooltip("%s: %s 起", kWeekdays[hit.weekday], with_commas(int64_t(sum)).c_str());
    } else if (hit.kind == WeekHourHit::Hour) {
      double sum = 0;
      for (auto& row : week_hours_) sum += row[hit.hour];
      ImGui::SetTooltip("%d 时: %s 起", hit.hour, with_commas(int64_t(sum)).c_str());
    }
    if (ImGui::IsItemClicked()) {
      playing_ = playing_ && hit.kind == WeekHourHit::None;
      set_filter(click_week_hour(filter_, hit));
    }
  }

  // Monthly bars on the right: the whole extent with the selected period highlighted.
  float mx0 = origin.x + table_w + gap, mw = origin.x + avail.x - mx0;
  dl->AddText({mx0, origin.y}, text, "月度趋势");
  dl->AddText({mx0 + ImGui::CalcTextSize("月度趋势").x + 12 * scale, origin.y}, dim, "点击或拖动选择时段");
  if (months_.empty() || mw < 50 * scale) return;
  double top = 0;
  for (auto& m : months_) top = std::max(top, m.count);
  float label_h = 2 * fs + 4 * scale;  // month numbers, then years under January
  float by0 = origin.y + title_h + fs, by1 = origin.y + avail.y - label_h;
  MonthBarsGeometry bars{mx0, mw, months_.size()};
  month_bars_geometry_ = bars;
  float slot = mw / float(months_.size());
  std::string top_label = with_commas(int64_t(top)) + " 起";
  dl->AddText({mx0 + mw - ImGui::CalcTextSize(top_label.c_str()).x, origin.y}, dim, top_label.c_str());
  dl->AddLine({mx0, by0}, {mx0 + mw, by0}, style_u32(ImGuiCol_Text, 0.15f), 1);
  dl->AddLine({mx0, by1}, {mx0 + mw, by1}, style_u32(ImGuiCol_Text, 0.4f), 1);
  ImGui::SetCursorScreenPos({mx0, by0});
  ImGui::InvisibleButton("##months", {mw, by1 - by0 + label_h});
  int hover = ImGui::IsItemHovered() || ImGui::IsItemActive() ? bars.bar_at(io.MousePos.x) : -1;
  float year_end = -1e9f;  // right end of the last year label drawn
  for (size_t i = 0; i < months_.size(); ++i) {
    const auto& m = months_[i];
    bool selected = filter_.range.bounded() ? overlaps(month_range(m), filter_.range) : false;
    float x0 = mx0 + i * slot + std::max(1.0f, slot * 0.15f), x1 = mx0 + (i + 1) * slot - std::max(1.0f, slot * 0.15f);
    float y = by1 - float(top > 0 ? m.count / top : 0) * (by1 - by0);
    ImU32 col = selected ? im32(kHeat[2], 1 / kHeat[2].a) : style_u32(ImGuiCol_Text, int(i) == hover ? 0.6f : 0.35f);
    dl->AddRectFilled({x0, y}, {x1, by1}, col, 2 * scale);
    std::string mlabel = std::to_string(m.month);
    float lw = ImGui::CalcTextSize(mlabel.c_str()).x;
    if (slot >= lw + 2 || m.month % 3 == 1)
      dl->AddText({mx0 + i * slot + (slot - lw) / 2, by1 + 2 * scale}, selected ? text : dim, mlabel.c_str());
    std::string year = std::to_string(m.year) + " 年";
    float yx = mx0 + i * slot + 2 * scale, yw = ImGui::CalcTextSize(year.c_str()).x;
    // The first (partial) year is labelled only when its label ends well before the next January's.
    bool room =
        yx > year_end + 8 * scale && (m.month == 1 || yx + yw + 8 * scale < mx0 + float(i + 13 - m.month) * slot);
    if ((m.month == 1 || i == 0) && room) {
      dl->AddText({yx, by1 + fs + 4 * scale}, dim, year.c_str());
      year_end = yx + yw;
    }
  }
  if (hover >= 0) {
    const auto& m = months_[hover];
    ImGui::SetTooltip("%04d-%02d: %s 起", m.year, m.month, with_commas(int64_t(m.count)).c_str());
  }
  if (ImGui::IsItemActivated() && hover >= 0) {
    month_drag_from_ = hover;
    month_moved_ = false;
    month_click_clears_ = filter_.range == month_range(months_[hover]);
    playing_ = false;
  }
  if (ImGui::IsItemActive() && month_drag_from_ >= 0) {
    int to = std::clamp(bars.bar_at(std::clamp(io.MousePos.x, mx0, mx0 + mw - 1)), 0, int(months_.size()) - 1);
    month_moved_ |= to != month_drag_from_;
    IncidentFilter f = filter_;
    f.range = months_range(months_[month_drag_from_], months_[to]);
    set_filter(f);
  }
  // A click (no drag) on the month that already was the period clears it: all time again.
  if (ImGui::IsItemDeactivated() && month_drag_from_ >= 0 && !month_moved_ && month_click_clears_) {
    IncidentFilter f = filter_;
    f.range = {};
    set_filter(f);
  }
  if (ImGui::IsItemDeactivated()) month_drag_from_ = -1;
}

void AnalysisPanel::draw_legend(float scale) {
  auto params = heatmap_params();
  if (!params) return;
  bool diff = params->minus.has_value();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::TextUnformatted(diff ? "案事件热力 · 同比变化 (起/平方公里)" : "案事件热力 (起/平方公里)");
  float w = 260 * scale, h = 14 * scale;
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImU32 bg = style_u32(ImGuiCol_FrameBg);
  dl->AddRectFilled(p, {p.x + w, p.y + h}, bg);
  // The ramp as drawn on the map: segments between equally spaced stops; the fall mirrored on the left.
  auto ramp = [&](float x0, float x1, const std::vector<style::Color>& stops, bool reversed) {
    size_t n = stops.size();
    for (size_t i = 0; i + 1 < n; ++i) {
      float a = x0 + (x1 - x0) * i / (n - 1), b = x0 + (x1 - x0) * (i + 1) / (n - 1);
      style::Color c0 = stops[reversed ? n - 1 - i : i], c1 = stops[reversed ? n - 2 - i : i + 1];
      dl->AddRectFilledMultiColor({a, p.y}, {b, p.y + h}, im32(c0), im32(c1), im32(c1), im32(c0));
    }
  };
  if (diff) {
    ramp(p.x, p.x + w / 2, params->falling, true);
    ramp(p.x + w / 2, p.x + w, params->ramp, false);
  } else {
    ramp(p.x, p.x + w, params->ramp, false);
  }
  dl->AddRect(p, {p.x + w, p.y + h}, style_u32(ImGuiCol_Text, 0.3f));
  ImGui::Dummy({w, h});
  double top = params->scale_max;
  std::string lo = diff ? "-" + number_text(top) : "0", mid = diff ? "0" : number_text(top / 2),
              hi = (diff ? "+" : "") + number_text(top) + (lock_scale_ ? " (锁定)" : "");
  float y = ImGui::GetCursorScreenPos().y;
  ImU32 text = style_u32(ImGuiCol_Text);
  dl->AddText({p.x, y}, text, lo.c_str());
  dl->AddText({p.x + w / 2 - ImGui::CalcTextSize(mid.c_str()).x / 2, y}, text, mid.c_str());
  dl->AddText({p.x + w - ImGui::CalcTextSize(hi.c_str()).x, y}, text, hi.c_str());
  ImGui::Dummy({w, ImGui::GetFontSize()});
  char line[160];
  auto [d0, d1] = axis_.days_of(filter_.range);
  std::snprintf(line, sizeof line, "带宽 %.0f 米 · %s · %s 至 %s", double(radius_), kKernelNames[int(kernel_)],
                date_text(axis_.start_of(d0)).c_str(), date_text(axis_.start_of(d1)).c_str());
  ImGui::TextDisabled("%s", line);
}

std::string AnalysisPanel::glyph_text() const {
  std::string s = kText;
  for (auto& c : table().category_names) s += " " + c;
  s += " " + export_message_ + " " + export_name_;
  return s;
}

}  // namespace sitmap::ui
