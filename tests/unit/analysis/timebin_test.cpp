#include "sitmap/analysis/timebin.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/core/error.hpp"

namespace sitmap::analysis {
namespace {

int64_t t(const char* iso) { return *parse_iso_time(iso); }

TEST(TimeFilter, FromIsIncludedAndToIsExcluded) {
  std::vector<int64_t> times = {t("2026-10-31T23:59:59"), t("2026-11-01T00:00:00"), t("2026-11-15T12:00:00"),
                                t("2026-11-30T23:59:59"), t("2026-12-01T00:00:00"), kNoTime};
  TimeRange november{t("2026-11-01"), t("2026-12-01")};
  EXPECT_EQ(rows_in_range(times, november), (std::vector<uint32_t>{1, 2, 3}));
  // Consecutive months share a boundary and never count an incident twice.
  TimeRange december{t("2026-12-01"), t("2027-01-01")};
  EXPECT_EQ(rows_in_range(times, december), (std::vector<uint32_t>{4}));
  // Rows without a time: only in the unbounded range, not in half-bounded ones.
  EXPECT_EQ(rows_in_range(times, TimeRange{}).size(), 6u);
  TimeRange until;
  until.to = t("2026-11-01");
  EXPECT_EQ(rows_in_range(times, until), (std::vector<uint32_t>{0}));
  EXPECT_TRUE(rows_in_range(times, TimeRange{t("2026-11-01"), t("2026-11-01")}).empty());
}

TEST(TimePresets, AreRelativeToTheGivenNowAndIncludeTheWholeDay) {
  int64_t now = t("2026-11-28T16:40:00");
  TimeRange week = preset_range(TimePreset::Last7Days, now);
  EXPECT_EQ(format_iso_time(week.from), "2026-11-22T00:00:00");
  EXPECT_EQ(format_iso_time(week.to), "2026-11-29T00:00:00");
  EXPECT_EQ(format_iso_time(preset_range(TimePreset::Last30Days, now).from), "2026-10-30T00:00:00");
  EXPECT_EQ(format_iso_time(preset_range(TimePreset::Last90Days, now).from), "2026-08-31T00:00:00");
  TimeRange year = preset_range(TimePreset::ThisYear, now);
  EXPECT_EQ(format_iso_time(year.from), "2026-01-01T00:00:00");
  EXPECT_EQ(format_iso_time(year.to), "2026-11-29T00:00:00");
  EXPECT_EQ(parse_time_preset("last-30-days"), TimePreset::Last30Days);
  EXPECT_FALSE(parse_time_preset("last-month"));
}

TEST(TimePresets, SamePeriodLastYear) {
  TimeRange r = same_period_last_year({t("2026-01-01"), t("2026-11-29")});
  EXPECT_EQ(format_iso_time(r.from), "2025-01-01T00:00:00");
  EXPECT_EQ(format_iso_time(r.to), "2025-11-29T00:00:00");
  TimeRange leap = same_period_last_year({t("2024-02-29T08:30:00"), t("2024-03-10")});
  EXPECT_EQ(format_iso_time(leap.from), "2023-02-28T08:30:00");
  EXPECT_EQ(format_iso_time(leap.to), "2023-03-10T00:00:00");
  TimeRange open = same_period_last_year(TimeRange{});
  EXPECT_EQ(open.from, INT64_MIN);
  EXPECT_EQ(open.to, INT64_MAX);
}

TEST(TimeBins, HourOfDayByDayOfWeek) {
  // 2026-11-28 is a Saturday (index 5, Monday = 0); 2026-11-30 a Monday.
  std::vector<int64_t> times = {t("2026-11-28T16:40:00"), t("2026-11-28T16:59:59"), t("2026-11-30T00:00:00"),
                                t("2026-11-29T23:30:00"), kNoTime};
  std::vector<uint32_t> all = {0, 1, 2, 3, 4};
  auto table = hour_weekday_table(times, all);
  EXPECT_EQ(table[5][16], 2);
  EXPECT_EQ(table[0][0], 1);
  EXPECT_EQ(table[6][23], 1);
  double total = 0;
  for (auto& day : table)
    for (double v : day) total += v;
  EXPECT_EQ(total, 4);
  std::vector<double> w = {2, 3, 1, 1, 1};
  EXPECT_EQ(hour_weekday_table(times, all, w)[5][16], 5);
  EXPECT_EQ(hour_weekday_table(times, std::vector<uint32_t>{2})[5][16], 0);
}

TEST(TimeBins, MonthlySeriesIncludesEmptyMonths) {
  std::vector<int64_t> times = {t("2025-12-31T23:59:59"), t("2026-01-01"), t("2026-03-15"), t("2026-03-31T23:00:00")};
  auto s = monthly_series(times, std::vector<uint32_t>{0, 1, 2, 3});
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].year, 2025);
  EXPECT_EQ(s[0].month, 12);
  EXPECT_EQ(s[0].count, 1);
  EXPECT_EQ(s[1].month, 1);
  EXPECT_EQ(s[1].count, 1);
  EXPECT_EQ(s[2].month, 2);
  EXPECT_EQ(s[2].count, 0);
  EXPECT_EQ(s[3].month, 3);
  EXPECT_EQ(s[3].count, 2);
  EXPECT_TRUE(monthly_series(times, std::vector<uint32_t>{}).empty());
}

TEST(PeriodComparison, CountsPerUnitAndChange) {
  std::vector<int64_t> times = {t("2025-06-01"), t("2025-06-02"), t("2026-06-01"), t("2026-06-01"),
                                t("2026-06-01"), t("2026-07-01"), t("2025-06-05")};
  std::vector<int32_t> unit = {0, 0, 0, 1, 1, 0, -1};
  TimeRange after{t("2026-06-01"), t("2026-07-01")};  // the July incident is excluded: [from, to)
  auto c = compare_periods(unit, times, 3, same_period_last_year(after), after);
  EXPECT_EQ(c[0].before, 2);
  EXPECT_EQ(c[0].after, 1);
  EXPECT_EQ(c[0].change, -1);
  EXPECT_DOUBLE_EQ(c[0].percent, -50);
  EXPECT_EQ(c[1].before, 0);
  EXPECT_EQ(c[1].after, 2);
  EXPECT_TRUE(std::isnan(c[1].percent));
  EXPECT_EQ(c[2].before + c[2].after, 0);
  EXPECT_THROW(compare_periods(std::vector<int32_t>{0}, times, 3, after, after), Error);
}

}  // namespace
}  // namespace sitmap::analysis
