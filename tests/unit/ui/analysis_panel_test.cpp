// The analysis workspace's logic without a display: slider days, chart hit-testing, what clicks do to the
// filter, the KPI line, playback, and the panel's linked results (rows, charts, heatmap parameters, export).
#include "sitmap/ui/analysis_panel.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/ui/dashboard.hpp"
#include "../incident_snapshots.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using analysis::IncidentFilter;
using analysis::MonthCount;

namespace {

int64_t at(const char* iso) { return *parse_iso_time(iso); }

TEST(DayAxis, CoversTheDaysOfTheExtentLastDayIncluded) {
  auto a = ui::DayAxis::of({at("2026-01-01T10:00"), at("2026-01-03T05:00") + 1});
  EXPECT_EQ(a.first, at("2026-01-01"));
  EXPECT_EQ(a.days, 3);
  EXPECT_EQ(a.day_of(at("2026-01-02T23:59:59")), 1);
  EXPECT_EQ(a.day_of(at("2025-06-01")), 0);  // clamped
  EXPECT_EQ(a.day_of(at("2027-06-01")), 2);
  EXPECT_EQ(a.range(0, 0), (TimeRange{at("2026-01-01"), at("2026-01-02")}));
  EXPECT_EQ(a.range(2, 1), (TimeRange{at("2026-01-02"), at("2026-01-04")}));  // either order
  EXPECT_EQ(a.days_of(a.range(1, 2)), std::make_pair(1, 2));
  EXPECT_EQ(a.days_of(TimeRange{}), std::make_pair(0, 2));
  EXPECT_EQ(ui::DayAxis::of(TimeRange{}).days, 0);
  EXPECT_EQ(ui::date_text(at("2026-03-14T18:30")), "2026-03-14");
}

TEST(Workspace, ParsesTheFourNamesAndRejectsOthers) {
  EXPECT_EQ(ui::parse_workspace("overview"), ui::Workspace::Overview);
  EXPECT_EQ(ui::parse_workspace("analysis"), ui::Workspace::Analysis);
  EXPECT_EQ(ui::parse_workspace("planning"), ui::Workspace::Planning);
  EXPECT_EQ(ui::parse_workspace("briefing"), ui::Workspace::Briefing);
  try {
    ui::parse_workspace("Analysis");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'Analysis'"), std::string::npos) << e.what();
  }
}

TEST(TimeBar, PressPicksHandleMiddleOrJumpsTheNearerHandle) {
  EXPECT_EQ(ui::range_grab(103, 100, 200, 8), ui::RangeGrab::From);
  EXPECT_EQ(ui::range_grab(195, 100, 200, 8), ui::RangeGrab::To);
  EXPECT_EQ(ui::range_grab(150, 100, 200, 8), ui::RangeGrab::Both);
  EXPECT_EQ(ui::range_grab(20, 100, 200, 8), ui::RangeGrab::From);
  EXPECT_EQ(ui::range_grab(290, 100, 200, 8), ui::RangeGrab::To);
  EXPECT_EQ(ui::range_grab(98, 100, 100, 8), ui::RangeGrab::From);  // one-day range: the side pressed
  EXPECT_EQ(ui::range_grab(102, 100, 100, 8), ui::RangeGrab::To);
  EXPECT_EQ(ui::day_at(0, 0, 100, 10), 0);
  EXPECT_EQ(ui::day_at(9.99f, 0, 100, 10), 0);
  EXPECT_EQ(ui::day_at(10, 0, 100, 10), 1);
  EXPECT_EQ(ui::day_at(-50, 0, 100, 10), 0);
  EXPECT_EQ(ui::day_at(150, 0, 100, 10), 9);
}

TEST(WeekHourTable, HitTellsCellRowLabelOrColumnLabel) {
  ui::WeekHourGeometry g{10, 20, 40, 20, 10, 12};  // cells start at (50, 40)
  auto h = g.hit(50 + 14 * 10 + 5, 40 + 2 * 12 + 1);
  EXPECT_EQ(h.kind, ui::WeekHourHit::Cell);
  EXPECT_EQ(h.weekday, 2);
  EXPECT_EQ(h.hour, 14);
  h = g.hit(15, 40 + 6 * 12 + 11);
  EXPECT_EQ(h.kind, ui::WeekHourHit::Weekday);
  EXPECT_EQ(h.weekday, 6);
  h = g.hit(50 + 23 * 10 + 9, 25);
  EXPECT_EQ(h.kind, ui::WeekHourHit::Hour);
  EXPECT_EQ(h.hour, 23);
  EXPECT_EQ(g.hit(15, 25).kind, ui::WeekHourHit::None);            // the corner
  EXPECT_EQ(g.hit(50 + 24 * 10, 45).kind, ui::WeekHourHit::None);  // right of the table
  EXPECT_EQ(g.hit(60, 40 + 7 * 12).kind, ui::WeekHourHit::None);   // under it
  EXPECT_EQ(g.hit(5, 45).kind, ui::WeekHourHit::None);             // left of it
}

TEST(WeekHourTable, ClicksSetAndClearTheFilterKeepingTheRest) {
  IncidentFilter f;
  f.range = {at("2026-01-01"), at("2026-02-01")};
  f.categories = 0b101;
  using H = ui::WeekHourHit;
  auto cell = ui::click_week_hour(f, {H::Cell, 2, 14});
  EXPECT_EQ(cell.weekday, 2);
  EXPECT_EQ(cell.hour, 14);
  EXPECT_EQ(cell.range, f.range);
  EXPECT_EQ(cell.categories, f.categories);
  EXPECT_EQ(ui::click_week_hour(cell, {H::Cell, 2, 14}), f);  // again: cleared
  auto row = ui::click_week_hour(cell, {H::Weekday, 2, -1});  // the row of the selected cell: weekday only
  EXPECT_EQ(row.weekday, 2);
  EXPECT_EQ(row.hour, -1);
  EXPECT_EQ(ui::click_week_hour(row, {H::Weekday, 2, -1}), f);
  auto column = ui::click_week_hour(row, {H::Hour, -1, 8});
  EXPECT_EQ(column.weekday, -1);
  EXPECT_EQ(column.hour, 8);
  EXPECT_EQ(ui::click_week_hour(column, {H::Hour, -1, 8}), f);
  EXPECT_EQ(ui::click_week_hour(cell, {H::None, -1, -1}), cell);
}

TEST(MonthBars, BarUnderPointAndMonthRanges) {
  ui::MonthBarsGeometry g{100, 240, 24};  // 10 px per bar
  EXPECT_EQ(g.bar_at(99), -1);
  EXPECT_EQ(g.bar_at(100), 0);
  EXPECT_EQ(g.bar_at(109.9f), 0);
  EXPECT_EQ(g.bar_at(110), 1);
  EXPECT_EQ(g.bar_at(339.9f), 23);
  EXPECT_EQ(g.bar_at(340), -1);
  EXPECT_EQ(ui::month_range(MonthCount{2025, 12, 0}), (TimeRange{at("2025-12-01"), at("2026-01-01")}));
  EXPECT_EQ(ui::months_range(MonthCount{2026, 3, 0}, MonthCount{2025, 11, 0}),
            (TimeRange{at("2025-11-01"), at("2026-04-01")}));
  TimeRange march{at("2026-03-01"), at("2026-04-01")};
  EXPECT_TRUE(ui::overlaps(march, {at("2026-03-31"), at("2026-05-01")}));
  EXPECT_FALSE(ui::overlaps(march, {at("2026-04-01"), at("2026-05-01")}));  // half-open: touching is not
  EXPECT_FALSE(ui::overlaps(march, {at("2026-01-01"), at("2026-03-01")}));
}

TEST(Kpi, CountWithYearOnYearChange) {
  EXPECT_EQ(ui::kpi_text(1234, std::nullopt), "所选时段 1,234 起");
  EXPECT_EQ(ui::kpi_text(1234, 1000), "所选时段 1,234 起 · 同比 +23.4%");
  EXPECT_EQ(ui::kpi_text(90, 120), "所选时段 90 起 · 同比 -25.0%");
  EXPECT_EQ(ui::kpi_text(5, 0), "所选时段 5 起 · 同比 —");
  EXPECT_EQ(ui::kpi_text(1234567, 1234567), "所选时段 1,234,567 起 · 同比 +0.0%");
}

TEST(Playback, FramesAdvanceWithSpeedAndWrap) {
  analysis::Playback pb{{at("2026-01-01"), at("2026-01-11")}, 3 * ui::kDay, ui::kDay};  // 10 frames
  EXPECT_EQ(ui::playback_frame(pb, 0, 0, 2), 0u);
  EXPECT_EQ(ui::playback_frame(pb, 0, 0.49, 2), 0u);
  EXPECT_EQ(ui::playback_frame(pb, 0, 0.5, 2), 1u);
  EXPECT_EQ(ui::playback_frame(pb, 4, 1.0, 4), 8u);
  EXPECT_EQ(ui::playback_frame(pb, 8, 1.0, 4), 2u);  // wrapped
}

using test::incidents;

size_t count_where(const Snapshot& s, TimeRange r) {
  size_t n = 0;
  for (int64_t t : s.time) n += r.contains(t);
  return n;
}

TEST(AnalysisPanel, FilterChangesReachRowsChartsAndKpi) {
  auto snap = incidents(5000);  // 5000 × 7 h: into January 2029
  ui::AnalysisPanel panel;
  panel.set_data(snap);
  ASSERT_TRUE(panel.has_data());
  EXPECT_EQ(panel.rows().size(), 5000u);
  uint64_t rev = panel.revision();

  panel.set_period("2026-03-01..2026-04-01");
  TimeRange march{at("2026-03-01"), at("2026-04-01")};
  EXPECT_EQ(panel.rows().size(), count_where(*snap, march));
  EXPECT_GT(panel.revision(), rev);
  EXPECT_EQ(panel.last_year_count(), count_where(*snap, {at("2025-03-01"), at("2025-04-01")}));
  double in_table = 0;
  for (auto& row : panel.week_hours())
    for (double v : row) in_table += v;
  EXPECT_EQ(in_table, double(panel.rows().size()));
  // The monthly bars ignore the time range: the whole extent stays visible.
  double in_months = 0;
  for (auto& m : panel.months()) in_months += m.count;
  EXPECT_EQ(in_months, 5000);
  EXPECT_EQ(panel.months().front().year, 2025);
  EXPECT_EQ(panel.months().front().month, 1);

  // A weekday × hour cell narrows every view; the rows are exactly those with that time of week.
  IncidentFilter f = panel.filter();
  f.weekday = 0;
  f.hour = 8;
  panel.set_filter(f);
  size_t expected = 0;
  for (int64_t t : snap->time) expected += march.contains(t) && weekday(t) == 0 && hour_of_day(t) == 8;
  EXPECT_EQ(panel.rows().size(), expected);
  for (uint32_t r : panel.rows()) EXPECT_EQ(weekday(snap->time[r]), 0);
  // The hour × weekday table itself still shows the whole week of the period (the cell is highlighted).
  double in_week = 0, in_cell = panel.week_hours()[0][8];
  for (auto& row : panel.week_hours())
    for (double v : row) in_week += v;
  EXPECT_EQ(in_week, double(count_where(*snap, march)));
  EXPECT_EQ(in_cell, double(expected));

  // Severity 3..3 leaves out the row without one; categories by their bit.
  f = {};
  f.min_severity = f.max_severity = 3;
  f.categories = panel.table().category_bit("盗窃");
  panel.set_filter(f);
  for (uint32_t r : panel.rows()) {
    EXPECT_EQ(snap->columns[1].ints[r], 3);
    EXPECT_EQ(snap->columns[0].texts[r], "盗窃");
  }
  EXPECT_FALSE(panel.rows().empty());
}

TEST(AnalysisPanel, HeatmapParamsFollowTheFilterAndCompareWithLastYear) {
  ui::AnalysisPanel panel;
  auto snap = incidents(3000);
  panel.set_data(snap);
  EXPECT_FALSE(panel.heatmap_params());  // off by default
  panel.set_heatmap(true);
  panel.set_period("2026-01-01..2026-02-01");
  panel.wait_for_scale();  // the ramp's top is computed on a worker
  EXPECT_FALSE(panel.scale_busy());
  auto p = panel.heatmap_params();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->filter, panel.filter());
  // The top of the ramp is the selection's peak density, as the service computes it for the same request.
  EXPECT_DOUBLE_EQ(p->scale_max, services::density_peak(services::incident_layer(snap), panel.heatmap_request(1)));
  EXPECT_GT(p->scale_max, 1);
  EXPECT_FALSE(p->minus);
  ASSERT_GE(p->ramp.size(), 2u);
  EXPECT_EQ(p->ramp.front().a, 0);  // transparent at zero: never a wash over the district

