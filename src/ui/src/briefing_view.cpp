#include "sitmap/ui/briefing_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::ui {

namespace {

// The wall theme: deep navy, cards a shade lighter, near-white figures; a fall in crime green, a rise red.
constexpr ImU32 kBackground = IM_COL32(7, 17, 31, 255);
constexpr ImU32 kCard = IM_COL32(15, 34, 56, 255);
constexpr ImU32 kCardEdge = IM_COL32(37, 65, 99, 255);
constexpr ImU32 kText = IM_COL32(248, 250, 252, 255);
constexpr ImU32 kMuted = IM_COL32(170, 186, 206, 255);
constexpr ImU32 kGrid = IM_COL32(60, 84, 114, 255);
constexpr ImU32 kAccent = IM_COL32(34, 211, 238, 255);
constexpr ImU32 kGood = IM_COL32(34, 197, 94, 255);
constexpr ImU32 kBad = IM_COL32(244, 63, 94, 255);
constexpr ImU32 kHalo = IM_COL32(7, 17, 31, 225);
constexpr ImU32 kHot = IM_COL32(251, 146, 60, 255);
constexpr ImU32 kViolet = IM_COL32(167, 139, 250, 255);
constexpr ImU32 kTrendColors[] = {IM_COL32(251, 146, 60, 255), IM_COL32(250, 204, 21, 255),
                                  IM_COL32(56, 189, 248, 255), IM_COL32(244, 114, 182, 255)};
// Special persons per block, 0 | 1 | 2 | 3 | 4+ (violet, as sensitive layers are everywhere).
const style::Color kPersonClasses[] = {{0.06f, 0.13f, 0.22f, 0.35f},
                                       {0.36f, 0.13f, 0.71f, 0.80f},
                                       {0.49f, 0.23f, 0.93f, 0.85f},
                                       {0.65f, 0.55f, 0.98f, 0.90f},
                                       {0.87f, 0.84f, 1.00f, 0.95f}};
const style::Color kZeroCompound{0.13f, 0.77f, 0.37f, 0.60f};

// Every fixed string of the screen (its glyphs go into the briefing's fonts).
const char* kScreenText =
    "环比 同比 持平 无数据 统计时段 至 第 幕 每 秒切换 已暂停 按空格继续 近12个月 月 起/月 起/百户 每百户案事件数 "
    "案件高发网格 TOP10 网格 名 整改进度 已整改 未整改 共 处 本期发现 本期整改 重点人员 分类计数 人 每网格人数 "
    "零发案小区 本期 个 图例 高发网格 (排名) 场景数据错误 0123456789 .,:;%+-−/()·…—▲▼→← 年 "
    "整改进度 (截至统计时段末) 本期无零发案小区 重点人员 每网格人数 年1月 日";
const char* kNumberText = "0123456789.,%+-—起个处人户";

std::string fmt_number(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "—";
  char buf[32];
  if (unit == "%" || v != std::floor(v))
    std::snprintf(buf, sizeof buf, "%.1f", v);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string date_text(int64_t t) { return format_iso_time(t).substr(0, 10); }

ImVec2 measure(ImFont* font, float size, const std::string& s) {
  return font->CalcTextSizeA(size, FLT_MAX, 0, s.c_str(), s.c_str() + s.size());
}

void text(ImDrawList* dl, ImFont* font, float size, ImVec2 at, ImU32 col, const std::string& s) {
  dl->AddText(font, size, at, col, s.c_str(), s.c_str() + s.size());
}

// The size at which `s` fits `width`, at most `size` and never below `floor`.
float fit(ImFont* font, float size, float floor, const std::string& s, float width) {
  float w = measure(font, size, s).x;
  return w <= width ? size : std::max(floor, size * width / w);
}

// A change against a reference, as a leader reads it: arrow, percent, colour by whether it is good news.
struct Change {
  std::string text;
  ImU32 color = kMuted;
};
Change change(const char* label, double value, double before, int good_direction) {
  if (!std::isfinite(value) || !std::isfinite(before)) return {};
  char buf[64];
  const double diff = value - before;
  if (std::abs(diff) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%s 持平", label);
    return {buf, kMuted};
  }
  if (before > 0)
    std::snprintf(buf, sizeof buf, "%s %s%.1f%%", label, diff > 0 ? "▲" : "▼", std::abs(100 * diff / before));
  else
    std::snprintf(buf, sizeof buf, "%s %s%.0f", label, diff > 0 ? "▲" : "▼", std::abs(diff));
  int direction = diff > 0 ? 1 : -1;
  ImU32 col = good_direction == 0 ? kMuted : direction == good_direction ? kGood : kBad;
  return {buf, col};
}

// Round steps for an axis from 0 to at least `max`: 1, 2 or 5 times a power of ten, about four of them.
double nice_step(double max) {
  if (max <= 0) return 1;
  double raw = max / 4, p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return std::max(1.0, m * p);
  return std::max(1.0, 10 * p);
}

void card(ImDrawList* dl, const Rect& r, float rounding) {
  dl->AddRectFilled({r.x, r.y}, {r.x + r.w, r.y + r.h}, kCard, rounding);
  dl->AddRect({r.x, r.y}, {r.x + r.w, r.y + r.h}, kCardEdge, rounding, 0, std::max(1.0f, rounding / 4));
}

}  // namespace

void BriefingView::load(const std::filesystem::path& file, double now) {
  briefing_ = style::parse_briefing(file);
  scene_ = 0;
  paused_ = false;
  changed_ = true;
  shown_since_ = now;
  invalidate();
}

void BriefingView::go(long scene, double now) {
  if (!loaded()) return;
  long n = long(briefing_.scenes.size());
  scene_ = size_t(((scene % n) + n) % n);
  shown_since_ = paused_ ? paused_at_ = now : now;
  changed_ = true;
  invalidate();
}

void BriefingView::toggle_pause(double now) {
  if (paused_)
    shown_since_ += now - paused_at_;  // the scene keeps the time it had left
  else
    paused_at_ = now;
  paused_ = !paused_;
}

bool BriefingView::tick(double now) {
  if (loaded() && !paused_ && now - shown_since_ >= briefing_.interval_of(current())) next(now);
  return std::exchange(changed_, false);
}

double BriefingView::seconds_to_next(double now) const {
  if (!loaded() || paused_) return 3600;
  return std::max(0.0, briefing_.interval_of(current()) - (now - shown_since_));
}

void BriefingView::refresh(const services::Workspace& ws) {
  if (!loaded() || figures_ || !error_.empty()) return;
  const auto& s = current();
  try {
    services::SceneRequest request;
    const std::string& period = briefing_.period_of(s);
    request.period = services::briefing_range(ws, period, "", "");
    request.tiles = s.tiles;
    request.charts = s.charts;
    request.highlight = s.highlight;
    figures_ = services::scene_figures(ws, request);
  } catch (const Error& e) {
    error_ = briefing_.file.string() + ": scene '" + s.id + "': " + e.what();
    spdlog::warn("{}", error_);
  }
}

BriefingMap BriefingView::map_state(const render::Scene& scene) const {
  BriefingMap out;
  if (!loaded()) return out;
  const auto& s = current();
  out.layers = s.layers;
  if (s.bbox) {
    out.view.expand(geo::to_web_mercator(XY{(*s.bbox)[0], (*s.bbox)[1]}));
    out.view.expand(geo::to_web_mercator(XY{(*s.bbox)[2], (*s.bbox)[3]}));
  } else if (s.center) {
    // A box of the centre's zoom on a 1920-pixel-wide map; the camera fits it to the real map rectangle.
    XY c = geo::to_web_mercator(XY{(*s.center)[0], (*s.center)[1]});
    double half = 0.5 * 1920 * render::kZoom0Resolution / std::pow(2.0, s.zoom);
    out.view = {c.x - half, c.y - half * 9 / 16, c.x + half, c.y + half * 9 / 16};
  }
  if (!figures_) return out;
  auto has = [&](const char* h) { return std::find(s.highlight.begin(), s.highlight.end(), h) != s.highlight.end(); };
  if (figures_->special_persons && has("special_persons"))
    if (const auto* blocks = scene.find("blocks"); blocks && blocks->size() == figures_->special_persons->per_block.size()) {
      auto colors = std::make_shared<std::vector<style::Color>>();
      for (int64_t n : figures_->special_persons->per_block) colors->push_back(kPersonClasses[std::clamp<int64_t>(n, 0, 4)]);
      out.block_colors = std::move(colors);
    }
  if (has("zero_incident_compounds"))
    if (const auto* compounds = scene.find("compounds")) {
      auto colors = std::make_shared<std::vector<style::Color>>(compounds->size(), compounds->style.fill.dark);
      for (uint32_t row : figures_->zero_compounds)
        if (row < colors->size()) (*colors)[row] = kZeroCompound;
      out.compound_colors = std::move(colors);
    }
  return out;
}

float BriefingView::text_size(int height, float fraction) const {
  // The scale setting never takes the smallest type under 1/60 of the screen height.
  return std::round(std::max(height / 60.0f, height * fraction * scale_));
}

void BriefingView::add_fonts(ImFontAtlas* atlas, const render::FontFile& font, int screen_height,
                             const services::Workspace& ws) {
  std::string glyphs = kScreenText + briefing_.title;
  for (const auto& s : briefing_.scenes) glyphs += s.title;
  try {  // titles of every indicator, categories and compound names: what tiles, charts and the map may show
    for (const auto& k : services::kpis(ws, services::briefing_range(ws, briefing_.period, "", ""))) glyphs += k.title;
    auto compounds = ws.snapshot("compounds");
    if (const Column* name = compounds->column("name"))
      for (size_t r = 0; r < compounds->size(); ++r) glyphs += name->text(r);
  } catch (const Error& e) {
    spdlog::warn("briefing fonts: {}", e.what());
  }
  if (figures_) {
    for (const auto& t : figures_->tiles) glyphs += t.title + t.unit;
    for (const auto& t : figures_->trends) glyphs += t.category;
    for (const auto& r : figures_->rectification) glyphs += r.title + r.unit;
    if (figures_->special_persons)
      for (const auto& [category, n] : figures_->special_persons->per_category) glyphs += category;
  }
  auto ranges = [](const std::string& text, std::vector<unsigned short>& out) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesDefault());
    builder.AddText(text.c_str());
    ImVector<ImWchar> r;
    builder.BuildRanges(&r);
    out.assign(r.begin(), r.end());
  };
  ranges(glyphs, text_ranges_);
  ranges(kNumberText, number_ranges_);
  ImFontConfig cfg;
  cfg.FontNo = font.face;
  cfg.OversampleH = 1;
  cfg.OversampleV = 1;
  auto add = [&](float fraction, const std::vector<unsigned short>& r) {
    return atlas->AddFontFromFileTTF(font.path.c_str(), text_size(screen_height, fraction), &cfg, r.data());
  };
  fonts_.number = add(1 / 12.0f, number_ranges_);
  fonts_.title = add(1 / 22.0f, text_ranges_);
  fonts_.label = add(1 / 33.0f, text_ranges_);
  fonts_.small = add(1 / 48.0f, text_ranges_);
  fonts_height_ = screen_height;
}

