#include "sitmap/services/cases.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include <set>
#include <unordered_map>

#include "cases_internal.hpp"
#include "sitmap/access/policy.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

const std::vector<std::string> kCaseChannels = {"来访", "来信", "来电", "网格上报", "市网格中心派单"};
const std::vector<std::string> kCaseCategories = {"矛盾纠纷", "群租", "消防隐患", "治安", "信访", "法律咨询", "其他"};
const std::vector<std::string> kCaseRooms = {"信访接待", "司法调解", "综合接待"};
const std::vector<std::string> kCaseStatuses = {"受理", "分流", "办理中", "办结", "回访", "归档"};

namespace {

using nlohmann::json;
constexpr int64_t kDay = 86400;

bool listed(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

void require_listed(const std::vector<std::string>& values, std::string_view v, std::string_view field) {
  if (!listed(values, v))
    throw Error(ErrorKind::BadInput, std::string(field) + ": unknown value '" + std::string(v) + "' (use " +
                                         joined(values) + ")");
}

int64_t time_of(std::string_view iso, std::string_view field) {
  auto t = parse_iso_time(iso);
  if (!t) throw Error(ErrorKind::BadInput, std::string(field) + ": '" + std::string(iso) + "' is not a time (use 2026-04-20T10:25:00)");
  return *t;
}

std::string text_or(const json& data, const char* key, const std::string& fallback) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The status after an event of `kind` on a case in `status`, or nullopt when the flow does not allow it.
std::optional<std::string> next_status(const std::string& status, const std::string& kind) {
  if (status == "归档") return std::nullopt;
  if (kind == "修改" || kind == "附件") return status;
  if (kind == "督办") return status == "受理" || status == "分流" || status == "办理中" ? std::optional(status) : std::nullopt;
  if (kind == "退回") {
    if (status == "分流" || status == "办理中") return "受理";
    if (status == "办结" || status == "回访") return "办理中";
    return std::nullopt;
  }
  auto at = std::find(kCaseStatuses.begin(), kCaseStatuses.end(), status);
  auto to = std::find(kCaseStatuses.begin(), kCaseStatuses.end(), kind);
  if (at == kCaseStatuses.end() || to == kCaseStatuses.end() || to != at + 1) return std::nullopt;
  return kind;
}

std::string allowed_from(const std::string& status) {
  std::vector<std::string> kinds;
  for (const char* k : {"分流", "办理中", "办结", "回访", "归档", "退回", "督办", "修改"})
    if (next_status(status, k)) kinds.push_back(k);
  return kinds.empty() ? "nothing: the case is archived" : joined(kinds);
}

void apply(Case& c, const store::CaseEvent& e) {
  json data = json::parse(e.data, nullptr, false);
  if (!data.is_object()) data = json::object();
  for (auto [key, field] : {std::pair{"channel", &c.channel}, {"category", &c.category}, {"description", &c.description},
                            {"address", &c.address}, {"room", &c.room}, {"department", &c.department},
                            {"deadline", &c.deadline}})
    *field = text_or(data, key, *field);
  if (auto it = data.find("lon"); it != data.end() && it->is_number()) c.lon = it->get<double>();
  if (auto it = data.find("lat"); it != data.end() && it->is_number()) c.lat = it->get<double>();
  if (auto it = data.find("block_no"); it != data.end() && it->is_number_integer()) c.block_no = it->get<int64_t>();
  if (auto it = data.find("reporter"); it != data.end() && it->is_boolean()) c.has_reporter = it->get<bool>();
  if (e.kind == "受理") {
    c.status = "受理";
  } else if (e.kind == "退回") {
    c.status = *next_status(c.status, e.kind);
    ++c.returns;
  } else if (e.kind == "督办") {
    ++c.supervisions;
  } else if (e.kind != "修改" && e.kind != "附件") {
    c.status = e.kind;
  }
  if (e.kind == "分流") {
    c.routed_at = e.at;
  } else if (e.kind == "办结") {
    c.closed_at = e.at;
    c.result = text_or(data, "result", e.note);
  } else if (e.kind == "回访") {
    c.visited_at = e.at;
    c.visit = text_or(data, "result", e.note);
  } else if (e.kind == "归档") {
    c.archived_at = e.at;
  }
  c.updated_at = e.at;
}

// Reporters are sealed under the workspace's data key, bound to their case (access/sealed.hpp).
std::string reporter_context(int64_t case_id) { return "case_reporters:" + std::to_string(case_id); }

CaseReporter open_reporter(const access::DataKey& key, int64_t case_id, std::span<const uint8_t> sealed) {
  auto plain = access::open(key, reporter_context(case_id), sealed, "reporter of a case");
  json j = json::parse(plain.begin(), plain.end());
  return {j.value("name", ""), j.value("phone", "")};
}

// Every case with its state, by id; reporters filled for a principal who may see them.
std::vector<Case> derive(const Workspace& ws) {
  const store::Store& st = ws.store();
  std::vector<Case> out;
  std::map<int64_t, size_t> index;
  for (auto& r : st.cases()) {
    index[r.id] = out.size();
    Case c;
    c.id = r.id;
    c.number = r.number;
    c.origin = r.origin;
    c.received_at = r.received_at;
    out.push_back(std::move(c));
  }
  for (auto& e : st.case_events())
    if (auto it = index.find(e.case_id); it != index.end()) apply(out[it->second], e);
  if (access::has(ws.principal(), access::Permission::SeeReporters) && ws.data_key())
    for (auto& c : out)
      if (c.has_reporter)
        if (auto r = st.case_reporter(c.id)) c.reporter = open_reporter(*ws.data_key(), c.id, r->sealed);
  return out;
}

std::optional<Case> lookup(const std::vector<Case>& cases, std::string_view ref) {
  for (auto& c : cases)
    if (c.number == ref || std::to_string(c.id) == ref) return c;
  return std::nullopt;
}

std::string iso_now_or(const std::string& at, std::string_view field) {
  if (at.empty()) return format_iso_time(local_now());
  return format_iso_time(time_of(at, field));  // one spelling in the store whatever the caller wrote
}

// The block_no of the blocks layer's polygon holding each case's location (0 for none), by the rule of every
// count per block.
void locate(const Workspace& ws, std::vector<AddedCase>& cases) {
  if (!ws.store().find_layer("blocks")) return;
  auto blocks = ws.snapshot("blocks");
  std::vector<double> x, y;
  for (auto& c : cases) x.push_back(c.added.lon), y.push_back(c.added.lat);
  auto found = analysis::locate_blocks(blocks->geometries, x, y);
  const Column* no = blocks->column("block_no");
  for (size_t i = 0; i < cases.size(); ++i) {
    auto row = static_cast<size_t>(found[i]);
    cases[i].added.block_no = found[i] >= 0 && no && no->valid[row] ? static_cast<int64_t>(no->number(row)) : 0;
  }
}

// A group rental's or fire hazard's `status` follows its case (the layer keeps it for the map and the counts).
// Returns the layer when it changed a row of it.
std::optional<std::string> follow_rectification(store::Writer& w, const Workspace& ws, const Case& c) {
  auto colon = c.origin.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string layer = c.origin.substr(0, colon);
  if (layer != "group_rentals" && layer != "fire_hazards") return std::nullopt;
  auto info = ws.store().find_layer(layer);
  if (!info) return std::nullopt;
  int status = info->field_index("status"), fixed = info->field_index("fixed_on");
  if (status < 0) return std::nullopt;
  bool changed = false;
  store::Query q;
  q.where = "id = " + std::to_string(std::stoll(c.origin.substr(colon + 1)));
  for (Feature& f : ws.store().features(layer, q)) {
    std::string now = rectification_status(c);
    if (value_to_string(f.values[static_cast<size_t>(status)]) == now) continue;
    f.values[static_cast<size_t>(status)] = now;
    if (fixed >= 0) f.values[static_cast<size_t>(fixed)] = now == "已整改" ? Value(c.closed_at.substr(0, 10)) : Value();
    w.update(layer, f);
    changed = true;
  }
  return changed ? std::optional(layer) : std::nullopt;
}

// Same address and category received within the 30 days up to `at`.
std::vector<Case> same_place(const std::vector<Case>& cases, std::string_view address, std::string_view category,
                             int64_t at) {
  std::string key = normalise_address(address);
  std::vector<Case> out;
  for (auto& c : cases) {
    if (c.category != category || normalise_address(c.address) != key) continue;
    auto t = parse_iso_time(c.received_at);
    if (t && *t <= at && *t >= at - 30 * kDay) out.push_back(c);
  }
  return out;
}

}  // namespace

int64_t local_now() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  return static_cast<int64_t>(t) + local.tm_gmtoff;
}

