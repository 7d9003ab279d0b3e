// The case tables (#14): numbers issued per year, events append-only, origins unique, attachments by hash.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sitmap/core/error.hpp"
#include "sitmap/store/store.hpp"
#include "store_fixture.hpp"

namespace sitmap::store {
namespace {

using CasesStoreTest = test::StoreDirTest;

TEST_F(CasesStoreTest, NumbersAreSerialWithinTheYearOfReception) {
  auto store = open_spatialite(path("c.sqlite"), OpenMode::Create);
  std::vector<CaseRecord> made;
  store->write([&](Writer& w) {
    made.push_back(w.insert_case({0, "", "2025-12-31T23:00:00", ""}));
    made.push_back(w.insert_case({0, "", "2026-01-01T08:00:00", ""}));
    made.push_back(w.insert_case({0, "", "2026-01-02T08:00:00", "city:A1"}));
  });
  EXPECT_EQ(made[0].number, "2025-000001");
  EXPECT_EQ(made[1].number, "2026-000001");
  EXPECT_EQ(made[2].number, "2026-000002");
  ASSERT_EQ(store->cases().size(), 3u);
  EXPECT_EQ(store->cases()[2].origin, "city:A1");
  EXPECT_THROW(store->write([](Writer& w) { w.insert_case({0, "", "2026-01-03T08:00:00", "city:A1"}); }), Error);
  EXPECT_EQ(store->cases().size(), 3u);
}

TEST_F(CasesStoreTest, EventsCannotBeChangedOrDeletedBehindTheStore) {
  auto file = path("c.sqlite");
  {
    auto store = open_spatialite(file, OpenMode::Create);
    store->write([](Writer& w) {
      auto c = w.insert_case({0, "", "2026-03-01T09:00:00", ""});
      w.append_case_event({0, c.id, "2026-03-01T09:00:00", "duty", "受理", R"({"category":"信访"})", ""});
      w.append_case_event({0, c.id, "2026-03-02T09:00:00", "duty", "分流", "{}", "to 司法所"});
    });
    EXPECT_THROW(store->write([](Writer& w) { w.append_case_event({0, 99, "2026-03-02T09:00:00", "duty", "分流", "", ""}); }),
                 Error);
    auto events = store->case_events(1);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].note, "to 司法所");
    EXPECT_LT(events[0].seq, events[1].seq);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE case_events SET kind = '归档'", "DELETE FROM case_events", "UPDATE cases SET number = 'x'",
                          "DELETE FROM cases"})
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  sqlite3_close(db);
  EXPECT_EQ(open_spatialite(file, OpenMode::ReadOnly)->case_events().size(), 2u);
}

TEST_F(CasesStoreTest, AttachmentsReportersAndDeadlines) {
  auto store = open_spatialite(path("c.sqlite"), OpenMode::Create);
  store->write([](Writer& w) {
    auto c = w.insert_case({0, "", "2026-03-01T09:00:00", ""});
    w.put_attachment({"ab12", "letter.pdf", "application/pdf", {0, 1, 2, 255}});
    w.put_attachment({"ab12", "again.pdf", "application/pdf", {9}});  // same hash: kept once, the first
    w.put_case_reporter({c.id, {7, 8, 9}});
    w.set_case_deadline_days("信访", 45);
  });
  auto a = store->attachment("ab12");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "letter.pdf");
  EXPECT_EQ(a->bytes, (std::vector<uint8_t>{0, 1, 2, 255}));
  EXPECT_FALSE(store->attachment("ffff"));
  EXPECT_EQ(store->case_reporter(1)->sealed, (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_FALSE(store->case_reporter(2));
  auto days = store->case_deadline_days();
  auto petition = std::find_if(days.begin(), days.end(), [](auto& d) { return d.first == "信访"; });
  ASSERT_NE(petition, days.end());
  EXPECT_EQ(petition->second, 45);
  EXPECT_THROW(store->write([](Writer& w) { w.set_case_deadline_days("其他", 0); }), Error);
}

}  // namespace
}  // namespace sitmap::store
