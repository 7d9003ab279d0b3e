#include "sitmap/analysis/filter.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/random.hpp"

using namespace sitmap;
using namespace sitmap::analysis;

namespace {

int64_t at(const char* iso) { return *parse_iso_time(iso); }

const double kNaN = std::nan("");

// Five incidents: a burglary at midnight Monday, a fraud with no time, a fight with no category, ...
struct Fixture {
  std::vector<int64_t> times{at("2026-11-30T00:00:00"), INT64_MIN, at("2026-11-30T23:59:59"),
                             at("2026-12-01T00:00:00"), at("2026-12-06T13:30:00")};
  std::vector<std::string> categories{"入室盗窃", "电信诈骗", "", "入室盗窃", "纠纷"};
  std::vector<uint8_t> valid{1, 1, 0, 1, 1};
  std::vector<double> severity{3, 1, kNaN, 5, 2};
  IncidentTable table = IncidentTable::build(times, categories, valid, severity);
};

}  // namespace

TEST(IncidentTable, NamesCategoriesAndSplitsTimes) {
  Fixture f;
  const auto& t = f.table;
  ASSERT_EQ(t.size(), 5u);
  // Sorted by UTF-8 bytes: 入 (E5 85 A5) < 电 (E7 94 B5) < 纠 (E7 BA A0).
  EXPECT_EQ(t.category_names, (std::vector<std::string>{"入室盗窃", "电信诈骗", "纠纷"}));
  EXPECT_EQ(t.category, (std::vector<uint8_t>{0, 1, kNoCategory, 0, 2}));
  EXPECT_EQ(t.severity, (std::vector<int32_t>{3, 1, kNoSeverity, 5, 2}));
  // Weekdays 0, -, 0, 1, 6 and hours 0, -, 23, 0, 13; a row without a time is in no cell.
  IncidentFilter monday;
  monday.weekday = 0;
  EXPECT_EQ(select_rows(t, monday), (std::vector<uint32_t>{0, 2}));
  IncidentFilter at_23;
  at_23.hour = 23;
  EXPECT_EQ(select_rows(t, at_23), (std::vector<uint32_t>{2}));
  IncidentFilter sunday_13;
  sunday_13.weekday = 6;
  sunday_13.hour = 13;
  EXPECT_EQ(select_rows(t, sunday_13), (std::vector<uint32_t>{4}));
  EXPECT_EQ(t.extent.from, at("2026-11-30T00:00:00"));
  EXPECT_EQ(t.extent.to, at("2026-12-06T13:30:00") + 1);  // half-open: the last incident is inside
  EXPECT_EQ(t.category_bit("纠纷"), uint64_t{4});
  EXPECT_EQ(t.category_bit("火灾"), uint64_t{0});
}

