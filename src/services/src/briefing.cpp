#include "sitmap/services/briefing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/selection.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::services {

namespace {

constexpr const char* kIncidents = "incidents";
constexpr const char* kCompounds = "compounds";
constexpr const char* kBlocks = "blocks";
constexpr const char* kFixedStatus = "已整改";

struct CategoryKpi {
  const char* name;
  const char* id;
  const char* title;
  int good_direction;
};
// The assessed categories first (考核: 入民宅盗窃, 三车盗窃, 电信诈骗), then the others the centre reports.
constexpr std::array<CategoryKpi, 7> kCategoryKpis = {{
    {"入民宅盗窃", "burglary", "入民宅盗窃", -1},
    {"三车盗窃", "vehicle_theft", "三车盗窃", -1},
    {"电信诈骗", "telecom_fraud", "电信诈骗", -1},
    {"矛盾纠纷", "disputes", "矛盾纠纷受理", 0},
    {"火情", "fire", "火情", -1},
    {"群租投诉", "rental_complaints", "群租投诉", 0},
    {"其他", "other_incidents", "其他案事件", 0},
}};

struct CaseLayer {
  const char* layer;
  const char* prefix;
};
constexpr std::array<CaseLayer, 2> kCaseLayers = {{{"group_rentals", "rentals"}, {"fire_hazards", "hazards"}}};

const std::map<std::string, std::string, std::less<>> kSpecialIds = {
    {"刑释解教人员", "released"}, {"精神病人员", "mental_illness"}, {"吸毒人员", "drug_users"}, {"邪教人员", "cult"}};

bool has_layer(const Workspace& ws, std::string_view name) { return ws.store().find_layer(name).has_value(); }

std::string title_of(const LayerInfo& info) { return info.title_zh.empty() ? info.name : info.title_zh; }

// When a case was found and fixed (kNoTime where not), per row of the layer. The seam for the case register.
struct CaseDates {
  std::string title, unit;
  std::vector<int64_t> found, fixed;
};
CaseDates case_dates(const Workspace& ws, std::string_view layer) {
  auto snap = ws.snapshot(layer);
  const Column* found = snap->column("found_on");
  const Column* fixed = snap->column("fixed_on");
  const Column* status = snap->column("status");
  if (!found) throw Error(ErrorKind::NotFound, "layer " + std::string(layer) + " has no field 'found_on'");
  CaseDates out{title_of(snap->info), "处", {}, {}};
  for (size_t r = 0; r < snap->size(); ++r) {
    auto parse = [&](const Column* c) {
      auto t = c && c->valid[r] ? parse_iso_time(c->text(r)) : std::nullopt;
      return t ? *t : analysis::kNoTime;
    };
    out.found.push_back(parse(found));
    int64_t f = parse(fixed);
    // A case marked fixed without a date counts as fixed from its finding on.
    if (f == analysis::kNoTime && status && status->valid[r] && status->text(r) == kFixedStatus) f = out.found.back();
    out.fixed.push_back(f);
  }
  return out;
}

template <class Fn>
Kpi compared(std::string id, std::string title, std::string unit, int good, const analysis::ComparedPeriods& p,
             Fn&& figure) {
  Kpi k{std::move(id), std::move(title), std::move(unit), 0, 0, 0, good, {}};
  k.value = static_cast<double>(figure(p.current));
  k.previous = static_cast<double>(figure(p.previous));
  k.last_year = static_cast<double>(figure(p.last_year));
  return k;
}

Kpi without_history(std::string id, std::string title, std::string unit, double value, int good) {
  return {std::move(id), std::move(title), std::move(unit), value, std::nan(""), std::nan(""), good, {}};
}

int category_code(const analysis::IncidentTable& table, std::string_view name) {
  auto it = std::find(table.category_names.begin(), table.category_names.end(), name);
  return it == table.category_names.end() ? -1 : static_cast<int>(it - table.category_names.begin());
}

std::vector<int32_t> compound_of_incident(const Workspace& ws, const Snapshot& incidents) {
  auto compounds = ws.snapshot(kCompounds);
  return analysis::locate_blocks(compounds->geometries, incidents.lon, incidents.lat);
}

std::vector<std::string> compound_names(const Workspace& ws, const std::vector<uint32_t>& rows) {
  auto compounds = ws.snapshot(kCompounds);
  const Column* name = compounds->column("name");
  std::vector<std::string> out;
  for (uint32_t row : rows) out.push_back(name ? name->text(row) : std::to_string(compounds->ids[row]));
  return out;
}

}  // namespace

TimeRange briefing_range(const Workspace& ws, std::string_view period, std::string_view from, std::string_view to) {
  SelectionText text;
  text.period = period;
  text.from = from;
  text.to = to;
  if (period.empty() && from.empty() && to.empty()) text.period = "last-90-days";
  TimeRange range = parse_selection(incident_layer(ws, kIncidents), text).range;
  if (!range.bounded() || range.to <= range.from)
    throw Error(ErrorKind::BadInput, "--from/--to: indicators compare bounded periods; give both, --from before --to");
  return range;
}

