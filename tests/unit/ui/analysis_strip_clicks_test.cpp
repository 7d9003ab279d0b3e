// Clicks on the analysis strip's charts driven through real ImGui frames, without a display: ImGui builds its
// draw lists without a renderer, so a click at a cell's centre goes through the same widgets a user's does.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>

#include "sitmap/geo/proj.hpp"
#include "sitmap/ui/analysis_panel.hpp"

using namespace sitmap;

namespace {

// Incidents every 5 hours through 2025 and the first months of 2026.
std::shared_ptr<Snapshot> incidents() {
  auto s = std::make_shared<Snapshot>();
  s->info.name = "incidents";
  for (int i = 0; i < 2500; ++i) {
    XY m = geo::to_web_mercator(XY{121.465 + (i % 11) * 1e-4, 31.22 + (i % 13) * 1e-4});
    s->ids.push_back(i + 1);
    s->lon.push_back(121.465 + (i % 11) * 1e-4);
    s->lat.push_back(31.22 + (i % 13) * 1e-4);
    s->x.push_back(m.x);
    s->y.push_back(m.y);
    s->time.push_back(*parse_iso_time("2025-01-01") + int64_t(i) * 5 * 3600);
  }
  return s;
}

class StripClicks : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1400, 400};
    io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);  // builds the atlas NewFrame needs
    panel_.set_data(incidents());
    frame(-1, -1, false);  // lays the strip out
  }
  void TearDown() override { ImGui::DestroyContext(context_); }

  // One frame with the mouse at (x, y) and the left button down or up: the strip, and the controls beside it.
  void frame(float x, float y, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60;
    io.MousePos = {x, y};
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize({1000, 260});
    ImGui::Begin("strip", nullptr, ImGuiWindowFlags_NoDecoration);
    panel_.draw_strip(1);
    ImGui::End();
    ImGui::SetNextWindowPos({0, 300});
    ImGui::SetNextWindowSize({1400, 500});  // about 2.6 px per day of the time bar
    ImGui::Begin("controls", nullptr, ImGuiWindowFlags_NoDecoration);
    panel_.draw_controls(1, nullptr);
    ImGui::End();
    ImGui::EndFrame();
  }
  void drag(float x0, float x1, float y) {
    frame(x0, y, false);
    frame(x0, y, true);
    frame((x0 + x1) / 2, y, true);
    frame(x1, y, true);
    frame(x1, y, false);
  }
  // A whole pixel (ImGui floors the mouse position) inside slider day `day`, or at the start of that day.
  float day_x(int day, float within = 0.3f) const {
    const auto& b = panel_.time_bar();
    return std::ceil(b.x + b.width * (float(day) + within) / float(ui::DayAxis::of(panel_.table().extent).days));
  }
  void click(float x, float y) {
    frame(x, y, false);
    frame(x, y, true);
    frame(x, y, false);
  }
  float bar_x(size_t i) const {
    const auto& b = panel_.month_bars_geometry();
    return b.x + (float(i) + 0.5f) * b.width / float(b.bars);
  }

  ImGuiContext* context_ = nullptr;
  ui::AnalysisPanel panel_;
};

TEST_F(StripClicks, CellWeekdayAndHourClicksFilterAndASecondClickClears) {
  const auto& g = panel_.week_hour_geometry();
  ASSERT_GT(g.cell_w, 4);
  ASSERT_GT(g.cell_h, 4);
  click(g.cell_x(14) + g.cell_w / 2, g.cell_y(2) + g.cell_h / 2);
  EXPECT_EQ(panel_.filter().weekday, 2);
  EXPECT_EQ(panel_.filter().hour, 14);
  for (uint32_t r : panel_.rows()) EXPECT_EQ(hour_of_day(panel_.table().times[r]), 14);
  click(g.cell_x(14) + g.cell_w / 2, g.cell_y(2) + g.cell_h / 2);
  EXPECT_TRUE(panel_.filter().passes_everything());
  click(g.x + 2, g.cell_y(5) + g.cell_h / 2);  // the 周六 label
  EXPECT_EQ(panel_.filter().weekday, 5);
  EXPECT_EQ(panel_.filter().hour, -1);
  click(g.cell_x(8) + g.cell_w / 2, g.y + 2);  // the hour labels' row above 8 h
  EXPECT_EQ(panel_.filter().weekday, -1);
  EXPECT_EQ(panel_.filter().hour, 8);
}

TEST_F(StripClicks, MonthClickSetsThatMonthDragSelectsARangeSecondClickClears) {
  const auto& b = panel_.month_bars_geometry();
  ASSERT_EQ(b.bars, panel_.months().size());
  ASSERT_GE(b.bars, 8u);
  float y = panel_.week_hour_geometry().cell_y(3);  // inside the bars' height
  click(bar_x(3), y);
  EXPECT_EQ(panel_.filter().range, ui::month_range(panel_.months()[3]));
  click(bar_x(3), y);
  EXPECT_EQ(panel_.filter().range, TimeRange{});
  frame(bar_x(6), y, false);
  frame(bar_x(6), y, true);
  frame(bar_x(4), y, true);
  frame(bar_x(2), y, true);
  frame(bar_x(2), y, false);
  EXPECT_EQ(panel_.filter().range, ui::months_range(panel_.months()[2], panel_.months()[6]));
  // The bars still show every month: the range does not empty its own chart.
  EXPECT_EQ(panel_.months().size(), b.bars);
}

TEST_F(StripClicks, TimeBarHandlesMoveOneEndAndTheMiddleMovesTheWholePeriod) {
  auto axis = ui::DayAxis::of(panel_.table().extent);
  ASSERT_GT(axis.days, 400);
  panel_.set_filter([&] {
    analysis::IncidentFilter f;
    f.range = axis.range(100, 129);
    return f;
  }());
  frame(-1, -1, false);
  const auto& bar = panel_.time_bar();
  ASSERT_GT(bar.width, 300);
  // The middle of the period, dragged by 50 days: the same 30 days later.
  drag(day_x(115), day_x(165), bar.y);
  EXPECT_EQ(panel_.filter().range, axis.range(150, 179));
  // The right handle (the end of day 179) dragged to day 249: only the end moves.
  drag(day_x(180, 0), day_x(249), bar.y);
  EXPECT_EQ(panel_.filter().range, axis.range(150, 249));
  // A press left of the period jumps the start handle there.
  drag(day_x(20), day_x(20), bar.y);
  EXPECT_EQ(panel_.filter().range, axis.range(20, 249));
  EXPECT_EQ(panel_.rows().size(), analysis::select_rows(panel_.table(), panel_.filter()).size());
}

}  // namespace
