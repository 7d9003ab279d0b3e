// The 分析 workspace's panel: one incident filter (time, categories, severity, hour × weekday cell) that every
// linked view applies at once (map points, GPU heatmap, charts, hotspot view), its controls, the bottom strip of
// charts (hour × weekday table, monthly bars), the heatmap legend and the surface export.
//
// The panel never touches GL: the dashboard reads rows() and heatmap_params() after each frame's controls and
// pushes them to the renderer. The pure parts (date ↔ slider day, which chart cell or bar is under a point, what
// a click does to the filter, the KPI line) are free functions so that they are tested without a display.
#pragma once
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/analysis/timebin.hpp"
#include "sitmap/render/heatmap.hpp"
#include "sitmap/services/heatmap.hpp"

struct ImFont;

namespace sitmap::ui {

inline constexpr int64_t kDay = 86400;

// The days of the data's time extent as positions of the time slider: day 0 is the day of the earliest incident.
struct DayAxis {
  int64_t first = 0;  // midnight starting day 0 (seconds, core/time.hpp)
  int days = 0;       // days covered, the last incident's day included; 0 for an unbounded extent

  static DayAxis of(TimeRange extent);
  int day_of(int64_t t) const;  // the day holding t, clamped to [0, days - 1]
  int64_t start_of(int day) const { return first + int64_t(day) * kDay; }
  // Both days included: [start of `from_day`, start of the day after `to_day`).
  TimeRange range(int from_day, int to_day) const;
  // The slider positions showing a range (its end excluded, so [d, d + 1 day) is the single day d), clamped.
  std::pair<int, int> days_of(TimeRange r) const;
};
std::string date_text(int64_t t);  // "2026-03-14"

// The two-handle time bar: where a press lands decides what a drag moves.
enum class RangeGrab { None, From, To, Both };
RangeGrab range_grab(float px, float from_x, float to_x, float handle_px);
int day_at(float px, float x0, float width, int days);  // slider day under a point, clamped

// The hour × weekday table: 7 rows (周一..周日) under one row of hour labels, the weekday labels on the left.
struct WeekHourHit {
  enum Kind { None, Cell, Weekday, Hour } kind = None;
  int weekday = -1, hour = -1;
};
struct WeekHourGeometry {
  float x = 0, y = 0;              // top-left corner of the whole table, labels included
  float label_w = 0, label_h = 0;  // weekday-label column width, hour-label row height
  float cell_w = 0, cell_h = 0;
  WeekHourHit hit(float px, float py) const;
  float cell_x(int hour) const { return x + label_w + hour * cell_w; }
  float cell_y(int weekday) const { return y + label_h + weekday * cell_h; }
};
// A click on a cell filters that weekday and hour, on a weekday label the weekday only, on an hour label the
// hour only; clicking what is already the filter clears it. Other conditions are kept.
analysis::IncidentFilter click_week_hour(analysis::IncidentFilter filter, WeekHourHit hit);

// The monthly bar chart: `bars` equal slots across [x, x + width).
struct MonthBarsGeometry {
  float x = 0, width = 0;
  size_t bars = 0;
  int bar_at(float px) const;  // -1 outside
};
TimeRange month_range(const analysis::MonthCount& m);  // [1st of the month, 1st of the next)
// A drag from bar a to bar b (either order): from the first month's start to the last month's end.
TimeRange months_range(const analysis::MonthCount& a, const analysis::MonthCount& b);
bool overlaps(TimeRange a, TimeRange b);

// "所选时段 1,234 起 · 同比 +5.2%"; the change is left out without a bounded period and shown as "—" when the
// same period last year had none.
std::string kpi_text(size_t selected, std::optional<size_t> last_year);

// Playback frame at `elapsed` seconds after pressing ▶ from frame `start`, at `days_per_second`, wrapping.
size_t playback_frame(const analysis::Playback& playback, size_t start, double elapsed, double days_per_second);

class AnalysisPanel {
 public:
  AnalysisPanel();

  // The incidents layer's snapshot: times, `category` and `severity` columns where present. Resets the filter.
  // Throws Error(BadInput) from analysis::IncidentTable::build (too many categories, fractional severity).
  void set_data(std::shared_ptr<const Snapshot> incidents);
  bool has_data() const { return layer_ && layer_->table.size() > 0; }
  const analysis::IncidentTable& table() const;  // empty without data
  const Snapshot* snapshot() const { return layer_ ? layer_->snapshot.get() : nullptr; }
  std::span<const double> weights() const {  // per row, NaN where missing; empty without a severity field
    return layer_ ? std::span<const double>(layer_->severity) : std::span<const double>();
  }

  const analysis::IncidentFilter& filter() const { return filter_; }
  void set_filter(const analysis::IncidentFilter& filter);
  void set_period(std::string_view text);  // parse_period relative to the latest incident
  void set_heatmap(bool on);
  bool heatmap_on() const { return heatmap_; }
  void set_compare(bool on);