const std::vector<std::string>& assessed_categories() {
  static const std::vector<std::string> names = {kCategoryKpis[0].name, kCategoryKpis[1].name, kCategoryKpis[2].name};
  return names;
}

std::string category_id(std::string_view category) {
  for (const auto& c : kCategoryKpis)
    if (category == c.name) return c.id;
  return std::string(category);
}

std::string category_of(const Workspace& ws, std::string_view id_or_name) {
  std::string name(id_or_name);
  for (const auto& c : kCategoryKpis)
    if (id_or_name == c.id) name = c.name;
  const auto& names = incident_layer(ws, kIncidents).table.category_names;
  return std::find(names.begin(), names.end(), name) == names.end() ? std::string() : name;
}

std::vector<Kpi> kpis(const Workspace& ws, TimeRange period) {
  const auto p = analysis::compared_periods(period);
  std::vector<Kpi> out;
  if (has_layer(ws, kIncidents)) {
    IncidentLayer inc = incident_layer(ws, kIncidents);
    const auto& table = inc.table;
    std::vector<std::string> named;
    auto add_category = [&](const std::string& name, std::string id, std::string title, int good) {
      int code = category_code(table, name);
      if (code < 0) return;
      named.push_back(name);
      out.push_back(compared(std::move(id), std::move(title), "起", good, p, [&](TimeRange r) {
        return analysis::count_in_range(table.times, table.category, static_cast<uint8_t>(code), r);
      }));
    };
    for (const auto& c : kCategoryKpis) add_category(c.name, c.id, c.title, c.good_direction);
    for (const auto& name : table.category_names)
      if (std::find(named.begin(), named.end(), name) == named.end()) add_category(name, name, name, 0);
    out.push_back(compared("incidents", "案事件总数", "起", -1, p,
                           [&](TimeRange r) { return analysis::count_in_range(table.times, r); }));
    if (has_layer(ws, kCompounds)) {
      auto unit = compound_of_incident(ws, *inc.snapshot);
      const size_t compounds = ws.snapshot(kCompounds)->size();
      Kpi k = compared("zero_incident_compounds", "零发案小区", "个", +1, p, [&](TimeRange r) {
        return static_cast<int64_t>(analysis::units_without_rows(unit, table.times, compounds, r).size());
      });
      k.items = compound_names(ws, analysis::units_without_rows(unit, table.times, compounds, period));
      out.push_back(std::move(k));
    }
  }
  for (const auto& c : kCaseLayers) {
    if (!has_layer(ws, c.layer)) continue;
    CaseDates d = case_dates(ws, c.layer);
    std::string prefix = c.prefix;
    out.push_back(compared(prefix + "_found", d.title + "发现", d.unit, 0, p,
                           [&](TimeRange r) { return analysis::count_in_range(d.found, r); }));
    out.push_back(compared(prefix + "_fixed", d.title + "已整改", d.unit, +1, p,
                           [&](TimeRange r) { return analysis::count_in_range(d.fixed, r); }));
    out.push_back(compared(prefix + "_open", d.title + "未整改", d.unit, -1, p,
                           [&](TimeRange r) { return analysis::open_at(d.found, d.fixed, r.to); }));
  }
  if (has_layer(ws, "cameras")) {
    auto snap = ws.snapshot("cameras");
    if (const Column* online = snap->column("online")) {
      int64_t known = 0, up = 0;
      for (size_t r = 0; r < snap->size(); ++r)
        if (online->valid[r]) ++known, up += online->number(r) == 1;
      out.push_back(without_history("cameras_online_rate", "摄像头在线率", "%", analysis::percent(up, known), +1));
    }
  }
  if (has_layer(ws, "special_persons")) {
    RestrictedCounts counts = restricted_counts(ws);
    for (const auto& [category, n] : counts.per_category) {
      auto id = kSpecialIds.find(category);
      out.push_back(without_history("special_" + (id == kSpecialIds.end() ? category : id->second), category, "人",
                                    static_cast<double>(n), 0));
    }
  }
  return out;
}

std::vector<analysis::MonthCount> incident_trend(const Workspace& ws, std::string_view category, TimeRange period,
                                                 int months) {
  IncidentLayer inc = incident_layer(ws, kIncidents);
  analysis::IncidentFilter all;
  if (!category.empty()) {
    all.categories = inc.table.category_bit(category);
    if (!all.categories)
      throw Error(ErrorKind::NotFound, "no incident has category '" + std::string(category) + "'");
  }
  return analysis::trailing_months(inc.table.times, analysis::select_rows(inc.table, all), period, months);
}

std::vector<uint32_t> zero_incident_compounds(const Workspace& ws, TimeRange period) {
  IncidentLayer inc = incident_layer(ws, kIncidents);
  return analysis::units_without_rows(compound_of_incident(ws, *inc.snapshot), inc.table.times,
                                      ws.snapshot(kCompounds)->size(), period);
}

