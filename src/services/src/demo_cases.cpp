// The demo district's cases (#14): see add_demo_cases in cases.hpp. Invented sample data.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sitmap/core/error.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/core/random.hpp"
#include "sitmap/services/cases.hpp"

namespace sitmap::services {

namespace {

constexpr int64_t kDay = 86400, kHour = 3600;

template <typename T>
const T& pick(const std::vector<T>& v, Random& rng) {
  return v[static_cast<size_t>(rng.integer(0, static_cast<int64_t>(v.size()) - 1))];
}

struct Names {
  std::vector<std::string> surnames, given;
};

Names load_names() {
  std::ifstream in(resource_path("data/huaihai/names.json"));
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::NotFound, resource_path("data/huaihai/names.json").string() + ": cannot read");
  return {j.at("surnames").get<std::vector<std::string>>(), j.at("given").get<std::vector<std::string>>()};
}

const std::map<std::string, std::vector<std::string>> kDepartments = {
    {"矛盾纠纷", {"司法所", "居委会", "物业", "人民调解委员会"}}, {"群租", {"房管办"}}, {"消防隐患", {"消防救援站"}},
    {"治安", {"派出所"}}, {"信访", {"信访办", "房管办", "城管中队"}}, {"法律咨询", {"司法所"}}, {"其他", {"城管中队", "居委会"}}};
const std::map<std::string, std::vector<std::string>> kDescriptions = {
    {"矛盾纠纷", {"邻里噪音纠纷", "楼上漏水引发纠纷", "公共部位堆物纠纷", "物业费纠纷", "家庭赡养纠纷", "装修扰民"}},
    {"群租", {"反映隔断群租", "反映床位出租", "违规日租扰民"}},
    {"消防隐患", {"电动自行车楼道充电", "飞线充电", "消防通道堆物"}},
    {"治安", {"反映入室盗窃", "可疑人员徘徊", "车辆被盗"}},
    {"信访", {"旧区改造补偿诉求", "加装电梯意见", "历史遗留房屋问题"}},
    {"法律咨询", {"咨询遗产继承", "咨询租赁合同", "咨询劳动争议"}},
    {"其他", {"路灯损坏", "违规设摊"}}};
std::string room_of(const std::string& category) {
  if (category == "信访") return "信访接待";
  if (category == "矛盾纠纷" || category == "法律咨询") return "司法调解";
  return "综合接待";
}

struct Plan {
  NewCase request;
  int64_t received = 0;
  int stop = 5;              // steps taken: 1 分流, 2 办理中, 3 办结, 4 回访, 5 归档
  int64_t close_at = 0;      // when 办结 happens (0: from the deadline)
  bool unsatisfied = false;  // the visit sends it back once
};

}  // namespace

