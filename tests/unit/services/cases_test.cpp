// Cases (#14) on the demo district: the status flow and its refusals, deadlines and automatic 督办, the
// append-only history, attachments by hash, geocoding of door plates, duplicates, and who meets the reporters.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "../io/io_fixtures.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/services/cases.hpp"

using namespace sitmap;
using services::CaseChange;
using services::NewCase;
namespace fs = std::filesystem;

namespace {

// One small demo district for the whole binary, copied for each test, removed at exit.
fs::path demo_file() {
  struct Demo {
    fs::path file = fs::temp_directory_path() / ("sitmap_cases_demo_" + std::to_string(::getpid()) + ".sqlite");
    Demo() {
      fs::remove(file);
      io::DemoOptions small;
      small.incidents = 500;
      io::write_demo_district(file, small, false);
    }
    ~Demo() { fs::remove(file); }
  };
  static Demo demo;
  return demo.file;
}

class Cases : public io::test::IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    fs::copy_file(demo_file(), path("ws.sqlite"));
    key_ = access::DataKey::generate();
    duty_ = as(access::Role::Duty, key_);
  }
  // `key`: the workspace's data key, as a signed-in holder has it opened.
  std::unique_ptr<services::Workspace> as(access::Role role, std::shared_ptr<const access::DataKey> key = nullptr) {
    return std::make_unique<services::Workspace>(store::open_spatialite(path("ws.sqlite"), store::OpenMode::ReadWrite),
                                                 access::Principal{access::role_name(role), role, true}, key);
  }
  services::Case add(const std::string& category = "矛盾纠纷", const std::string& at = "2026-03-01T09:00:00") {
    NewCase c;
    c.channel = "来访";
    c.category = category;
    c.address = "思南路 82 弄 1 号";
    c.received_at = at;
    c.reporter = services::CaseReporter{"王阿姨", "13900001111"};
    return services::add_case(*duty_, c).added;
  }
  services::Case step(const std::string& ref, const std::string& kind, const std::string& at,
                      const std::string& department = "") {
    CaseChange ch;
    ch.ref = ref;
    ch.kind = kind;
    ch.at = at;
    ch.department = department;
    return services::change_case(*duty_, ch);
  }
  size_t events() { return duty_->store().case_events().size(); }
  std::shared_ptr<const access::DataKey> key_;
  std::unique_ptr<services::Workspace> duty_;
};

TEST_F(Cases, ReceptionIssuesANumberLocatesTheBlockAndSetsTheDeadline) {
  auto c = add("信访");
  EXPECT_EQ(c.number, "2026-000001");
  EXPECT_EQ(c.status, "受理");
  EXPECT_EQ(c.address, "思南路 82 弄 1 号");
  EXPECT_EQ(c.block_no, 37);  // the door plate's own block in the demo, found from the location
  EXPECT_EQ(c.deadline, "2026-04-30T09:00:00");  // 信访: 60 days
  EXPECT_EQ(add().number, "2026-000002");
  EXPECT_EQ(services::find_case(*duty_, "2026-000001").deadline, c.deadline);
}

