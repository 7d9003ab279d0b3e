// The exchange with the city grid centre: Open311 GeoReport v2 service requests as JSON lines (README).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cases_internal.hpp"
#include "sitmap/access/policy.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

namespace {

using nlohmann::json;

constexpr int64_t kCentreOffset = 8 * 3600;  // Shanghai: UTC+08:00, no daylight saving time
constexpr const char* kChannel = "市网格中心派单";

// service_code of each category; service_name is the category itself. GB/T 31000-2015 names two of its
// modules after what these cases are (矛盾纠纷排查化解, 社会治安), accepted as names on import.
const std::vector<std::pair<std::string, std::string>> kCodes = {
    {"矛盾纠纷", "dispute"},      {"群租", "group_rental"},  {"消防隐患", "fire_hazard"}, {"治安", "public_order"},
    {"信访", "petition"},         {"法律咨询", "legal_advice"}, {"其他", "other"}};
const std::vector<std::pair<std::string, std::string>> kStandardNames = {{"矛盾纠纷排查化解", "矛盾纠纷"},
                                                                         {"社会治安", "治安"}};

std::string code_of(const std::string& category) {
  for (auto& [c, code] : kCodes)
    if (c == category) return code;
  return "other";
}

std::optional<std::string> category_of(const std::string& code, const std::string& name) {
  for (auto& [c, k] : kCodes)
    if (k == code || c == code || c == name) return c;
  for (auto& [standard, c] : kStandardNames)
    if (standard == name || standard == code) return c;
  return std::nullopt;
}

// ISO 8601 with an offset (Z, +08:00, +0800) to the centre's local time; nullopt without an offset.
std::optional<int64_t> local_time(const std::string& text) {
  static const std::regex pattern(R"((\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  auto t = parse_iso_time(m[1].str());
  if (!t) return std::nullopt;
  int64_t offset = 0;
  std::string z = m[2].str();
  if (z != "Z") {
    int h = std::stoi(z.substr(1, 2)), mm = std::stoi(z.substr(z.size() - 2));
    offset = (z[0] == '-' ? -1 : 1) * (h * 3600 + mm * 60);
  }
  return *t - offset + kCentreOffset;
}

std::string with_offset(const std::string& local) { return local.empty() ? "" : local + "+08:00"; }

struct Order {
  size_t line = 0;
  std::string order_id;
  NewCase request;
  std::string status;  // open / closed
};

}  // namespace

ExchangeReport import_exchange(Workspace& ws, const std::filesystem::path& file) {
  access::require(ws.principal(), access::Permission::HandleCases, "cases");
  std::ifstream in(file);
  if (!in) throw Error(ErrorKind::NotFound, file.string() + ": cannot read");
  detail::DoorPlates plates(ws);
  std::map<std::string, Case> by_origin;
  for (auto& c : list_cases(ws))
    if (!c.origin.empty()) by_origin.emplace(c.origin, c);
  ExchangeReport report;
  std::vector<Order> orders;
  std::set<std::string> in_file;
  std::string text;
  for (size_t line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = file.string() + ":" + std::to_string(line) + ": ";
    json r = json::parse(text, nullptr, false);
    if (!r.is_object()) throw Error(ErrorKind::BadInput, where + "not a JSON object");
    auto field = [&](const char* key, bool required) -> std::string {
      auto it = r.find(key);
      if (it == r.end() || it->is_null()) {
        if (required) throw Error(ErrorKind::BadInput, where + "missing field '" + key + "'");
        return {};
      }
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number()) return it->dump();
      throw Error(ErrorKind::BadInput, where + "field '" + key + "' is not text");
    };
    auto time_field = [&](const char* key, bool required) -> std::string {
      std::string t = field(key, required);
      if (t.empty()) return t;
      auto local = local_time(t);
      if (!local) throw Error(ErrorKind::BadInput, where + "field '" + key + "': '" + t +
                                                       "' is not an ISO 8601 time with an offset (2026-04-20T10:25:00+08:00)");
      return format_iso_time(*local);
    };
    ++report.records;
    Order o;
    o.line = line;
    std::string id = field("service_request_id", true);
    std::string city = field("x_city_order_id", false);
    o.order_id = city.empty() ? id : city;
    if (!in_file.insert(o.order_id).second) throw Error(ErrorKind::BadInput, where + "order " + o.order_id + " repeated");
    std::string code = field("service_code", false), name = field("service_name", false);
    if (code.empty() && name.empty()) throw Error(ErrorKind::BadInput, where + "missing field 'service_code'");
    auto category = category_of(code, name);
    if (!category)
      throw Error(ErrorKind::BadInput, where + "unknown category (service_code '" + code + "', service_name '" + name + "')");
    o.status = field("status", true);
    if (o.status != "open" && o.status != "closed")
      throw Error(ErrorKind::BadInput, where + "field 'status': '" + o.status + "' (use open or closed)");
    NewCase& n = o.request;
    n.channel = kChannel;
    n.category = *category;
    n.description = field("description", false);
    n.department = field("agency_responsible", false);
    n.received_at = time_field("requested_datetime", true);
    n.deadline = time_field("expected_datetime", false);
    n.note = field("status_notes", false);
    n.origin = "city:" + o.order_id;
    std::string address = field("address", false), lat = field("lat", false), lon = field("long", false);
    try {
      if (!address.empty()) {
        DoorPlate p = plates.geocode(address);
        n.address = p.address;
        n.location = XY{p.lon, p.lat};
      } else if (!lat.empty() && !lon.empty()) {
        n.location = XY{std::stod(lon), std::stod(lat)};
      } else {
        throw Error(ErrorKind::BadInput, "missing field 'address' (or 'lat' and 'long')");
      }
    } catch (const std::exception& e) {
      throw Error(ErrorKind::BadInput, where + e.what());
    }
    orders.push_back(std::move(o));
  }
  std::vector<NewCase> fresh;
  for (auto& o : orders) {
    auto known = by_origin.find(o.request.origin);
    if (known == by_origin.end()) {
      fresh.push_back(o.request);
      continue;
    }
    const Case& c = known->second;
    std::vector<std::string> diffs;
    auto differs = [&](const char* what, const std::string& city, const std::string& here) {
      if (!city.empty() && city != here) diffs.push_back(std::string(what) + " differs (city " + city + ", here " + here + ")");
    };
    differs("category", o.request.category, c.category);
    differs("address", o.request.address, c.address);
    differs("deadline", o.request.deadline, c.deadline);
    differs("agency", o.request.department, c.department);
    differs("status", o.status, c.open() ? "open" : "closed");
    if (diffs.empty()) {
      ++report.unchanged;
      continue;
    }
    std::string line = file.string() + ":" + std::to_string(o.line) + ": order " + o.order_id + " (case " + c.number + "): ";
    for (size_t i = 0; i < diffs.size(); ++i) line += (i ? "; " : "") + diffs[i];
    report.conflicts.push_back(line);
  }
  if (!fresh.empty())
    for (auto& added : add_cases(ws, fresh)) report.created_numbers.push_back(added.added.number);
  report.created = static_cast<int64_t>(fresh.size());
  return report;
}