bool Case::overdue(int64_t now) const {
  auto d = parse_iso_time(deadline);
  return open() && d && *d < now;
}

std::string rectification_status(const Case& c) {
  if (c.status == "受理" || c.status == "分流") return "发现";
  if (c.status == "办理中") return "整改中";
  return "已整改";
}

std::map<std::string, int64_t> case_deadline_days(const Workspace& ws) {
  auto days = ws.store().case_deadline_days();
  return {days.begin(), days.end()};
}

AddedCase add_case(Workspace& ws, const NewCase& req) { return add_cases(ws, std::span(&req, 1)).front(); }

std::vector<AddedCase> add_cases(Workspace& ws, std::span<const NewCase> requests) {
  access::require(ws.principal(), access::Permission::HandleCases, "cases");
  // Earlier cases by door plate and category, for the duplicate warning (the file's own cases included).
  std::unordered_map<std::string, std::vector<Case>> book;
  for (auto& c : derive(ws)) book[normalise_address(c.address) + "|" + c.category].push_back(std::move(c));
  std::optional<detail::DoorPlates> plates;
  auto days = case_deadline_days(ws);
  std::vector<AddedCase> out;
  for (const NewCase& req : requests) {
    require_listed(kCaseChannels, req.channel, "channel");
    require_listed(kCaseCategories, req.category, "category");
    if (!req.room.empty()) require_listed(kCaseRooms, req.room, "room");
    if (req.reporter && req.reporter->name.empty() && !req.reporter->phone.empty())
      throw Error(ErrorKind::BadInput, "reporter: a phone without a name");
    if (!plates) plates.emplace(ws);
    Case c;
    c.channel = req.channel;
    c.category = req.category;
    c.description = req.description;
    c.room = req.room;
    c.department = req.department;
    c.received_at = iso_now_or(req.received_at, "received_at");
    if (req.location) {
      c.lon = req.location->x;
      c.lat = req.location->y;
      c.address = req.address.empty() ? plates->nearest(*req.location).address : req.address;
    } else if (!req.address.empty()) {
      DoorPlate plate = plates->geocode(req.address);
      c.address = plate.address;
      c.lon = plate.lon;
      c.lat = plate.lat;
    } else {
      throw Error(ErrorKind::BadInput, "address: give the address (门牌) or a location on the map");
    }
    int64_t received = *parse_iso_time(c.received_at);
    auto d = days.find(c.category);
    c.deadline = req.deadline.empty() ? format_iso_time(received + (d != days.end() ? d->second : 15) * kDay)
                                      : format_iso_time(time_of(req.deadline, "deadline"));
    c.has_reporter = req.reporter && !req.reporter->name.empty();
    c.status = "受理";
    c.updated_at = c.received_at;
    auto& same = book[normalise_address(c.address) + "|" + c.category];
    AddedCase added{c, same_place(same, c.address, c.category, received)};
    same.push_back(c);
    out.push_back(std::move(added));
  }
  locate(ws, out);
  std::vector<json> data;
  for (auto& [c, dups] : out)
    data.push_back({{"channel", c.channel}, {"category", c.category}, {"description", c.description},
                    {"address", c.address}, {"lon", c.lon}, {"lat", c.lat}, {"block_no", c.block_no},
                    {"room", c.room}, {"department", c.department}, {"deadline", c.deadline},
                    {"reporter", c.has_reporter}});
  std::set<std::string> layers;
  ws.store().write([&](store::Writer& w) {
    for (size_t i = 0; i < out.size(); ++i) {
      Case& c = out[i].added;
      const NewCase& req = requests[i];
      auto record = w.insert_case({0, "", c.received_at, req.origin});
      c.id = record.id;
      c.number = record.number;
      c.origin = record.origin;
      w.append_case_event({0, c.id, c.received_at, ws.principal().user, "受理", data[i].dump(), req.note});
      if (c.has_reporter) {
        json plain = {{"name", req.reporter->name}, {"phone", req.reporter->phone}};
        w.put_case_reporter({c.id, access::seal(ws.data_key("case reporters"), reporter_context(c.id), plain.dump())});
      }
      if (auto layer = follow_rectification(w, ws, c)) layers.insert(*layer);
    }
  });
  for (auto& layer : layers) ws.invalidate(layer);
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].added.has_reporter && access::has(ws.principal(), access::Permission::SeeReporters))
      out[i].added.reporter = requests[i].reporter;
  return out;
}