TEST_F(Cases, TheFlowRunsToTheArchiveAndRefusesShortcuts) {
  auto c = add();
  size_t before = events();
  try {
    step(c.number, "办结", "2026-03-02T09:00:00");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("case 2026-000001: 受理 → 办结 is not allowed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(events(), before);
  EXPECT_THROW(step(c.number, "分流", "2026-03-02T09:00:00"), Error);  // 分流 needs a department
  step(c.number, "分流", "2026-03-02T09:00:00", "司法所");
  step(c.number, "办理中", "2026-03-03T09:00:00");
  step(c.number, "办结", "2026-03-10T09:00:00");
  auto back = step(c.number, "退回", "2026-03-11T09:00:00");  // the visit found it unresolved
  EXPECT_EQ(back.status, "办理中");
  EXPECT_EQ(back.returns, 1);
  step(c.number, "办结", "2026-03-15T09:00:00");
  step(c.number, "回访", "2026-03-16T09:00:00");
  auto archived = step(c.number, "归档", "2026-03-17T09:00:00");
  EXPECT_EQ(archived.status, "归档");
  EXPECT_EQ(archived.closed_at, "2026-03-15T09:00:00");
  for (const char* kind : {"修改", "退回", "督办", "分流"})
    EXPECT_THROW(step(c.number, kind, "2026-03-18T09:00:00", "城管"), Error) << kind;
  EXPECT_THROW(step("2026-999999", "分流", "2026-03-18T09:00:00", "城管"), Error);
  // An event dated before the last one would rewrite history.
  auto other = add();
  EXPECT_THROW(step(other.number, "分流", "2026-02-01T09:00:00", "城管"), Error);
}

TEST_F(Cases, AnEditIsANewEventAndTheOldOneStays) {
  auto c = add();
  step(c.number, "分流", "2026-03-02T09:00:00", "司法所");
  CaseChange edit;
  edit.ref = c.number;
  edit.kind = "修改";
  edit.department = "派出所";
  edit.at = "2026-03-02T10:00:00";
  edit.note = "改派";
  EXPECT_EQ(services::change_case(*duty_, edit).department, "派出所");
  auto file = services::case_file(*duty_, c.number);
  ASSERT_EQ(file.events.size(), 3u);
  EXPECT_EQ(file.events[1].kind, "分流");
  EXPECT_NE(file.events[1].data.find("司法所"), std::string::npos);
  EXPECT_EQ(file.events[2].kind, "修改");
  EXPECT_EQ(file.events[2].user, "duty");
  EXPECT_EQ(file.file.department, "派出所");
}

TEST_F(Cases, OverdueCasesAreSupervisedOncePerDeadline) {
  auto late = add("法律咨询", "2026-03-01T09:00:00");  // 7 days
  auto fresh = add("信访", "2026-03-05T09:00:00");
  int64_t now = *parse_iso_time("2026-03-20T00:00:00");
  auto due = services::supervise(*duty_, now);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].number, late.number);
  EXPECT_TRUE(services::supervise(*duty_, now).empty());  // idempotent
  EXPECT_EQ(services::find_case(*duty_, late.number).supervisions, 1);
  services::CaseFilter overdue;
  overdue.overdue = true;
  overdue.now = now;
  auto list = services::list_cases(*duty_, overdue);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].number, late.number);
  // A new deadline is supervised again once it passes; a closed case never.
  CaseChange extend;
  extend.ref = late.number;
  extend.kind = "修改";
  extend.deadline = "2026-03-25T09:00:00";
  extend.at = "2026-03-20T09:00:00";
  services::change_case(*duty_, extend);
  EXPECT_TRUE(services::supervise(*duty_, now).empty());
  EXPECT_EQ(services::supervise(*duty_, *parse_iso_time("2026-03-26T00:00:00")).size(), 1u);
  EXPECT_EQ(services::supervise(*duty_, *parse_iso_time("2026-06-01T00:00:00")).size(), 1u);  // 信访 after 60 days
  EXPECT_EQ(services::find_case(*duty_, fresh.number).supervisions, 1);
  EXPECT_EQ(services::find_case(*duty_, late.number).supervisions, 2);
}

TEST_F(Cases, AttachmentsRoundTripByTheirHash) {
  auto c = add();
  auto file = write_bytes("letter.txt", "abc");
  std::string hash = services::attach(*duty_, c.number, file, "text/plain");
  EXPECT_EQ(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  auto a = services::attachment(*duty_, hash);
  EXPECT_EQ(std::string(a.bytes.begin(), a.bytes.end()), "abc");
  EXPECT_EQ(a.name, "letter.txt");
  EXPECT_EQ(services::case_file(*duty_, c.number).events.back().kind, "附件");
  EXPECT_THROW(services::attachment(*duty_, std::string(64, '0')), Error);
}

TEST_F(Cases, AddressesAreFoundWhateverTheirSpellingAndRefusedWithCandidates) {
  auto& ws = *duty_;
  EXPECT_EQ(services::geocode(ws, "思南路８２弄１号").address, "思南路 82 弄 1 号");  // full-width digits
  EXPECT_EQ(services::geocode(ws, "  思南路82弄1号 302室").address, "思南路 82 弄 1 号");  // a room in it
  EXPECT_EQ(services::geocode(ws, "思南路 82 弄 1").address, "思南路 82 弄 1 号");
  EXPECT_EQ(services::geocode(ws, "思楠路 82 弄 1 号").address, "思南路 82 弄 1 号");  // a typo in the street
  try {
    services::geocode(ws, "思南路 82 弄 9999 号");  // another number is another door: never guessed
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("closest: 思南路 82 弄"), std::string::npos) << e.what();
  }
  auto typed = services::address_candidates(ws, "思南路 82 弄 1", 3);
  ASSERT_EQ(typed.size(), 3u);
  EXPECT_EQ(typed[0].address, "思南路 82 弄 1 号");
  EXPECT_EQ(typed[1].address.rfind("思南路 82 弄 1", 0), 0u);  // typing ahead: 10 号, 11 号 ...
  auto plate = services::geocode(ws, "思南路 82 弄 1 号");
  EXPECT_EQ(services::nearest_door_plate(ws, {plate.lon, plate.lat}).address, plate.address);
  NewCase nowhere;
  nowhere.channel = "来电";
  nowhere.category = "其他";
  nowhere.address = "火星路 1 号";
  size_t before = events();
  EXPECT_THROW(services::add_case(ws, nowhere), Error);
  EXPECT_EQ(events(), before);
}