int64_t export_exchange(const Workspace& ws, int64_t since, const std::filesystem::path& out) {
  std::string from = since == INT64_MIN ? "" : format_iso_time(since);
  std::vector<std::string> lines;
  for (auto& c : list_cases(ws)) {
    if (c.updated_at < from) continue;
    json r = {{"service_request_id", c.number},
              {"status", c.open() ? "open" : "closed"},
              {"status_notes", !c.visit.empty() ? c.visit : c.result},
              {"service_code", code_of(c.category)},
              {"service_name", c.category},
              {"description", c.description},
              {"agency_responsible", c.department},
              {"requested_datetime", with_offset(c.received_at)},
              {"updated_datetime", with_offset(c.updated_at)},
              {"expected_datetime", with_offset(c.deadline)},
              {"address", c.address},
              {"x_grid_block", c.block_no},
              {"x_status", c.status}};
    if (std::isfinite(c.lat)) r["lat"] = c.lat, r["long"] = c.lon;
    if (c.origin.rfind("city:", 0) == 0) r["x_city_order_id"] = c.origin.substr(5);
    lines.push_back(r.dump());
  }
  auto tmp = out;
  tmp += ".part";
  {
    std::ofstream f(tmp, std::ios::binary);
    for (auto& l : lines) f << l << '\n';
    if (!f) throw Error(ErrorKind::BadInput, out.string() + ": cannot write");
  }
  std::filesystem::rename(tmp, out);
  return static_cast<int64_t>(lines.size());
}

}  // namespace sitmap::services