  panel.set_compare(true);
  p = panel.heatmap_params();
  ASSERT_TRUE(p && p->minus);
  EXPECT_EQ(p->minus->range, (TimeRange{at("2025-01-01"), at("2025-02-01")}));
  EXPECT_EQ(p->falling.size(), p->ramp.size());
  // Comparison needs a period: with all time selected there is nothing to subtract.
  panel.set_filter({});
  EXPECT_FALSE(panel.heatmap_params()->minus);
}

TEST(AnalysisPanel, PlaybackMovesAWindowThroughTheDaysAndPausesOnATimeClick) {
  ui::AnalysisPanel panel;
  panel.set_data(incidents(3000));  // every 7 h from 2025-01-01 to 2027-05-25
  panel.set_period("2025-02-01..2025-02-08");
  panel.set_playback(7, 2);
  panel.tick(100);
  panel.set_playing(true);
  panel.tick(100);
  EXPECT_EQ(panel.filter().range, (TimeRange{at("2025-02-01"), at("2025-02-08")}));
  panel.tick(102.6);  // 2.6 s at 2 days per second: 5 days on
  EXPECT_EQ(panel.filter().range, (TimeRange{at("2025-02-06"), at("2025-02-13")}));
  size_t rows_in_window = panel.rows().size();
  EXPECT_GT(rows_in_window, 0u);
  panel.set_playing(false);
  panel.tick(110);
  EXPECT_EQ(panel.filter().range, (TimeRange{at("2025-02-06"), at("2025-02-13")}));
  // Started near the end, playback rewinds to the first day.
  panel.set_period("2027-05-22..2027-05-26");
  panel.set_playing(true);
  panel.tick(110);
  EXPECT_EQ(panel.filter().range, (TimeRange{at("2025-01-01"), at("2025-01-08")}));
}