DemoCases add_demo_cases(Workspace& ws, uint64_t seed, int64_t now) {
  Random rng(seed * 0x51ED27 + 14);
  Names names = load_names();
  auto days = case_deadline_days(ws);
  std::vector<Plan> plans;
  auto plan = [&](const std::string& category, const std::string& channel, const std::string& address, XY where,
                  int64_t received) {
    Plan p;
    NewCase& n = p.request;
    n.category = category;
    n.channel = channel;
    n.address = address;
    n.location = where;
    n.room = room_of(category);
    n.description = pick(kDescriptions.at(category), rng);
    if (channel == "来访" || channel == "来信") {  // visits and letters are received in office hours
      int64_t hour = (received % kDay) / kHour;
      if (hour < 8 || hour >= 17) received = (received / kDay + (hour >= 17)) * kDay + 9 * kHour + (received % kHour);
    }
    p.received = received;
    n.received_at = format_iso_time(received);
    if (channel == "来访" || channel == "来电" || channel == "来信")
      n.reporter = CaseReporter{pick(names.surnames, rng) + pick(names.given, rng),
                                "139" + std::to_string(10000000 + rng.integer(0, 89999999))};
    if (channel == "市网格中心派单")
      n.origin = "city:SH-" + n.received_at.substr(0, 4) + "-" + std::to_string(10000 + rng.integer(0, 89999));
    p.unsatisfied = rng.chance(0.04);
    plans.push_back(std::move(p));
  };
  auto channel = [&] {
    double u = rng.uniform();
    return u < 0.4 ? "来访" : u < 0.65 ? "来电" : u < 0.88 ? "网格上报" : "市网格中心派单";
  };
  // A share of the incidents reached the centre as cases.
  auto incidents = ws.snapshot("incidents");
  const Column* category = incidents->column("category");
  const Column* address = incidents->column("address");
  for (size_t i = 0; category && address && i < incidents->size(); ++i) {
    std::string c = category->text(i);
    std::string as = c == "矛盾纠纷" ? "矛盾纠纷" : c == "群租投诉" ? "群租" : c == "入民宅盗窃" ? "治安" : "";
    double share = as == "矛盾纠纷" ? 1.0 / 30 : as == "群租" ? 1.0 / 25 : 1.0 / 80;
    if (as.empty() || incidents->time.empty() || !rng.chance(share)) continue;
    plan(as, channel(), address->text(i), {incidents->lon[i], incidents->lat[i]},
         incidents->time[i] + rng.integer(1, 6) * kHour);
  }
  // Petitions, legal questions and the rest at random door plates over the two years.
  auto plates = ws.snapshot("addresses");
  const Column* plate = plates->column("address");
  int64_t start = now - 730 * kDay;
  for (auto [cat, n] : {std::pair{"信访", 110}, {"法律咨询", 90}, {"其他", 40}})
    for (int k = 0; plate && plates->size() && k < n; ++k) {
      auto row = static_cast<size_t>(rng.integer(0, static_cast<int64_t>(plates->size()) - 1));
      int64_t day = start / kDay + rng.integer(0, 729);
      plan(cat, std::string(cat) == "信访" ? (rng.chance(0.5) ? "来信" : "来访") : "来访", plate->text(row),
           {plates->lon[row], plates->lat[row]}, day * kDay + rng.integer(9, 16) * kHour + rng.integer(0, 59) * 60);
    }
  // One case per group rental and fire hazard, from the day it was found, following its recorded status.
  for (auto [layer, cat] : {std::pair{"group_rentals", "群租"}, {"fire_hazards", "消防隐患"}}) {
    if (!ws.store().find_layer(layer)) continue;
    for (Feature& f : ws.store().features(layer)) {
      auto info = ws.layer(layer);
      auto text = [&](const char* field) {
        int i = info.field_index(field);
        return i < 0 ? std::string() : value_to_string(f.values[static_cast<size_t>(i)]);
      };
      auto found = parse_iso_time(text("found_on"));
      if (!found || f.geometry.points.empty() || *found > now) continue;
      plan(cat, "网格上报", text("address"), f.geometry.points[0], *found + 9 * kHour + rng.integer(0, 7) * kHour);
      Plan& p = plans.back();
      p.request.origin = std::string(layer) + ":" + std::to_string(f.id);
      p.request.reporter.reset();
      p.unsatisfied = false;
      std::string status = text("status");
      p.stop = status == "发现" ? 1 : status == "整改中" ? 2 : 5;
      if (auto fixed = parse_iso_time(text("fixed_on")); fixed && p.stop == 5) p.close_at = *fixed + 10 * kHour;
      if (p.stop < 3)  // still open: the deadline was extended, so only some run over
        p.request.deadline = format_iso_time(std::max(*found + days[cat] * kDay,
                                                      now + rng.integer(rng.chance(0.15) ? -20 : 3, 40) * kDay));
    }
  }
  std::stable_sort(plans.begin(), plans.end(), [](const Plan& a, const Plan& b) { return a.received < b.received; });
  // A few cases stall in 办理中 past their deadline (the supervision list's).
  for (int k = 0; k < 6 && plans.size() > 400; ++k) {
    Plan& p = plans[plans.size() - 1 - static_cast<size_t>(rng.integer(40, 400))];
    if (p.request.origin.empty()) p.stop = 2;
  }

  std::vector<NewCase> requests;
  for (auto& p : plans) requests.push_back(p.request);
  auto added = add_cases(ws, requests);

  std::vector<std::pair<int64_t, CaseChange>> changes;
  for (size_t i = 0; i < plans.size(); ++i) {
    const Plan& p = plans[i];
    const Case& c = added[i].added;
    int64_t deadline = parse_iso_time(c.deadline).value_or(p.received + 30 * kDay);
    int64_t t = p.received;
    auto step = [&](const char* kind, int64_t at, std::string department, std::string result, std::string note) {
      if (at > now) return false;
      CaseChange ch;
      ch.ref = c.number;
      ch.kind = kind;
      ch.at = format_iso_time(at);
      ch.department = std::move(department);
      ch.result = std::move(result);
      ch.note = std::move(note);
      changes.emplace_back(at, std::move(ch));
      t = at;
      return true;
    };
    const auto& departments = kDepartments.at(c.category);
    if (p.stop < 1 || !step("分流", t + rng.integer(2, 40) * kHour, pick(departments, rng), "", "")) continue;
    if (p.stop < 2 || !step("办理中", t + rng.integer(4, 60) * kHour, "", "", "")) continue;
    if (p.stop < 3) continue;
    int64_t span = deadline - t;
    int64_t close = p.close_at > t ? p.close_at
                    : rng.chance(0.06) ? deadline + rng.integer(1, 10) * kDay  // closed late
                                       : t + static_cast<int64_t>(rng.uniform(0.15, 0.9) * static_cast<double>(span));
    if (!step("办结", std::max(close, t + kHour), "", c.category == "群租" || c.category == "消防隐患" ? "已整改" : "已办结",
              "")) continue;
    if (p.unsatisfied) {
      if (!step("回访", t + rng.integer(2, 6) * kDay, "", "不满意", "当事人对结果不满意")) continue;
      if (!step("退回", t + kHour, "", "", "回访不满意，重新办理")) continue;
      if (!step("办结", t + rng.integer(3, 12) * kDay, "", "再次办理后解决", "")) continue;
    }
    if (!step("回访", t + rng.integer(2, 7) * kDay, "", rng.chance(0.85) ? "满意" : "基本满意", "")) continue;
    step("归档", t + rng.integer(1, 10) * kDay, "", "", "");
  }
  std::stable_sort(changes.begin(), changes.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<CaseChange> ordered;
  for (auto& [at, ch] : changes) ordered.push_back(std::move(ch));
  change_cases(ws, ordered);
  auto supervised = supervise(ws, now);

  DemoCases out;
  out.cases = static_cast<int64_t>(added.size());
  out.events = static_cast<int64_t>(added.size() + ordered.size() + supervised.size());
  CaseFilter all;
  all.now = now;
  for (auto& c : list_cases(ws, all)) {
    out.open += c.open();
    out.overdue += c.overdue(now);
  }
  return out;
}

}  // namespace sitmap::services