Case change_case(Workspace& ws, const CaseChange& ch) { return change_cases(ws, std::span(&ch, 1)).front(); }

std::vector<Case> change_cases(Workspace& ws, std::span<const CaseChange> changes) {
  access::require(ws.principal(), access::Permission::HandleCases, "cases");
  std::vector<Case> book = derive(ws);
  std::map<std::string, size_t, std::less<>> by_ref;
  for (size_t i = 0; i < book.size(); ++i) {
    by_ref[book[i].number] = i;
    by_ref[std::to_string(book[i].id)] = i;
  }
  std::vector<store::CaseEvent> events;
  std::vector<size_t> touched;
  for (const CaseChange& ch : changes) {
    auto found = by_ref.find(ch.ref);
    if (found == by_ref.end())
      throw Error(ErrorKind::NotFound, "no case '" + ch.ref + "' (give its number, like 2026-000123, or its id)");
    Case& c = book[found->second];
    auto next = next_status(c.status, ch.kind);
    if (!next)
      throw Error(ErrorKind::BadInput, "case " + c.number + ": " + c.status + " → " + ch.kind +
                                           " is not allowed (from " + c.status + ": " + allowed_from(c.status) + ")");
    if (!ch.room.empty()) require_listed(kCaseRooms, ch.room, "room");
    if (ch.kind == "分流" && ch.department.empty() && c.department.empty())
      throw Error(ErrorKind::BadInput, "case " + c.number + ": 分流 needs a department (--department)");
    json data = json::object();
    if (!ch.department.empty()) data["department"] = ch.department;
    if (!ch.room.empty()) data["room"] = ch.room;
    if (!ch.description.empty()) data["description"] = ch.description;
    if (!ch.deadline.empty()) data["deadline"] = format_iso_time(time_of(ch.deadline, "deadline"));
    if (!ch.result.empty()) data["result"] = ch.result;
    if (ch.kind == "修改" && data.empty() && ch.note.empty())
      throw Error(ErrorKind::BadInput, "case " + c.number + ": nothing to change");
    store::CaseEvent e{0, c.id, iso_now_or(ch.at, "at"), ws.principal().user, ch.kind, data.dump(), ch.note};
    if (e.at < c.updated_at)
      throw Error(ErrorKind::BadInput, "case " + c.number + ": " + ch.kind + " at " + e.at +
                                           " is before its last event (" + c.updated_at + ")");
    apply(c, e);
    events.push_back(std::move(e));
    touched.push_back(found->second);
  }
  std::set<std::string> layers;
  ws.store().write([&](store::Writer& w) {
    for (auto& e : events) w.append_case_event(e);
    for (size_t i : std::set<size_t>(touched.begin(), touched.end()))
      if (auto layer = follow_rectification(w, ws, book[i])) layers.insert(*layer);
  });
  for (auto& layer : layers) ws.invalidate(layer);
  std::vector<Case> out;
  for (size_t i : touched) out.push_back(book[i]);
  return out;
}