class PanelExport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sitmap_ui_panel_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PanelExport, SurfaceHoldsTheSelectedCountAndIsWrittenAsGeoTiff) {
  ui::AnalysisPanel panel;
  panel.set_data(incidents(2000));
  panel.set_period("2025-06-01..2025-09-01");
  auto d = panel.surface(10).density;
  EXPECT_EQ(d.points_in_grid, int64_t(panel.rows().size()));
  EXPECT_NEAR(d.integral(), double(panel.rows().size()), 1e-3 * panel.rows().size());

  fs::path out = dir_ / "heat.tif";
  std::string msg = panel.export_surface(out, 10, false);
  EXPECT_TRUE(fs::exists(out));
  EXPECT_GT(fs::file_size(out), 0u);
  EXPECT_NE(msg.find(out.string()), std::string::npos) << msg;
  // Exists already: refused unless overwriting, naming the file.
  try {
    panel.export_surface(out, 10, false);
    FAIL() << "overwrote without asking";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("heat.tif"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(panel.export_surface(out, 10, true));
  EXPECT_THROW(panel.export_surface(dir_ / "no" / "such" / "dir.tif", 10, false), Error);
  EXPECT_THROW(panel.surface(0), Error);
}

TEST(AnalysisPanel, WithoutIncidentsShowsNothingAndRefusesExport) {
  ui::AnalysisPanel panel;
  EXPECT_FALSE(panel.has_data());
  EXPECT_FALSE(panel.heatmap_params());
  EXPECT_THROW(panel.surface(10), Error);
  panel.set_data(incidents(0));
  EXPECT_FALSE(panel.has_data());
  EXPECT_THROW(panel.set_period("last-7-days"), Error);
}

}  // namespace