TEST_F(Cases, TheSameAddressAndCategoryWithin30DaysIsADuplicate) {
  add("群租", "2026-03-01T09:00:00");
  NewCase again;
  again.channel = "来电";
  again.category = "群租";
  again.address = "思南路８２弄１号";
  again.received_at = "2026-03-20T09:00:00";
  auto added = services::add_case(*duty_, again);
  ASSERT_EQ(added.duplicates.size(), 1u);
  EXPECT_EQ(added.duplicates[0].number, "2026-000001");
  again.received_at = "2026-05-20T09:00:00";
  EXPECT_EQ(services::add_case(*duty_, again).duplicates.size(), 0u);
  again.category = "其他";
  again.received_at = "2026-05-21T09:00:00";
  EXPECT_EQ(services::add_case(*duty_, again).duplicates.size(), 0u);
}

TEST_F(Cases, OnlyDutyOfficersMeetTheReporters) {
  auto c = add();
  EXPECT_EQ(c.reporter->name, "王阿姨");
  EXPECT_EQ(services::find_case(*duty_, c.number).reporter->phone, "13900001111");
  // Sealed: neither the database nor its log holds the name in clear.
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path(std::string("ws.sqlite") + suffix), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("王阿姨"), std::string::npos) << suffix;
    EXPECT_EQ(bytes.find("13900001111"), std::string::npos) << suffix;
  }
  // Even holding the key (an admin's recovery copy), other roles are not shown the reporter.
  for (auto role : {access::Role::Leader, access::Role::Analyst, access::Role::Admin, access::Role::Anonymous}) {
    auto ws = as(role, role == access::Role::Admin ? key_ : nullptr);
    auto seen = services::find_case(*ws, c.number);
    EXPECT_TRUE(seen.has_reporter);
    EXPECT_FALSE(seen.reporter) << access::role_name(role);
    for (auto& listed : services::list_cases(*ws)) EXPECT_FALSE(listed.reporter);
    for (auto& e : services::case_file(*ws, c.number).events)
      EXPECT_EQ(e.data.find("王阿姨"), std::string::npos);  // never in the history either
    NewCase n;
    n.channel = "来访";
    n.category = "其他";
    n.address = "思南路 82 弄 1 号";
    try {
      services::add_case(*ws, n);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied);
    }
  }
}

TEST_F(Cases, AGroupRentalsStatusFollowsItsCase) {
  auto where = [](std::string condition) {
    store::Query q;
    q.where = std::move(condition);
    return q;
  };
  auto rental = duty_->store().features("group_rentals", where("status = '发现'")).at(0);
  int address = duty_->layer("group_rentals").field_index("address");
  NewCase n;
  n.channel = "网格上报";
  n.category = "群租";
  n.address = value_to_string(rental.values[static_cast<size_t>(address)]);
  n.origin = "group_rentals:" + std::to_string(rental.id);
  n.received_at = "2026-03-01T09:00:00";
  auto c = services::add_case(*duty_, n).added;
  EXPECT_THROW(services::add_case(*duty_, n), Error);  // one case per rental
  auto status = [&] {
    auto f = duty_->store().features("group_rentals", where("id = " + std::to_string(rental.id))).at(0);
    return value_to_string(f.values[static_cast<size_t>(duty_->layer("group_rentals").field_index("status"))]);
  };
  step(c.number, "分流", "2026-03-02T09:00:00", "房管");
  EXPECT_EQ(status(), "发现");
  step(c.number, "办理中", "2026-03-03T09:00:00");
  EXPECT_EQ(status(), "整改中");
  step(c.number, "办结", "2026-03-20T09:00:00");
  EXPECT_EQ(status(), "已整改");
}

TEST_F(Cases, CountsByStatusAndWorkloadPerBlock) {
  auto a = add();
  add("治安", "2026-04-01T09:00:00");
  step(a.number, "分流", "2026-03-02T09:00:00", "司法所");
  auto march = services::case_counts(*duty_, {*parse_iso_time("2026-03-01"), *parse_iso_time("2026-04-01")}, {},
                                     *parse_iso_time("2026-03-05"));
  EXPECT_EQ(march.total, 1);
  EXPECT_EQ(march.by_status["分流"], 1);
  EXPECT_EQ(march.open, 1);
  auto load = services::block_workload(*duty_);
  auto blocks = duty_->snapshot("blocks");
  const Column* no = blocks->column("block_no");
  for (size_t i = 0; i < blocks->size(); ++i)
    EXPECT_EQ(load.open[i], no->number(i) == 37 ? 2 : 0) << "block " << no->number(i);
}

}  // namespace