TEST(IncidentTable, RefusesBadColumns) {
  std::vector<int64_t> times{0, 1};
  std::vector<std::string> cats{"a", "b"};
  std::vector<uint8_t> valid{1, 1};
  try {
    IncidentTable::build(times, cats, valid, std::vector<double>{1, 2.5});
    FAIL() << "a fractional severity was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(IncidentTable::build(times, cats, std::vector<uint8_t>{1}, {}), Error);
  std::vector<int64_t> many(kMaxCategories + 1, 0);
  std::vector<std::string> names;
  for (size_t i = 0; i < many.size(); ++i) names.push_back("c" + std::to_string(i));
  EXPECT_THROW(IncidentTable::build(many, names, std::vector<uint8_t>(many.size(), 1), {}), Error);
  // Exactly the limit is fine.
  many.pop_back();
  names.pop_back();
  EXPECT_EQ(IncidentTable::build(many, names, std::vector<uint8_t>(many.size(), 1), {}).category_names.size(),
            kMaxCategories);
}

// Without times (a selection that names none reads none), rows filter by category and severity as before;
// a period or a cell of the hour × weekday table passes none of them, as it passes no row without a time.
TEST(IncidentTable, WithoutTimesRowsAreTheRowsWithoutATime) {
  Fixture f;
  auto t = IncidentTable::build_untimed(5, f.categories, f.valid, f.severity);
  EXPECT_EQ(t.size(), 5u);
  EXPECT_TRUE(t.times.empty());
  EXPECT_FALSE(t.extent.bounded());
  EXPECT_EQ(t.category, f.table.category);
  EXPECT_EQ(select_rows(t, IncidentFilter{}).size(), 5u);
  IncidentFilter burglary;
  burglary.categories = t.category_bit("入室盗窃");
  EXPECT_EQ(select_rows(t, burglary), select_rows(f.table, burglary));
  IncidentFilter period;
  period.range = {at("2026-11-01T00:00:00"), at("2027-01-01T00:00:00")};
  EXPECT_TRUE(select_rows(t, period).empty());
  IncidentFilter monday;
  monday.weekday = 0;
  EXPECT_TRUE(select_rows(t, monday).empty());
  EXPECT_THROW(IncidentTable::build_untimed(4, f.categories, f.valid, f.severity), Error);
}

TEST(IncidentFilter, EmptyFilterKeepsEveryRow) {
  Fixture f;
  EXPECT_EQ(select_rows(f.table, {}), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
}

TEST(IncidentFilter, TimeRangeIsHalfOpenAndDropsRowsWithoutTime) {
  Fixture f;
  IncidentFilter day;
  day.range = {at("2026-11-30T00:00:00"), at("2026-12-01T00:00:00")};
  // The incident at exactly `from` is in, the one at exactly `to` is out, the one without a time is out.
  EXPECT_EQ(select_rows(f.table, day), (std::vector<uint32_t>{0, 2}));
  IncidentFilter open_start;
  open_start.range.to = at("2026-12-01T00:00:00");  // bounded at one end: rows without a time fail
  EXPECT_EQ(select_rows(f.table, open_start), (std::vector<uint32_t>{0, 2}));
}

TEST(IncidentFilter, CategoriesSeverityAndCells) {
  Fixture f;
  IncidentFilter burglary;
  burglary.categories = f.table.category_bit("入室盗窃");
  EXPECT_EQ(select_rows(f.table, burglary), (std::vector<uint32_t>{0, 2, 3}));  // row 2 has no category: kept

  IncidentFilter severe;
  severe.min_severity = 2;
  severe.max_severity = 3;  // inclusive at both ends; row 2 has no severity: dropped once bounded
  EXPECT_EQ(select_rows(f.table, severe), (std::vector<uint32_t>{0, 4}));

  IncidentFilter monday;
  monday.weekday = 0;
  EXPECT_EQ(select_rows(f.table, monday), (std::vector<uint32_t>{0, 2}));
  IncidentFilter midnight;
  midnight.hour = 0;
  EXPECT_EQ(select_rows(f.table, midnight), (std::vector<uint32_t>{0, 3}));
  midnight.weekday = 1;
  EXPECT_EQ(select_rows(f.table, midnight), (std::vector<uint32_t>{3}));

  IncidentFilter none;
  none.categories = 0;
  EXPECT_EQ(select_rows(f.table, none), (std::vector<uint32_t>{2}));
}

// Each cell of the hour × weekday table (timebin's own arithmetic) holds exactly the rows that the filter
// keeps for that weekday and hour: the chart and the map it filters agree.
TEST(IncidentFilter, CellsAgreeWithTheHourWeekdayTable) {
  Random rng(7);
  std::vector<int64_t> times(5000);
  int64_t start = at("2025-01-01T00:00:00");
  for (auto& t : times) t = start + rng.integer(0, 2 * 365 * 86400);
  times[17] = INT64_MIN;
  auto table = IncidentTable::build(times, {}, {}, {});
  std::vector<uint32_t> all = select_rows(table, {});
  WeekHourTable counts = hour_weekday_table(times, all);
  size_t total = 0;
  for (int d = 0; d < 7; ++d)
    for (int h = 0; h < 24; ++h) {
      IncidentFilter cell;
      cell.weekday = d;
      cell.hour = h;
      size_t n = select_rows(table, cell).size();
      EXPECT_EQ(double(n), counts[d][h]) << "weekday " << d << " hour " << h;
      total += n;
    }
  EXPECT_EQ(total, times.size() - 1);  // every timed row in exactly one cell
}

TEST(Playback, WindowsStepThroughTheExtent) {
  Playback p{{1000, 1000 + 10 * 86400}, 3 * 86400, 86400};
  ASSERT_EQ(p.frames(), 10u);
  EXPECT_EQ(p.frame(0).from, 1000);
  EXPECT_EQ(p.frame(0).to, 1000 + 3 * 86400);
  EXPECT_EQ(p.frame(9).from, 1000 + 9 * 86400);  // the last window starts inside the extent
  Playback one{{0, 1}, 86400, 86400};
  EXPECT_EQ(one.frames(), 1u);
  EXPECT_THROW((Playback{{0, 100}, 0, 1}.frames()), Error);
  EXPECT_THROW((Playback{{0, 100}, 10, -1}.frames()), Error);
  EXPECT_THROW((Playback{{}, 10, 10}.frames()), Error);
}
