#include "sitmap/analysis/kpi.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/core/error.hpp"

namespace sitmap::analysis {
namespace {

int64_t t(const char* iso) { return *parse_iso_time(iso); }

TEST(Kpi, ComparedPeriodsAreTheSameLengthJustBeforeAndTheSameDatesAYearEarlier) {
  auto p = compared_periods({t("2026-08-31"), t("2026-11-29")});
  EXPECT_EQ(format_iso_time(p.previous.from), "2026-06-02T00:00:00");
  EXPECT_EQ(p.previous.to, p.current.from);
  EXPECT_EQ(format_iso_time(p.last_year.from), "2025-08-31T00:00:00");
  EXPECT_EQ(format_iso_time(p.last_year.to), "2025-11-29T00:00:00");
  EXPECT_THROW(compared_periods(TimeRange{}), Error);
  EXPECT_THROW(compared_periods({t("2026-08-31"), t("2026-08-31")}), Error);
}

TEST(Kpi, CountsInAPeriodIncludeFromAndExcludeTo) {
  std::vector<int64_t> times = {t("2026-10-31T23:59:59"), t("2026-11-01"), t("2026-11-15"), t("2026-12-01"), kNoTime};
  std::vector<uint8_t> category = {0, 1, 0, 0, 0};
  TimeRange november{t("2026-11-01"), t("2026-12-01")};
  EXPECT_EQ(count_in_range(times, november), 2);
  EXPECT_EQ(count_in_range(times, category, 0, november), 1);
  EXPECT_EQ(count_in_range(times, category, 1, november), 1);
  EXPECT_EQ(count_in_range(times, category, 2, november), 0);
  EXPECT_THROW(count_in_range(times, std::vector<uint8_t>{0}, 0, november), Error);
}

TEST(Kpi, UnitsWithoutRowsIgnoreRowsOutsideThePeriodAndOutsideEveryUnit) {
  std::vector<int64_t> times = {t("2026-11-02"), t("2026-10-02"), t("2026-11-03"), t("2026-11-04")};
  std::vector<int32_t> unit = {0, 1, -1, 3};
  TimeRange november{t("2026-11-01"), t("2026-12-01")};
  EXPECT_EQ(units_without_rows(unit, times, 4, november), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(units_without_rows(unit, times, 4, {t("2026-10-01"), t("2026-11-01")}), (std::vector<uint32_t>{0, 2, 3}));
}

TEST(Kpi, ACaseIsOpenFromItsFindingUntilItIsFixed) {
  std::vector<int64_t> found = {t("2026-01-10"), t("2026-02-01"), t("2026-03-01"), kNoTime};
  std::vector<int64_t> fixed = {t("2026-02-15"), kNoTime, t("2026-03-05"), kNoTime};
  EXPECT_EQ(open_at(found, fixed, t("2026-01-10")), 0);  // found that day: not before the moment
  EXPECT_EQ(open_at(found, fixed, t("2026-02-15")), 2);  // fixed at the moment: still open until then
  EXPECT_EQ(open_at(found, fixed, t("2026-02-16")), 1);
  EXPECT_EQ(open_at(found, fixed, t("2026-03-02")), 2);
  EXPECT_EQ(open_at(found, fixed, t("2026-12-01")), 1);
}

TEST(Kpi, PercentOfNothingIsUnknown) {
  EXPECT_DOUBLE_EQ(percent(182, 189), 100.0 * 182 / 189);
  EXPECT_TRUE(std::isnan(percent(0, 0)));
}

TEST(Kpi, TrailingMonthsEndWithTheMonthOfThePeriodsLastSecondAndKeepEmptyMonths) {
  std::vector<int64_t> times = {t("2025-11-30T23:59:59"), t("2025-12-01"), t("2026-03-15"), t("2026-11-28"),
                                t("2026-11-29"), kNoTime};
  std::vector<uint32_t> rows = {0, 1, 2, 3, 5};  // row 4 not selected
  auto months = trailing_months(times, rows, {t("2026-08-31"), t("2026-12-01")}, 12);
  ASSERT_EQ(months.size(), 12u);
  EXPECT_EQ(months.front().year, 2025);
  EXPECT_EQ(months.front().month, 12);
  EXPECT_EQ(months.back().year, 2026);
  EXPECT_EQ(months.back().month, 11);
  EXPECT_EQ(months[0].count, 1);   // December 2025; November 2025 is outside
  EXPECT_EQ(months[3].count, 1);   // March
  EXPECT_EQ(months[1].count, 0);
  EXPECT_EQ(months[11].count, 1);  // 29 November is not selected
  EXPECT_THROW(trailing_months(times, rows, TimeRange{}, 12), Error);
}

TEST(Kpi, TopUnitsByRateSkipUnknownRatesAndBreakTiesByCount) {
  std::vector<double> rate = {2.0, std::nan(""), 5.0, 2.0, 1.0};
  std::vector<int64_t> count = {4, 99, 10, 6, 1};
  EXPECT_EQ(top_units_by_rate(rate, count, 3), (std::vector<uint32_t>{2, 3, 0}));
  EXPECT_EQ(top_units_by_rate(rate, count, 10).size(), 4u);
}

}  // namespace
}  // namespace sitmap::analysis
