// The selection every analysis action shares: text options parsed into the one incident filter, the layer's
// attributes prepared once, and the same period a year earlier.
#include "sitmap/services/selection.hpp"

#include <gtest/gtest.h>

#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/services/heatmap.hpp"
#include "../incident_snapshots.hpp"

using namespace sitmap;

namespace {

int64_t at(const char* iso) { return *parse_iso_time(iso); }

TEST(Period, PresetsEndWithTheDayOfTheLatestIncident) {
  int64_t last = at("2026-11-28T15:00");
  EXPECT_EQ(services::parse_period("last-7-days", last), (TimeRange{at("2026-11-22"), at("2026-11-29")}));
  EXPECT_EQ(services::parse_period("this-year", last), (TimeRange{at("2026-01-01"), at("2026-11-29")}));
  EXPECT_EQ(services::parse_period("2026-01-01..2026-04-01", last),
            (TimeRange{at("2026-01-01"), at("2026-04-01")}));
}

TEST(Period, RejectsBadTextNamingIt) {
  for (const char* bad : {"last-8-days", "2026-04-01..2026-01-01", "2026-01-01..", "yesterday"}) {
    try {
      services::parse_period(bad, at("2026-11-28"));
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(HourWeekday, ParsesDayOneToSevenAndHourWithWildcards) {
  EXPECT_EQ(services::parse_hour_weekday("1:0"), std::make_pair(0, 0));
  EXPECT_EQ(services::parse_hour_weekday("7:23"), std::make_pair(6, 23));
  EXPECT_EQ(services::parse_hour_weekday("5:*"), std::make_pair(4, -1));
  EXPECT_EQ(services::parse_hour_weekday("*:8"), std::make_pair(-1, 8));
  for (const char* bad : {"0:8", "8:1", "3:24", "*:*", "3", "3:", ":4", "a:b", "3:-1", "3:100"}) {
    try {
      services::parse_hour_weekday(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(Selection, TextOptionsBecomeTheWindowsFilter) {
  auto layer = services::incident_layer(test::incidents(3000));
  services::SelectionText t;
  t.period = "last-30-days";  // ends with the day of the layer's latest incident, as the window's preset
  t.categories = {"盗窃"};
  t.severity = "2-4";
  t.hour_weekday = "6:*";
  auto f = services::parse_selection(layer, t);
  int64_t last = layer.table.extent.to - 1;
  EXPECT_EQ(f.range, services::parse_period("last-30-days", last));
  EXPECT_EQ(f.categories, layer.table.category_bit("盗窃"));
  EXPECT_EQ(f.min_severity, 2);
  EXPECT_EQ(f.max_severity, 4);
  EXPECT_EQ(f.weekday, 5);
  EXPECT_EQ(f.hour, -1);
  auto rows = services::select(layer, f);
  ASSERT_FALSE(rows.empty());
  for (uint32_t r : rows) {
    EXPECT_TRUE(f.range.contains(layer.table.times[r]));
    EXPECT_EQ(weekday(layer.table.times[r]), 5);
    EXPECT_GE(layer.table.severity[r], 2);
    EXPECT_LE(layer.table.severity[r], 4);
  }

  t = {};
  t.from = "2026-01-01";
  t.to = "2026-02-01";
  t.last_year = true;
  EXPECT_EQ(services::parse_selection(layer, t).range, (TimeRange{at("2025-01-01"), at("2025-02-01")}));
}

TEST(Selection, BadOptionsAreRefusedNamingTheOption) {
  auto layer = services::incident_layer(test::incidents(300));
  auto refused = [&](services::SelectionText t, const std::string& option, ErrorKind kind) {
    try {
      services::parse_selection(layer, t);
      ADD_FAILURE() << "accepted " << option;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(option), std::string::npos) << e.what();
    }
  };
  services::SelectionText t;
  t.categories = {"盗窃案"};  // misspelt: would select nothing
  refused(t, "--category", ErrorKind::NotFound);
  t = {};
  t.severity = "4-2";
  refused(t, "--severity", ErrorKind::BadInput);
  t = {};
  t.hour_weekday = "8:1";
  refused(t, "hour-weekday", ErrorKind::BadInput);
  t = {};
  t.from = "yesterday";
  refused(t, "--from", ErrorKind::BadInput);
  t = {};
  t.period = "last-30-days";
  t.from = "2026-01-01";
  refused(t, "--period", ErrorKind::BadInput);
  t = {};
  t.from = "2026-02-01";
  t.to = "2026-01-01";
  refused(t, "--from", ErrorKind::BadInput);
}

TEST(Selection, AFractionalSeverityStillWeightsButCannotBeFilteredOn) {
  auto snap = test::incidents(50);
  auto& sev = snap->columns[1];
  sev.def.type = FieldType::Real;
  sev.reals.assign(snap->size(), 2.0);
  sev.reals[7] = 2.5;
  auto layer = services::incident_layer(snap);
  EXPECT_EQ(layer.severity.size(), snap->size());
  EXPECT_NE(layer.unusable_severity.find("feature 8"), std::string::npos) << layer.unusable_severity;
  services::SelectionText t;
  t.severity = "2";
  try {
    services::parse_selection(layer, t);
    FAIL() << "filtered on a fraction";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a whole number"), std::string::npos) << e.what();
  }
}

TEST(DensityPeak, ScalesWithTheSelectionAndVanishesForEqualPeriods) {
  auto layer = services::incident_layer(test::incidents(3000));
  services::HeatmapRequest r;
  r.radius_m = 100;
  r.filter.range = {at("2026-01-01"), at("2026-02-01")};
  double jan = services::density_peak(layer, r);
  EXPECT_GT(jan, 0);
  r.filter.range = {at("2026-01-01"), at("2026-03-01")};
  EXPECT_GT(services::density_peak(layer, r), jan);
  // The comparison's peak is the largest absolute change; a period against an empty one is the period itself.
  r.filter.range = {at("2026-01-01"), at("2026-02-01")};
  r.compare_last_year = true;
  auto before = services::same_period_last_year(r.filter);
  ASSERT_FALSE(services::select(layer, before).empty());
  EXPECT_GT(services::density_peak(layer, r), 0);
  r.filter.range = {at("2030-01-01"), at("2030-02-01")};  // nothing then, nothing a year before
  EXPECT_EQ(services::density_peak(layer, r), 0);
  r.filter.range = {};
  EXPECT_THROW(services::density_peak(layer, r), Error);  // a comparison needs a bounded period
}

}  // namespace