std::vector<BlockRate> top_blocks(const Workspace& ws, TimeRange period, size_t n) {
  IncidentLayer inc = incident_layer(ws, kIncidents);
  auto blocks = ws.snapshot(kBlocks);
  auto rows = analysis::rows_in_range(inc.table.times, period);
  auto block_of = analysis::locate_blocks(blocks->geometries, inc.snapshot->lon, inc.snapshot->lat, rows);
  auto counts = analysis::count_per_unit(block_of, blocks->size());
  std::vector<double> households(blocks->size(), std::nan(""));
  if (const Column* hh = blocks->column("households"))
    for (size_t b = 0; b < blocks->size(); ++b) households[b] = hh->number(b);
  auto rates = analysis::rate_per_100_households(counts, households);
  const Column* number = blocks->column("block_no");
  std::vector<BlockRate> out;
  for (uint32_t b : analysis::top_units_by_rate(rates, counts, n))
    out.push_back({b, number ? number->text(b) : std::to_string(blocks->ids[b]), counts[b], households[b], rates[b]});
  return out;
}

std::vector<Rectification> rectification(const Workspace& ws, TimeRange period) {
  std::vector<Rectification> out;
  for (const auto& c : kCaseLayers) {
    if (!has_layer(ws, c.layer)) continue;
    CaseDates d = case_dates(ws, c.layer);
    TimeRange until_end;
    until_end.to = period.to;
    out.push_back({c.layer, d.title, d.unit, analysis::count_in_range(d.found, period),
                   analysis::count_in_range(d.fixed, period), analysis::open_at(d.found, d.fixed, period.to),
                   analysis::count_in_range(d.found, until_end)});
  }
  return out;
}

RestrictedCounts restricted_counts(const Workspace& ws, std::string_view layer) {
  LayerInfo info = ws.layer(layer);
  RestrictedCounts out{info.name, title_of(info), {}, {}, 0};
  // Only the two fields counted are read, and no position: nothing personal is in memory to leak.
  store::SnapshotOptions options;
  options.query.with_geometry = false;
  options.fields = std::vector<std::string>{};
  if (info.field_index("category") >= 0) options.fields->push_back("category");
  if (info.field_index("block_no") >= 0) options.fields->push_back("block_no");
  options.time_field.clear();
  auto snap = store::load_snapshot(ws.store(), layer, options);
  auto blocks = ws.snapshot(kBlocks);
  out.per_block.assign(blocks->size(), 0);
  std::map<int64_t, size_t> row_of_block;
  if (const Column* number = blocks->column("block_no"))
    for (size_t b = 0; b < blocks->size(); ++b)
      if (number->valid[b]) row_of_block[static_cast<int64_t>(number->number(b))] = b;
  std::map<std::string, int64_t> per_category;
  const Column* category = snap->column("category");
  const Column* block_no = snap->column("block_no");
  for (size_t r = 0; r < snap->size(); ++r) {
    ++out.total;
    if (category && category->valid[r]) ++per_category[category->text(r)];
    if (block_no && block_no->valid[r])
      if (auto it = row_of_block.find(static_cast<int64_t>(block_no->number(r))); it != row_of_block.end())
        ++out.per_block[it->second];
  }
  out.per_category.assign(per_category.begin(), per_category.end());
  std::stable_sort(out.per_category.begin(), out.per_category.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

SceneFigures scene_figures(const Workspace& ws, const SceneRequest& request) {
  SceneFigures out;
  out.period = request.period;
  auto has = [](const std::vector<std::string>& v, std::string_view name) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  if (!request.tiles.empty()) {
    auto all = kpis(ws, request.period);
    for (const auto& id : request.tiles) {
      auto it = std::find_if(all.begin(), all.end(), [&](const Kpi& k) { return k.id == id; });
      out.tiles.push_back(it != all.end() ? *it : without_history(id, id, "", std::nan(""), 0));
    }
  }
  for (const auto& chart : request.charts) {
    if (!chart.starts_with("trend:")) continue;
    std::string id = chart.substr(6), category = category_of(ws, id);
    if (category.empty())
      out.trends.push_back({id, {}});
    else
      out.trends.push_back({category, incident_trend(ws, category, request.period)});
  }
  if (has(request.charts, "top_blocks") || has(request.highlight, "top_blocks"))
    out.top_blocks = top_blocks(ws, request.period);
  if (has(request.charts, "rectification")) out.rectification = rectification(ws, request.period);
  if (has(request.charts, "special_persons") || has(request.highlight, "special_persons"))
    out.special_persons = restricted_counts(ws);
  if (has(request.charts, "zero_compounds") || has(request.highlight, "zero_incident_compounds")) {
    out.zero_compounds = zero_incident_compounds(ws, request.period);
    out.zero_compound_names = compound_names(ws, out.zero_compounds);
  }
  return out;
}

}  // namespace sitmap::services