Case find_case(const Workspace& ws, std::string_view ref) {
  auto all = derive(ws);
  if (auto c = lookup(all, ref)) return *c;
  throw Error(ErrorKind::NotFound, "no case '" + std::string(ref) + "' (give its number, like 2026-000123, or its id)");
}

std::vector<Case> list_cases(const Workspace& ws, const CaseFilter& f) {
  int64_t now = f.now ? f.now : local_now();
  std::vector<Case> out;
  for (auto& c : derive(ws)) {
    if (!f.status.empty() && c.status != f.status) continue;
    if (!f.category.empty() && c.category != f.category) continue;
    if (!f.department.empty() && c.department != f.department) continue;
    if (f.block_no && c.block_no != *f.block_no) continue;
    if (f.overdue && !c.overdue(now)) continue;
    if (f.received.from != INT64_MIN || f.received.to != INT64_MAX) {
      auto t = parse_iso_time(c.received_at);
      if (!t || !f.received.contains(*t)) continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

CaseFile case_file(const Workspace& ws, std::string_view ref) {
  CaseFile out;
  out.file = find_case(ws, ref);
  out.events = ws.store().case_events(out.file.id);
  return out;
}

std::vector<Case> supervise(Workspace& ws, int64_t now) {
  access::require(ws.principal(), access::Permission::HandleCases, "cases");
  std::vector<Case> due;
  std::vector<store::CaseEvent> events;
  std::string at = format_iso_time(now);
  for (auto& c : derive(ws)) {
    if (!c.overdue(now)) continue;
    // One automatic 督办 per deadline: a new deadline (an extension) can be supervised again.
    bool done = false;
    for (auto& e : ws.store().case_events(c.id))
      if (e.kind == "督办" && json::parse(e.data, nullptr, false).value("overdue_since", "") == c.deadline) done = true;
    if (done) continue;
    events.push_back({0, c.id, std::max(at, c.updated_at), "system", "督办", json{{"overdue_since", c.deadline}}.dump(),
                      "逾期自动督办"});
    ++c.supervisions;
    due.push_back(std::move(c));
  }
  if (events.empty()) return due;
  ws.store().write([&](store::Writer& w) {
    for (auto& e : events) w.append_case_event(e);
  });
  return due;
}

std::vector<Case> duplicates(const Workspace& ws, std::string_view address, std::string_view category, int64_t at) {
  return same_place(derive(ws), address, category, at);
}

std::string sha256_hex(std::span<const uint8_t> bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes.data(), bytes.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string attach(Workspace& ws, std::string_view ref, const std::filesystem::path& file, std::string_view media_type) {
  access::require(ws.principal(), access::Permission::HandleCases, "cases");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, file.string() + ": cannot read the attachment");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Case c = find_case(ws, ref);
  if (c.status == "归档") throw Error(ErrorKind::BadInput, "case " + c.number + " is archived: nothing can be attached");
  std::string hash = sha256_hex(bytes);
  std::string name = file.filename().string();
  json data = {{"attachment", hash}, {"name", name}, {"media_type", media_type}, {"size", bytes.size()}};
  ws.store().write([&](store::Writer& w) {
    w.put_attachment({hash, name, std::string(media_type), std::move(bytes)});
    w.append_case_event({0, c.id, std::max(format_iso_time(local_now()), c.updated_at), ws.principal().user, "附件",
                         data.dump(), name});
  });
  return hash;
}

store::Attachment attachment(const Workspace& ws, std::string_view sha256) {
  auto a = ws.store().attachment(sha256);
  if (!a) throw Error(ErrorKind::NotFound, "no attachment with SHA-256 " + std::string(sha256));
  return *a;
}

CaseCounts case_counts(const Workspace& ws, const TimeRange& received, std::string_view category, int64_t now) {
  CaseFilter f;
  f.received = received;
  f.category = std::string(category);
  f.now = now ? now : local_now();
  CaseCounts out;
  for (auto& c : list_cases(ws, f)) {
    ++out.by_status[c.status];
    ++out.total;
    if (c.open()) ++out.open;
    if (c.overdue(f.now)) ++out.overdue;
  }
  return out;
}

BlockWorkload block_workload(const Workspace& ws, std::string_view blocks_layer) {
  auto blocks = ws.snapshot(blocks_layer);
  const Column* no = blocks->column("block_no");
  const Column* households = blocks->column("households");
  BlockWorkload out;
  out.open.assign(blocks->size(), 0);
  std::map<int64_t, size_t> row_of;
  for (size_t i = 0; no && i < blocks->size(); ++i)
    if (no->valid[i]) row_of[static_cast<int64_t>(no->number(i))] = i;
  for (auto& c : derive(ws))
    if (auto it = row_of.find(c.block_no); c.open() && it != row_of.end()) ++out.open[it->second];
  for (size_t i = 0; i < blocks->size(); ++i) {
    double h = households ? households->number(i) : NAN;
    out.per_100_households.push_back(h > 0 ? 100.0 * static_cast<double>(out.open[i]) / h : NAN);
  }
  return out;
}

}  // namespace sitmap::services