  // The rows passing the filter, ascending, and a number that changes whenever they do (views compare it with
  // the one they last showed).
  const std::vector<uint32_t>& rows() const { return rows_; }
  uint64_t revision() const { return revision_; }
  size_t last_year_count() const { return last_year_rows_; }
  const analysis::WeekHourTable& week_hours() const { return week_hours_; }
  const std::vector<analysis::MonthCount>& months() const { return months_; }

  // What the GPU heatmap draws (nullopt: off).
  std::optional<render::HeatmapParams> heatmap_params() const;
  // The colour scale's top follows the selection: services::density_peak runs on a worker thread after each
  // change (a bandwidth drag must not stall frames) and the ramp keeps its old top until it is done.
  bool scale_busy() const { return scale_job_.valid(); }
  void wait_for_scale();  // blocks until a running peak computation is done and takes its result
  // The request `sitmap heatmap` would get for the current filter and heatmap settings, with `cell` metres.
  services::HeatmapRequest heatmap_request(double cell) const;
  // services::heatmap of heatmap_request(cell): the surface `sitmap heatmap` writes for the same selection.
  services::Heatmap surface(double cell) const;
  // Writes surface(cell) with services::write_heatmap_geotiff; returns the message shown ("已导出 …").
  std::string export_surface(const std::filesystem::path& out, double cell, bool overwrite) const;

  // Playback (▶): windows of `window_days` stepping one day at a time, `days_per_second`, from the current
  // period's first day (from the start when it is too close to the end), wrapping at the end.
  void set_playback(int window_days, int days_per_second);
  void set_playing(bool on);
  bool playing() const { return playing_; }
  // Per frame: advances playback (`now`: seconds on the window's clock) and the colour scale's worker.
  void tick(double now);
  // The right-hand panel's controls, inside the current window; `large` shows the KPI line.
  void draw_controls(float scale, ImFont* large);
  // The bottom strip: hour × weekday table and monthly bars, filling the current window.
  void draw_strip(float scale);
  // Where the last draw_strip put the table and the bars (screen pixels), so that a click can be aimed at a cell.
  const WeekHourGeometry& week_hour_geometry() const { return week_hour_geometry_; }
  const MonthBarsGeometry& month_bars_geometry() const { return month_bars_geometry_; }
  // Where the last draw_controls put the time bar: left edge, width and the track's centre line (screen pixels).
  struct Bar {
    float x = 0, width = 0, y = 0;
  };
  const Bar& time_bar() const { return time_bar_; }
  // The heatmap's ramp with values and units, inside the current (legend) window; nothing when off.
  void draw_legend(float scale);
  std::string glyph_text() const;
  bool glyphs_changed() { return std::exchange(glyphs_changed_, false); }  // a message brought new text

 private:
  void refresh();        // rows, charts, KPI after a filter change
  void refresh_scale();  // starts a worker computing the ramp's top when its inputs changed
  void take_scale();
  TimeRange comparison_range() const;

  std::shared_ptr<const services::IncidentLayer> layer_;
  DayAxis axis_;
  analysis::IncidentFilter filter_;
  std::vector<uint32_t> rows_;
  uint64_t revision_ = 0;
  size_t last_year_rows_ = 0;
  bool has_last_year_ = false;
  analysis::WeekHourTable week_hours_{};
  std::vector<analysis::MonthCount> months_;
  std::optional<analysis::IncidentFilter> months_for_;  // the filter (without its range) months_ counts
  std::vector<size_t> category_counts_;
  WeekHourGeometry week_hour_geometry_;
  MonthBarsGeometry month_bars_geometry_;
  Bar time_bar_;

  // Heatmap look.
  bool heatmap_ = false, compare_ = false, lock_scale_ = false, weighted_ = false;
  analysis::Kernel kernel_ = analysis::Kernel::Quartic;
  float radius_ = 100, opacity_ = 0.8f;
  double scale_max_ = 1;
  std::optional<services::HeatmapRequest> scaled_for_;  // what scale_max_ was (or is being) computed for
  std::future<double> scale_job_;

  // Time bar and playback.
  RangeGrab grab_ = RangeGrab::None;
  int grab_day_ = 0;
  std::pair<int, int> grab_range_{0, 0};
  bool playing_ = false;
  int window_days_ = 30, speed_ = 2;  // days per second
  double now_ = 0, play_start_time_ = 0;
  size_t play_start_frame_ = 0;
  int month_drag_from_ = -1;
  bool month_moved_ = false, month_click_clears_ = false;

  // Export.
  std::string export_name_ = "heatmap.tif", export_message_;
  float export_cell_ = 10;
  bool export_error_ = false, export_overwrite_ = false, glyphs_changed_ = false;
};

}  // namespace sitmap::ui
