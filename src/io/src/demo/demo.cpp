// The demo district's operational layers (cameras, cases, people, incidents) and its writing into a store.
#include "sitmap/io/demo.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "district.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::io {

namespace demo {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kCameras = 189;
constexpr int kDays = 730;

// Days since 1970 of the first day of the two years; the last day is kDemoLastDay.
int64_t first_day() { return days_from_civil(kDemoLastDay.year, kDemoLastDay.month, kDemoLastDay.day) - kDays + 1; }
std::string date_of(int64_t day) { return format_iso_time(day * 86400).substr(0, 10); }

// Index of a weighted draw from cumulative weights.
size_t draw(const std::vector<double>& cumulative, Random& rng) {
  double x = rng.uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min(static_cast<size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

std::vector<double> cumulate(const std::vector<double>& weights) {
  std::vector<double> out(weights.size());
  double sum = 0;
  for (size_t i = 0; i < weights.size(); ++i) out[i] = sum += weights[i];
  if (sum <= 0) throw Error(ErrorKind::Internal, "demo: nothing to draw from");
  return out;
}

// Which block holds a point (grid metres); -1 when none strictly contains it.
class BlockIndex {
 public:
  explicit BlockIndex(const std::vector<Block>& blocks) {
    for (auto& b : blocks) {
      boxes_.push_back(b.polygon.bbox());
      prepared_.emplace_back(b.polygon);
    }
  }
  int find(XY p) const {
    for (size_t i = 0; i < boxes_.size(); ++i)
      if (boxes_[i].contains(p) && prepared_[i].contains(p)) return static_cast<int>(i);
    return -1;
  }

 private:
  std::vector<BBox> boxes_;
  std::vector<geo::PreparedGeometry> prepared_;
};

struct Case {
  std::string status, found_on;
  Value fixed_on;
};

// A case found some day in the two years; older cases are more often put right.
Case case_dates(Random& rng) {
  Case c;
  int64_t day = rng.integer(0, kDays - 1), age = kDays - 1 - day;
  double r = rng.uniform();
  if (age < 30)
    c.status = r < 0.6 ? "发现" : "整改中";
  else if (age < 120)
    c.status = r < 0.15 ? "发现" : r < 0.5 ? "整改中" : "已整改";
  else
    c.status = r < 0.05 ? "发现" : r < 0.15 ? "整改中" : "已整改";
  c.found_on = date_of(first_day() + day);
  if (c.status == "已整改") c.fixed_on = date_of(first_day() + day + std::min(rng.integer(3, 90), age));
  return c;
}

// An identity-card-like number: district 310101, birth date, sequence (odd for men), and a check character that
// is deliberately wrong, so that no generated number can be a real person's.
std::string fake_id_number(Random& rng, bool male, int64_t birth_day) {
  std::string date = date_of(birth_day);
  std::string s = "310101" + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
  int64_t seq = rng.integer(0, 499) * 2 + (male ? 1 : 0);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", static_cast<int>(seq));
  s += buf;
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (s[static_cast<size_t>(i)] - '0') * weights[i];
  static const char checks[] = "10X98765432";
  return s + checks[(sum + 1) % 11];
}

struct Category {
  const char* name;
  double share;
  int severity_lo, severity_hi;
  double trend_start, trend_end;  // relative intensity at the start and the end of the two years
  double winter, summer;          // seasonal swing
  bool residential;               // drawn towards households rather than street frontage
  std::array<double, 24> hours;
};

// Burglary and vehicle theft fall over the two years (as the centre reports), telecom fraud rises slightly.
const std::array<Category, 7> kCategories = {{
    {"入民宅盗窃", 0.08, 2, 4, 1.30, 0.70, 0.0, 0.0, true, {1, 1, 1, 1, 1, 1, 2, 3, 4, 6, 6, 5,
                                                            4, 5, 6, 6, 5, 4, 3, 2, 2, 2, 1, 1}},
    {"三车盗窃", 0.12, 1, 3, 1.25, 0.75, 0.0, 0.1, false, {3, 3, 3, 2, 2, 2, 2, 3, 4, 4, 4, 4,
                                                           4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 4, 4}},
    {"电信诈骗", 0.15, 2, 4, 0.90, 1.10, 0.0, 0.0, true, {0, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 6,
                                                          4, 5, 6, 6, 5, 4, 3, 3, 2, 1, 1, 0}},
    {"矛盾纠纷", 0.30, 1, 3, 1.0, 1.0, 0.0, 0.15, true, {1, 1, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4,
                                                         4, 4, 4, 4, 5, 6, 7, 7, 6, 5, 3, 2}},
    {"火情", 0.03, 3, 5, 1.0, 1.0, 0.35, 0.0, true, {1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 4, 6,
                                                     5, 3, 3, 3, 4, 6, 7, 6, 4, 3, 2, 1}},
    {"群租投诉", 0.05, 1, 2, 1.0, 1.0, 0.0, 0.0, true, {0, 0, 0, 0, 0, 0, 1, 2, 4, 5, 5, 4,
                                                        3, 4, 5, 5, 4, 3, 3, 3, 2, 1, 1, 0}},
    {"其他", 0.27, 1, 3, 1.0, 1.0, 0.0, 0.1, false, {2, 2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4,
                                                     4, 4, 4, 4, 4, 5, 5, 5, 5, 4, 3, 3}},
}};

std::vector<Incident> make_incidents(const District& d, const BlockIndex& blocks, Random& rng, int64_t count) {
  const auto& addresses = d.addresses;
  std::vector<int> month(kDays);
  for (int i = 0; i < kDays; ++i) month[static_cast<size_t>(i)] = std::stoi(date_of(first_day() + i).substr(5, 2));
  std::vector<Incident> out;
  out.reserve(static_cast<size_t>(count));
  int64_t left = count;
  for (size_t ci = 0; ci < kCategories.size(); ++ci) {
    const Category& c = kCategories[ci];
    int64_t n = ci + 1 == kCategories.size() ? left : std::llround(c.share * static_cast<double>(count));
    left -= n;
    // Where: half background (households, or frontage for street crime), half the hotspots of the category.
    std::vector<double> base(addresses.size()), hot(addresses.size());
    double base_sum = 0, hot_sum = 0;
    for (size_t i = 0; i < addresses.size(); ++i) {
      const Address& a = addresses[i];
      double h = static_cast<double>(a.households);
      base[i] = c.residential ? h * (a.old_lane ? 1.6 : 1.0) : 1 + 0.3 * h;
      for (auto& spot : d.data.hotspots) {
        auto w = spot.weights.find(c.name);
        if (w == spot.weights.end()) continue;
        double dx = a.at.x - spot.at.x, dy = a.at.y - spot.at.y;
        hot[i] += w->second * std::exp(-(dx * dx + dy * dy) / (2 * spot.sigma * spot.sigma));
      }
      base_sum += base[i];
      hot_sum += hot[i];
    }
    std::vector<double> weights(addresses.size());
    for (size_t i = 0; i < addresses.size(); ++i)
      weights[i] = 0.45 * base[i] / base_sum + (hot_sum > 0 ? 0.55 * hot[i] / hot_sum : 0);
    auto where = cumulate(weights);
    std::vector<double> hour_weights(c.hours.begin(), c.hours.end());
    for (auto& w : hour_weights) w += 0.2;
    auto when = cumulate(hour_weights);
    double envelope = std::max(c.trend_start, c.trend_end) * (1 + c.winter + c.summer) * 1.2;
    for (int64_t k = 0; k < n; ++k) {
      int64_t day;
      for (;;) {  // rejection sampling of the day: trend, season and weekends
        day = rng.integer(0, kDays - 1);
        double s = static_cast<double>(day) / (kDays - 1);
        int m = month[static_cast<size_t>(day)];
        double rate = (c.trend_start + (c.trend_end - c.trend_start) * s) *
                      (1 + c.winter * std::cos(2 * kPi * (m - 1) / 12) + c.summer * std::cos(2 * kPi * (m - 7) / 12));
        if (weekday((first_day() + day) * 86400) >= 5 && !c.residential) rate *= 1.2;
        if (rng.uniform() * envelope < rate) break;
      }
      int64_t t = (first_day() + day) * 86400 + static_cast<int64_t>(draw(when, rng)) * 3600;
      t += rng.integer(0, 3599);  // a separate statement: the order of draws must not depend on the compiler
      size_t ai = draw(where, rng);
      XY at = addresses[ai].at;
      int block = addresses[ai].block;
      for (int tries = 0; tries < 5; ++tries) {
        XY p{at.x + 4 * rng.normal(), at.y + 4 * rng.normal()};
        int b = blocks.find(p);
        if (b >= 0) {
          at = p, block = b;
          break;
        }
      }
      out.push_back({t, ci, ai, at, rng.integer(c.severity_lo, c.severity_hi), block});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Incident& a, const Incident& b) { return a.time < b.time; });
  return out;
}

LayerInfo layer(std::string name, std::string zh, std::string en, GeomType type, LayerKind kind,
                std::vector<FieldDef> fields, const std::string& source) {
  LayerInfo info;
  info.style = name + ".toml";
  info.name = std::move(name);
  info.title_zh = std::move(zh);
  info.title_en = std::move(en);
  info.geom_type = type;
  info.kind = kind;
  info.fields = std::move(fields);
  info.source = source;
  return info;
}

constexpr FieldType I = FieldType::Integer, R = FieldType::Real, T = FieldType::Text;

Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

}  // namespace
}  // namespace demo

DemoSummary build_demo_district(store::Store& store, const DemoOptions& options) {
  using namespace demo;
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  if (options.incidents < 0) throw Error(ErrorKind::BadInput, "demo: the number of incidents cannot be negative");
  Random rng(options.seed);
  District d;
  d.data = load_district_data();
  lay_out(d, rng, 28500 + rng.integer(-300, 300));
  spdlog::info("demo: laid out {} compounds, {} buildings, {} door plates in {:.2f} s", d.compounds.size(),
               d.buildings.size(), d.addresses.size(), elapsed());
  divide_blocks(d, rng);
  spdlog::info("demo: divided into {} blocks in {:.2f} s", d.blocks.size(), elapsed());
  BlockIndex blocks(d.blocks);
  const GridFrame& frame = d.data.frame;
  auto point = [&](XY grid) { return Geometry::point(frame.to_lonlat(grid)); };
  auto block_no = [&](int block) { return block >= 0 ? Value{d.blocks[static_cast<size_t>(block)].number} : Value{}; };
  auto compound_name = [&](int c) { return c >= 0 ? Value{d.compounds[static_cast<size_t>(c)].name} : Value{}; };

  const std::string source = std::string(kDemoSource) + " (sitmap demo, seed " + std::to_string(options.seed) + ")";
  std::vector<std::pair<LayerInfo, std::vector<Feature>>> layers;
  auto add = [&](LayerInfo info) -> std::vector<Feature>& {
    layers.emplace_back(std::move(info), std::vector<Feature>{});
    return layers.back().second;
  };

  int64_t households = 0;
  for (auto& a : d.addresses) households += a.households;
  {
    auto& rows = add(layer("boundary", "街道边界", "Boundary", GeomType::Polygon, LayerKind::Basemap,
                           {{"name", T}, {"name_en", T}, {"area_km2", R}, {"households", I}}, source));
    Geometry g = Geometry::polygon(d.data.boundary);
    rows.push_back({0, frame.to_lonlat(g), {d.data.name, d.data.name_en, geo::area(g) / 1e6, households}});
  }
  {
    auto& rows = add(layer("streets", "道路", "Streets", GeomType::LineString, LayerKind::Basemap,
                           {{"name", T}, {"name_en", T}, {"class", T}}, source));
    for (auto& s : d.data.streets)
      rows.push_back({0, frame.to_lonlat(Geometry::line(s.line)), {s.name, s.name_en, s.road_class}});
  }
  {
    auto& rows = add(layer("buildings", "建筑", "Buildings", GeomType::Polygon, LayerKind::Basemap,
                           {{"kind", T}, {"floors", I}, {"compound", T}}, source));
    for (auto& b : d.buildings)
      rows.push_back({0, frame.to_lonlat(b.polygon), {b.kind, b.floors, compound_name(b.compound)}});
  }
  {
    auto& rows = add(layer("compounds", "小区", "Compounds", GeomType::Polygon, LayerKind::Basemap,
                           {{"name", T}, {"street", T}, {"households", I}, {"buildings", I}}, source));
    for (auto& c : d.compounds)
      rows.push_back({0, frame.to_lonlat(c.polygon), {c.name, c.street, c.households, c.buildings}});
  }
  {
    auto& rows =
        add(layer("addresses", "门牌", "Addresses", GeomType::Point, LayerKind::Basemap,
                  {{"address", T}, {"households", I}, {"street", T}, {"compound", T}, {"block_no", I}}, source));
    for (auto& a : d.addresses)
      rows.push_back({0, point(a.at), {a.text, a.households, a.street, compound_name(a.compound), block_no(a.block)}});
  }
  {
    auto& rows =
        add(layer("blocks", "网格", "Grid blocks", GeomType::Polygon, LayerKind::Operational,
                  {{"block_no", I}, {"leader", T}, {"households", I}, {"addresses", I}, {"compound", T}}, source));
    for (auto& b : d.blocks)
      rows.push_back(
          {0, frame.to_lonlat(b.polygon), {b.number, b.leader, b.households, b.addresses, text_or_null(b.compound)}});
  }
  {
    auto& rows = add(layer(
        "cameras", "摄像头", "Cameras", GeomType::Point, LayerKind::Operational,
        {{"code", T}, {"direction", I}, {"fov", I}, {"range_m", I}, {"online", I}, {"compound", T}, {"block_no", I}},
        source));
    // Five per compound, the rest by area (largest remainder).
    std::vector<double> areas;
    double total_area = 0;
    for (auto& c : d.compounds) total_area += areas.emplace_back(geo::area(c.polygon));
    std::vector<int64_t> per(d.compounds.size(), 5);
    int64_t spare = kCameras - 5 * static_cast<int64_t>(d.compounds.size());
    std::vector<std::pair<double, size_t>> remainders;
    int64_t given = 0;
    for (size_t i = 0; i < per.size(); ++i) {
      double exact = static_cast<double>(spare) * areas[i] / total_area;
      per[i] += static_cast<int64_t>(exact);
      given += static_cast<int64_t>(exact);
      remainders.emplace_back(exact - std::floor(exact), i);
    }
    std::sort(remainders.begin(), remainders.end(),
              [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (size_t i = 0; given < spare; ++i, ++given) ++per[remainders[i].second];
    int code = 0;
    for (size_t ci = 0; ci < d.compounds.size(); ++ci) {
      const Compound& c = d.compounds[ci];
      geo::PreparedGeometry inside(geo::buffer(c.polygon, -3));
      BBox b = c.polygon.bbox();
      for (int64_t k = 0; k < per[ci]; ++k) {
        XY p;
        int tries = 0;
        do {
          if (++tries > 10000) throw Error(ErrorKind::Internal, "demo: no room for a camera in " + c.name);
          p = {rng.uniform(b.minx, b.maxx), rng.uniform(b.miny, b.maxy)};
        } while (!inside.contains(p));
        char buf[24];
        std::snprintf(buf, sizeof buf, "HH-CAM-%04d", ++code);
        rows.push_back({0,
                        point(p),
                        {std::string(buf), rng.integer(0, 359), 5 * rng.integer(12, 22), rng.integer(25, 80),
                         int64_t{rng.chance(0.963) ? 1 : 0}, c.name, block_no(blocks.find(p))}});
      }
    }
  }
  // Door plates with households, weighted for where cases are found.
  auto draw_addresses = [&](int64_t n, double old_lane, double compound, double other) {
    std::vector<double> w(d.addresses.size());
    for (size_t i = 0; i < w.size(); ++i) {
      const Address& a = d.addresses[i];
      w[i] = a.households == 0 ? 0 : a.old_lane ? old_lane : a.compound >= 0 ? compound : other;
    }
    std::vector<size_t> out;
    std::set<size_t> used;
    auto cumulative = cumulate(w);
    while (static_cast<int64_t>(out.size()) < n)
      if (size_t i = draw(cumulative, rng); used.insert(i).second) out.push_back(i);
    return out;
  };
  {
    auto& rows = add(layer("group_rentals", "群租", "Group rentals", GeomType::Point, LayerKind::Operational,
                           {{"kind", T},
                            {"status", T},
                            {"found_on", T},
                            {"fixed_on", T},
                            {"address", T},
                            {"residents", I},
                            {"block_no", I}},
                           source));
    static const std::vector<std::string> kinds = {"隔断群租", "床位出租", "违规日租", "员工宿舍"};
    for (size_t ai : draw_addresses(60 + rng.integer(-4, 4), 4, 1, 0.5)) {
      const Address& a = d.addresses[ai];
      Case c = case_dates(rng);
      rows.push_back(
          {0,
           point(a.at),
           {pick(kinds, rng), c.status, c.found_on, c.fixed_on, a.text, rng.integer(6, 24), block_no(a.block)}});
    }
  }
  {
    auto& rows = add(
        layer("fire_hazards", "消防隐患", "Fire hazards", GeomType::Point, LayerKind::Operational,
              {{"kind", T}, {"status", T}, {"found_on", T}, {"fixed_on", T}, {"address", T}, {"block_no", I}}, source));
    static const std::vector<std::string> kinds = {"电动自行车违规充电", "飞线充电",     "堵塞消防通道",
                                                   "违规用火用电",       "消防设施损坏", "易燃杂物堆放"};
    for (size_t ai : draw_addresses(120 + rng.integer(-6, 6), 3, 1, 1)) {
      const Address& a = d.addresses[ai];
      Case c = case_dates(rng);
      rows.push_back({0, point(a.at), {pick(kinds, rng), c.status, c.found_on, c.fixed_on, a.text, block_no(a.block)}});
    }
  }
  {
    auto& rows = add(layer("special_persons", "特殊人员", "Special persons", GeomType::Point, LayerKind::Sensitive,
                           {{"category", T},
                            {"name", T},
                            {"gender", T},
                            {"address", T},
                            {"id_number", T},
                            {"managed_since", T},
                            {"block_no", I}},
                           source));
    struct Kind {
      const char* name;
      double share, male;
    };
    static const std::array<Kind, 4> kinds = {
        {{"刑释解教人员", 0.35, 0.8}, {"精神病人员", 0.30, 0.5}, {"吸毒人员", 0.25, 0.75}, {"邪教人员", 0.10, 0.4}}};
    std::vector<double> shares;
    for (auto& k : kinds) shares.push_back(k.share);
    auto cumulative = cumulate(shares);
    for (size_t ai : draw_addresses(80 + rng.integer(-5, 5), 1.5, 1, 0.3)) {
      const Address& a = d.addresses[ai];
      const Kind& k = kinds[draw(cumulative, rng)];
      bool male = rng.chance(k.male);
      int64_t birth = days_from_civil(static_cast<int>(rng.integer(1950, 2002)), 1, 1);
      birth += rng.integer(0, 364);
      std::string name = fake_name(d.data, rng), id = fake_id_number(rng, male, birth);
      // A flat behind the door plate (the plates themselves are public, in the addresses layer), from the ID
      // number rather than the random stream, so every other layer stays as it was.
      uint32_t h = 2166136261u;
      for (unsigned char c : id) h = (h ^ c) * 16777619u;
      std::string flat = a.text + " " + std::to_string(101 + h % 6 * 100 + h / 6 % 4) + " 室";
      rows.push_back({0,
                      point(a.at),
                      {k.name, name, male ? "男" : "女", flat, id, date_of(first_day() - rng.integer(0, 3650)),
                       block_no(a.block)}});
    }
  }
  {
    auto& rows =
        add(layer("incidents", "案事件", "Incidents", GeomType::Point, LayerKind::Operational,
                  {{"category", T}, {"severity", I}, {"occurred_at", T}, {"address", T}, {"block_no", I}}, source));
    auto incidents = make_incidents(d, blocks, rng, options.incidents);
    keep_campaign_compounds_clear(d, incidents, rng, [&](XY p) { return blocks.find(p); });
    rows.reserve(incidents.size());
    for (auto& e : incidents)
      rows.push_back({0,
                      point(e.at),
                      {std::string(kCategories[e.category].name), e.severity, format_iso_time(e.time),
                       d.addresses[e.address].text, block_no(e.block)}});
  }
  spdlog::info("demo: generated every layer in {:.2f} s", elapsed());

  DemoSummary summary;
  summary.households = households;
  store.write([&](store::Writer& w) {
    for (auto& [info, rows] : layers) {
      w.create_layer(info);
      if (info.kind == LayerKind::Sensitive) {  // the special persons go in sealed, or not at all
        if (!options.seal) rows.clear();
        int64_t id = 0;
        for (auto& f : rows) {
          f.id = ++id;
          w.insert_sealed(info.name, options.seal(info, f));
        }
      } else {
        for (auto& f : rows) w.insert(info.name, f);
      }
      summary.counts[info.name] = static_cast<int64_t>(rows.size());
    }
    w.set_metadata("source", source);
    w.set_metadata("demo.seed", std::to_string(options.seed));
    w.set_metadata("demo.last_day", date_of(first_day() + kDays - 1));
  });
  summary.seconds = elapsed();
  spdlog::info("demo: written in {:.2f} s", summary.seconds);
  return summary;
}

DemoSummary write_demo_district(const std::filesystem::path& file, const DemoOptions& options, bool overwrite) {
  namespace fs = std::filesystem;
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorKind::NotFound, dir.string() + ": no such directory (for " + file.string() + ")");
  if (fs::exists(file, ec) && !overwrite)
    throw Error(ErrorKind::BadInput, file.string() + ": already exists; use --force to replace it");
  fs::path tmp = file.string() + ".tmp-" + std::to_string(::getpid());
  auto remove_db = [](const fs::path& f) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(f.string() + suffix, ignored);
  };
  remove_db(tmp);
  DemoSummary summary;
  try {
    {
      auto store = store::open_spatialite(tmp, store::OpenMode::Create);
      summary = build_demo_district(*store, options);
    }  // closing the last connection checkpoints the WAL into the file
    // The old file's journal must not outlive it: SQLite would apply it to the new database.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(file.string() + suffix, ec);
    fs::rename(tmp, file);
  } catch (const fs::filesystem_error& e) {
    remove_db(tmp);
    throw Error(ErrorKind::ReadOnly, file.string() + ": cannot write: " + e.code().message());
  } catch (...) {
    remove_db(tmp);
    throw;
  }
  return summary;
}

}  // namespace sitmap::io