const char* BriefingView::editor_text() {
  return "场景编辑 场景 标题 切换间隔 秒 地图图层 指标 保存到文件 已保存 保存失败 上一幕 下一幕 暂停 继续 关闭 (E)";
}

bool BriefingView::draw_editor(const services::Workspace& ws, const render::Scene& scene, float scale, double now) {
  if (!editor_open_ || !loaded()) return false;
  if (indicator_ids_.empty() && figures_)
    for (const auto& k : services::kpis(ws, figures_->period)) indicator_ids_.push_back(k.id);
  bool changed = false;
  auto& s = briefing_.scenes[scene_];
  ImGui::SetNextWindowSize({520 * scale, 640 * scale}, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos({40 * scale, 120 * scale}, ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("场景编辑 (E)", &editor_open_, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return false;
  }
  ImGui::Text("场景 %zu / %zu · %s", scene_ + 1, briefing_.scenes.size(), s.id.c_str());
  if (ImGui::Button("上一幕")) previous(now);
  ImGui::SameLine();
  if (ImGui::Button("下一幕")) next(now);
  ImGui::SameLine();
  if (ImGui::Button(paused_ ? "继续" : "暂停")) toggle_pause(now);
  char title[256];
  std::snprintf(title, sizeof title, "%s", s.title.c_str());
  if (ImGui::InputText("标题", title, sizeof title) && title[0]) s.title = title;
  float interval = float(briefing_.interval_of(s));
  if (ImGui::SliderFloat("切换间隔 (秒)", &interval, 5, 120, "%.0f")) s.interval = std::round(interval);
  if (ImGui::CollapsingHeader("地图图层", ImGuiTreeNodeFlags_DefaultOpen))
    for (const auto& l : scene.layers) {
      if (l.restricted) continue;  // never on the wall as points, so never offered
      bool on = std::find(s.layers.begin(), s.layers.end(), l.style.name) != s.layers.end();
      if (ImGui::Checkbox(l.style.title.c_str(), &on)) {
        if (on)
          s.layers.push_back(l.style.name);
        else
          std::erase(s.layers, l.style.name);
        changed = true;
      }
    }
  if (ImGui::CollapsingHeader("指标", ImGuiTreeNodeFlags_DefaultOpen))
    for (const auto& id : indicator_ids_) {
      bool on = std::find(s.tiles.begin(), s.tiles.end(), id) != s.tiles.end();
      if (ImGui::Checkbox(id.c_str(), &on)) {
        if (on && s.tiles.size() < 12)
          s.tiles.push_back(id);
        else if (!on)
          std::erase(s.tiles, id);
        invalidate();
      }
    }
  if (ImGui::Button("保存到文件")) {
    try {
      style::save_briefing(briefing_, briefing_.file);
      editor_status_ = "已保存 " + briefing_.file.string();
    } catch (const Error& e) {
      editor_status_ = std::string("保存失败: ") + e.what();
    }
  }
  if (!editor_status_.empty()) ImGui::TextWrapped("%s", editor_status_.c_str());
  ImGui::End();
  return changed;
}

BriefingView::Layout BriefingView::layout(int width, int height) const {
  Layout l;
  l.pad = std::round(height * 0.018f);
  l.header = std::round(height * 0.115f);
  const bool panel = loaded() && (!current().tiles.empty() || !current().charts.empty());
  const float top = l.header + l.pad, h = height - top - l.pad;
  const float map_w = panel ? std::round((width - 3 * l.pad) * 0.56f) : width - 2 * l.pad;
  l.map = {l.pad, top, map_w, h};
  l.panel = {2 * l.pad + map_w, top, panel ? width - 3 * l.pad - map_w : 0, h};
  return l;
}

Rect BriefingView::map_rect(int width, int height) const { return layout(width, height).map; }

namespace {

struct Painter {
  ImDrawList* dl;
  ImFont *number, *title, *label, *small;
  float H;  // screen height
  float n_size, t_size, l_size, s_size, pad;

  void tile(const Rect& r, const services::Kpi& k) const {
    card(dl, r, pad / 2);
    const float ip = pad * 0.8f, inner = r.w - 2 * ip;
    float y = r.y + ip * 0.8f;
    float ls = fit(label, l_size, s_size, k.title, inner);
    text(dl, label, ls, {r.x + ip, y}, kMuted, k.title);
    y += ls * 1.15f;
    std::string value = fmt_number(k.value, k.unit);
    if (!std::isfinite(k.value)) {
      text(dl, label, l_size, {r.x + ip, y + (n_size - l_size) / 2}, kMuted, "无数据");
      return;
    }
    float unit_w = measure(label, l_size, k.unit).x + ip / 2;
    float ns = fit(number, n_size, s_size * 2, value, inner - unit_w);
    text(dl, number, ns, {r.x + ip, y}, kText, value);
    float vw = measure(number, ns, value).x;
    text(dl, label, l_size, {r.x + ip + vw + ip / 3, y + ns * 0.88f - l_size}, kMuted, k.unit);
    y += ns * 1.02f;
    Change a = change("环比", k.value, k.previous, k.good_direction);
    Change b = change("同比", k.value, k.last_year, k.good_direction);
    if (a.text.empty() && b.text.empty()) return;
    float aw = measure(small, s_size, a.text).x, bw = measure(small, s_size, b.text).x;
    if (aw + bw + ip <= inner && y + s_size <= r.y + r.h - ip * 0.5f) {
      text(dl, small, s_size, {r.x + ip, y}, a.color, a.text);
      text(dl, small, s_size, {r.x + r.w - ip - bw, y}, b.color, b.text);
    } else {
      text(dl, small, s_size, {r.x + ip, y}, a.color, a.text);
      text(dl, small, s_size, {r.x + ip, y + s_size * 1.1f}, b.color, b.text);
    }
  }

  // A chart's card and title; returns the area under the title.
  Rect chart_frame(const Rect& r, const std::string& heading) const {
    card(dl, r, pad / 2);
    const float ip = pad * 0.8f;
    float ls = fit(label, l_size, s_size, heading, r.w - 2 * ip);
    text(dl, label, ls, {r.x + ip, r.y + ip * 0.7f}, kText, heading);
    float top = r.y + ip * 0.7f + ls * 1.3f;
    return {r.x + ip, top, r.w - 2 * ip, r.y + r.h - ip * 0.6f - top};
  }

  // `period_end`: the figures' period end (excluded). A last month it cuts short is drawn faint and labelled
  // 至N日, so that a month still under way does not read as a fall.
  void trend(const Rect& r, const services::Trend& t, ImU32 color, int64_t period_end) const {
    Rect a = chart_frame(r, t.category + " · 近12个月 (起/月)");
    if (t.months.empty()) {
      text(dl, label, l_size, {a.x, a.y}, kMuted, "无数据");
      return;
    }
    double max = 0;
    for (const auto& m : t.months) max = std::max(max, m.count);
    double step = nice_step(max), top = std::ceil(std::max(max, 1.0) / step) * step;
    float axis_w = measure(small, s_size, fmt_number(top, "")).x + pad * 0.5f;
    Rect plot{a.x + axis_w, a.y + s_size * 0.5f, a.w - axis_w - pad * 0.6f, a.h - s_size * 1.9f};
    if (plot.h < s_size) return;
    for (double v = 0; v <= top + 1e-9; v += step) {
      float y = plot.y + plot.h - float(v / top) * plot.h;
      dl->AddLine({plot.x, y}, {plot.x + plot.w, y}, kGrid, std::max(1.0f, H / 1080));
      std::string lab = fmt_number(v, "");
      text(dl, small, s_size, {plot.x - pad * 0.4f - measure(small, s_size, lab).x, y - s_size / 2}, kMuted, lab);
    }
    const size_t n = t.months.size();
    auto px = [&](size_t i) { return plot.x + (n == 1 ? plot.w / 2 : plot.w * float(i) / float(n - 1)); };
    auto py = [&](double v) { return plot.y + plot.h - float(v / top) * plot.h; };
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < n; ++i) pts.push_back({px(i), py(t.months[i].count)});
    const CivilDate end_day = civil_from_days((period_end - 1) / 86400);
    const bool partial = civil_from_days(period_end / 86400).day != 1 || period_end % 86400 != 0;
    const float line_w = std::max(2.0f, H / 300);
    dl->AddPolyline(pts.data(), int(pts.size()) - (partial && n > 1 ? 1 : 0), color, 0, line_w);
    const ImU32 faint = (color & 0x00FFFFFF) | 0x70000000;
    if (partial && n > 1) dl->AddLine(pts[n - 2], pts[n - 1], faint, line_w);
    float month_w = n > 1 ? plot.w / float(n - 1) : plot.w;
    size_t every = measure(small, s_size, "12月").x * 1.2f > month_w ? 2 : 1;
    for (size_t i = 0; i < n; ++i) {
      const bool cut_short = partial && i == n - 1;
      if (cut_short)
        dl->AddCircle(pts[i], std::max(3.0f, H / 220), color, 0, std::max(1.5f, H / 600));
      else
        dl->AddCircleFilled(pts[i], std::max(3.0f, H / 220), color);
      if ((n - 1 - i) % every) continue;
      std::string m = std::to_string(t.months[i].month) + "月";
      if (t.months[i].month == 1) m = std::to_string(t.months[i].year % 100) + "年1月";
      if (cut_short) m = "至" + std::to_string(end_day.day) + "日";
      float w = measure(small, s_size, m).x;
      text(dl, small, s_size, {std::clamp(pts[i].x - w / 2, a.x, a.x + a.w - w), plot.y + plot.h + s_size * 0.3f},
           kMuted, m);
    }
    std::string last = fmt_number(t.months.back().count, "");
    float lw = measure(label, l_size, last).x;
    ImVec2 at{std::min(pts.back().x - lw / 2, a.x + a.w - lw), pts.back().y - l_size * 1.2f};
    if (at.y < a.y) at.y = pts.back().y + l_size * 0.3f;
    text(dl, label, l_size, at, kText, last);
  }

  void top_blocks(const Rect& r, const std::vector<services::BlockRate>& rows) const {
    Rect a = chart_frame(r, "案件高发网格 TOP10 · 每百户案事件数 (起/百户)");
    if (rows.empty()) {
      text(dl, label, l_size, {a.x, a.y}, kMuted, "无数据");
      return;
    }
    const float row_h = a.h / float(std::max<size_t>(rows.size(), 5));
    const float fs = std::min(l_size, std::max(s_size, row_h * 0.72f));
    float name_w = 0;
    for (size_t i = 0; i < rows.size(); ++i)
      name_w = std::max(name_w, measure(label, fs, std::to_string(i + 1) + " 网格 " + rows[i].block_no).x);
    name_w += pad * 0.5f;
    const float value_w = measure(label, fs, "00.0").x + pad * 0.4f;
    const double max = rows.front().rate;
    for (size_t i = 0; i < rows.size(); ++i) {
      float y = a.y + row_h * float(i), cy = y + row_h / 2;
      std::string name = std::to_string(i + 1) + " 网格 " + rows[i].block_no;
      text(dl, label, fs, {a.x, cy - fs / 2}, i < 3 ? kHot : kText, name);
      float bw = (a.w - name_w - value_w) * float(max > 0 ? rows[i].rate / max : 0);
      dl->AddRectFilled({a.x + name_w, cy - row_h * 0.32f}, {a.x + name_w + bw, cy + row_h * 0.32f},
                        i < 3 ? kHot : IM_COL32(234, 179, 8, 255), pad * 0.15f);
      std::string v = fmt_number(std::round(rows[i].rate * 10) / 10, "%");
      text(dl, label, fs, {a.x + name_w + bw + pad * 0.3f, cy - fs / 2}, kText, v);
    }
  }

  void rectification(const Rect& r, const std::vector<services::Rectification>& rows) const {
    Rect a = chart_frame(r, "整改进度 (截至统计时段末)");
    if (rows.empty()) {
      text(dl, label, l_size, {a.x, a.y}, kMuted, "无数据");
      return;
    }
    const float block_h = a.h / float(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& x = rows[i];
      float y = a.y + block_h * float(i);
      double share = x.total > 0 ? double(x.total - x.open) / double(x.total) : 0;
      char head[128];
      std::snprintf(head, sizeof head, "%s  已整改 %.1f%%", x.title.c_str(), 100 * share);
      text(dl, label, l_size, {a.x, y}, kText, head);
      float bar_y = y + l_size * 1.25f, bar_h = std::max(s_size * 0.9f, block_h * 0.22f);
      dl->AddRectFilled({a.x, bar_y}, {a.x + a.w, bar_y + bar_h}, kBad, pad * 0.2f);
      dl->AddRectFilled({a.x, bar_y}, {a.x + a.w * float(share), bar_y + bar_h}, kGood, pad * 0.2f);
      char line[160];
      std::snprintf(line, sizeof line, "已整改 %lld · 未整改 %lld · 共 %lld %s", static_cast<long long>(x.total - x.open),
                    static_cast<long long>(x.open), static_cast<long long>(x.total), x.unit.c_str());
      text(dl, small, s_size, {a.x, bar_y + bar_h + s_size * 0.3f}, kMuted, line);
      std::snprintf(line, sizeof line, "本期发现 %lld · 本期整改 %lld %s", static_cast<long long>(x.found),
                    static_cast<long long>(x.fixed), x.unit.c_str());
      text(dl, small, s_size, {a.x, bar_y + bar_h + s_size * 1.45f}, kMuted, line);
    }
  }

  void special_persons(const Rect& r, const services::RestrictedCounts& c) const {
    Rect a = chart_frame(r, "重点人员 · 分类计数 (人)");
    const auto& rows = c.per_category;
    if (rows.empty()) {
      text(dl, label, l_size, {a.x, a.y}, kMuted, "无数据");
      return;
    }
    const float legend_h = l_size * 1.6f;
    const float row_h = (a.h - legend_h) / float(std::max<size_t>(rows.size(), 4));
    const float fs = std::min(l_size, std::max(s_size, row_h * 0.7f));
    float name_w = 0;
    for (const auto& [name, n] : rows) name_w = std::max(name_w, measure(label, fs, name).x);
    name_w += pad * 0.5f;
    const float value_w = measure(label, fs, "000").x + pad * 0.4f;
    int64_t max = 1;
    for (const auto& [name, n] : rows) max = std::max(max, n);
    for (size_t i = 0; i < rows.size(); ++i) {
      float cy = a.y + row_h * (float(i) + 0.5f);
      text(dl, label, fs, {a.x, cy - fs / 2}, kText, rows[i].first);
      float bw = (a.w - name_w - value_w) * float(rows[i].second) / float(max);
      dl->AddRectFilled({a.x + name_w, cy - row_h * 0.3f}, {a.x + name_w + bw, cy + row_h * 0.3f}, kViolet, pad * 0.15f);
      text(dl, label, fs, {a.x + name_w + bw + pad * 0.3f, cy - fs / 2}, kText, std::to_string(rows[i].second));
    }
    // The map's choropleth classes.
    float x = a.x, y = a.y + a.h - l_size * 1.1f;
    text(dl, small, s_size, {x, y + (l_size - s_size) / 2}, kMuted, "每网格人数");
    x += measure(small, s_size, "每网格人数").x + pad * 0.5f;
    const char* classes[] = {"0", "1", "2", "3", "4+"};
    for (int k = 0; k < 5; ++k) {
      style::Color col = kPersonClasses[k];
      dl->AddRectFilled({x, y}, {x + l_size, y + l_size}, ImGui::ColorConvertFloat4ToU32({col.r, col.g, col.b, 1}), 3);
      dl->AddRect({x, y}, {x + l_size, y + l_size}, kCardEdge, 3);
      text(dl, small, s_size, {x + l_size * 1.15f, y + (l_size - s_size) / 2}, kText, classes[k]);
      x += l_size * 1.15f + measure(small, s_size, classes[k]).x + pad * 0.6f;
    }
  }

  void zero_compounds(const Rect& r, const std::vector<std::string>& names) const {
    Rect a = chart_frame(r, "零发案小区 · 本期 " + std::to_string(names.size()) + " 个");
    if (names.empty()) {
      text(dl, label, l_size, {a.x, a.y}, kMuted, "本期无零发案小区");
      return;
    }
    const int cols = names.size() > 4 ? 3 : 2;
    const float col_w = a.w / float(cols), row_h = l_size * 1.45f;
    for (size_t i = 0; i < names.size(); ++i) {
      float x = a.x + col_w * float(i % cols), y = a.y + row_h * float(i / cols);
      if (y + l_size > a.y + a.h) break;
      dl->AddRectFilled({x, y + l_size * 0.15f}, {x + l_size * 0.7f, y + l_size * 0.85f}, kGood, 3);
      float fs = fit(label, l_size, s_size, names[i], col_w - l_size * 1.1f);
      text(dl, label, fs, {x + l_size, y + (l_size - fs) / 2}, kText, names[i]);
    }
  }
};

}  // namespace

void BriefingView::draw(ImDrawList* dl, int width, int height, const render::Camera& camera, ImVec2 map_origin,
                        const render::Scene& scene, const std::string& clock) const {
  if (!loaded() || !fonts_ready(height)) return;
  const Layout l = layout(width, height);
  Painter p{dl,
            fonts_.number,
            fonts_.title,
            fonts_.label,
            fonts_.small,
            float(height),
            fonts_.number->FontSize,
            fonts_.title->FontSize,
            fonts_.label->FontSize,
            fonts_.small->FontSize,
            l.pad};
  const auto& s = current();
  // Around the map: the background (the map draws under the UI, so only the margins are painted).
  const Rect& m = l.map;
  dl->AddRectFilled({0, 0}, {float(width), m.y}, kBackground);
  dl->AddRectFilled({0, m.y + m.h}, {float(width), float(height)}, kBackground);
  dl->AddRectFilled({0, m.y}, {m.x, m.y + m.h}, kBackground);
  dl->AddRectFilled({m.x + m.w, m.y}, {float(width), m.y + m.h}, kBackground);
  dl->AddRect({m.x, m.y}, {m.x + m.w, m.y + m.h}, kCardEdge, 0, 0, std::max(1.0f, height / 720.0f));

  // Header: the briefing and the scene on the left; period, position and clock on the right.
  text(dl, p.small, p.s_size, {l.pad, l.pad * 0.6f}, kAccent, briefing_.title);
  text(dl, p.title, p.t_size, {l.pad, l.pad * 0.6f + p.s_size * 1.25f}, kText, s.title);
  std::string period;
  if (figures_)
    period = "统计时段 " + date_text(figures_->period.from) + " 至 " + date_text(figures_->period.to - 1);
  char where[96];
  std::snprintf(where, sizeof where, "第 %zu/%zu 幕 · %s", scene_ + 1, briefing_.scenes.size(),
                paused_ ? "已暂停 · 按空格继续" : ("每 " + fmt_number(briefing_.interval_of(s), "") + " 秒切换").c_str());
  float right = width - l.pad;
  text(dl, p.label, p.l_size, {right - measure(p.label, p.l_size, period).x, l.pad * 0.6f}, kText, period);
  std::string second = std::string(where) + (clock.empty() ? "" : "  ·  " + clock);
  text(dl, p.small, p.s_size, {right - measure(p.small, p.s_size, second).x, l.pad * 0.6f + p.l_size * 1.3f},
       paused_ ? kHot : kMuted, second);

  if (!error_.empty()) {
    text(dl, p.label, p.l_size, {l.panel.x, l.panel.y}, kBad, "场景数据错误");
    dl->AddText(p.small, p.s_size, {l.panel.x, l.panel.y + p.l_size * 1.4f}, kText, error_.c_str(), nullptr,
                std::max(l.panel.w, m.w));
    return;
  }
  if (!figures_) return;
  const auto& f = *figures_;

  // Map highlights, clipped to the map.
  dl->PushClipRect({m.x, m.y}, {m.x + m.w, m.y + m.h}, true);
  auto screen = [&](XY world) {
    XY q = camera.world_to_screen(world);
    return ImVec2{float(q.x) + map_origin.x, float(q.y) + map_origin.y};
  };
  auto outline = [&](const Geometry& g, ImU32 col, float w) {
    std::vector<ImVec2> pts;
    for (const auto& poly : g.polygons)
      for (const auto& ring : poly.rings) {
        pts.clear();
        for (const auto& v : ring) pts.push_back(screen(v));
        if (pts.size() >= 3) dl->AddPolyline(pts.data(), int(pts.size()), col, ImDrawFlags_Closed, w);
      }
  };
  auto badge = [&](ImVec2 at, const std::string& t, ImU32 col, ImFont* font, float size) {
    ImVec2 ts = measure(font, size, t);
    ImVec2 lo{at.x - ts.x / 2 - size * 0.3f, at.y - ts.y / 2 - size * 0.1f};
    dl->AddRectFilled(lo, {lo.x + ts.x + size * 0.6f, lo.y + ts.y + size * 0.2f}, kHalo, size * 0.25f);
    dl->AddRect(lo, {lo.x + ts.x + size * 0.6f, lo.y + ts.y + size * 0.2f}, col, size * 0.25f, 0, 2);
    text(dl, font, size, {at.x - ts.x / 2, at.y - ts.y / 2}, kText, t);
  };
  auto has = [&](const char* h) { return std::find(s.highlight.begin(), s.highlight.end(), h) != s.highlight.end(); };
  const float line_w = std::max(2.0f, height / 360.0f);
  if (has("zero_incident_compounds"))
    if (const auto* compounds = scene.find("compounds"))
      for (size_t i = 0; i < f.zero_compounds.size(); ++i) {
        uint32_t row = f.zero_compounds[i];
        if (row >= compounds->world.size()) continue;
        outline(compounds->world[row], kGood, line_w);
        BBox b = compounds->world[row].bbox();
        badge(screen({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}), f.zero_compound_names[i], kGood, p.small,
              p.s_size);
      }
  if (has("top_blocks"))
    if (const auto* blocks = scene.find("blocks"))
      for (size_t i = f.top_blocks.size(); i-- > 0;) {
        uint32_t row = f.top_blocks[i].row;
        if (row >= blocks->world.size()) continue;
        outline(blocks->world[row], kHot, line_w);
        BBox b = blocks->world[row].bbox();
        badge(screen({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}), std::to_string(i + 1), kHot, p.label, p.l_size);
      }
  // The highlights' legend in the map's lower left corner.
  std::vector<std::pair<ImU32, std::string>> legend;
  if (has("zero_incident_compounds")) legend.push_back({kGood, "零发案小区"});
  if (has("top_blocks")) legend.push_back({kHot, "高发网格 (排名)"});
  if (has("special_persons")) legend.push_back({kViolet, "重点人员 每网格人数"});
  float ly = m.y + m.h - l.pad - p.s_size * 1.5f * float(legend.size());
  for (const auto& [col, t] : legend) {
    float tw = measure(p.small, p.s_size, t).x;
    dl->AddRectFilled({m.x + l.pad * 0.5f, ly - p.s_size * 0.2f},
                      {m.x + l.pad * 1.5f + p.s_size * 1.3f + tw, ly + p.s_size * 1.3f}, kHalo, 4);
    dl->AddRect({m.x + l.pad, ly + p.s_size * 0.1f}, {m.x + l.pad + p.s_size, ly + p.s_size * 1.05f}, col, 2, 0, line_w);
    text(dl, p.small, p.s_size, {m.x + l.pad + p.s_size * 1.3f, ly}, kText, t);
    ly += p.s_size * 1.5f;
  }
  dl->PopClipRect();

  // The panel: tiles on top, charts below.
  const Rect& pn = l.panel;
  if (pn.w <= 0) return;
  const size_t n = f.tiles.size();
  const bool charts = !s.charts.empty();
  float y = pn.y;
  if (n > 0) {
    const size_t cols = n <= 3 ? n : (n == 4 || n > 6) ? 2 : 3, rows = (n + cols - 1) / cols;
    const float gap = l.pad * 0.7f, tile_w = (pn.w - gap * float(cols - 1)) / float(cols);
    float tile_h = charts ? height * 0.2f : std::min(height * 0.21f, (pn.h - gap * float(rows - 1)) / float(rows));
    tile_h = std::max(tile_h, p.l_size * 1.2f + p.n_size + p.s_size * 2.4f + l.pad);
    for (size_t i = 0; i < n; ++i)
      p.tile({pn.x + (tile_w + gap) * float(i % cols), y + (tile_h + gap) * float(i / cols), tile_w, tile_h},
             f.tiles[i]);
    y += (tile_h + gap) * float(rows);
  }
  if (!charts) return;
  auto weight = [](const std::string& c) {
    return c == "top_blocks" ? 2.0f : c == "special_persons" ? 1.6f : c == "rectification" ? 1.5f : 1.0f;
  };
  float total = 0;
  for (const auto& c : s.charts) total += weight(c);
  const float gap = l.pad * 0.7f, avail = pn.y + pn.h - y - gap * float(s.charts.size() - 1);
  size_t trend = 0;
  for (const auto& c : s.charts) {
    Rect r{pn.x, y, pn.w, avail * weight(c) / total};
    if (c.starts_with("trend:") && trend < f.trends.size()) {
      p.trend(r, f.trends[trend], kTrendColors[trend % std::size(kTrendColors)], f.period.to);
      ++trend;
    } else if (c == "top_blocks") {
      p.top_blocks(r, f.top_blocks);
    } else if (c == "rectification") {
      p.rectification(r, f.rectification);
    } else if (c == "special_persons" && f.special_persons) {
      p.special_persons(r, *f.special_persons);
    } else if (c == "zero_compounds") {
      p.zero_compounds(r, f.zero_compound_names);
    }
    y += r.h + gap;
  }
}

}  // namespace sitmap::ui
