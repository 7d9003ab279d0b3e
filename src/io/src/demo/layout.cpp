// Streets, compounds, buildings and door plates of the demo district.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "district.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/geo/geos.hpp"

namespace sitmap::io::demo {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxPieceArea = 60000;  // m²: larger land between streets is divided by an inner lane
constexpr double kMinPieceArea = 1500;
constexpr double kMinCompoundArea = 9000;

nlohmann::json read_json(const std::string& relative) {
  auto file = resource_path(relative);
  std::ifstream in(file);
  if (!in)
    throw Error(ErrorKind::NotFound, file.string() + ": demo input missing (set SITMAP_HOME to the sitmap folder)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::BadInput, file.string() + ": " + e.what());
  }
}

XY lonlat_of(const nlohmann::json& pair) { return {pair.at(0).get<double>(), pair.at(1).get<double>()}; }

double half_width(const std::string& road_class) {
  if (road_class == "primary") return 15;
  if (road_class == "secondary") return 10;
  if (road_class == "tertiary") return 8;
  return 6;
}

Polygon box(double minx, double miny, double maxx, double maxy) {
  return Polygon{{Ring{{minx, miny}, {maxx, miny}, {maxx, maxy}, {minx, maxy}, {minx, miny}}}};
}

double polygon_area(const Polygon& p) { return geo::area(Geometry::polygon(p)); }

// The largest polygon of a (multi)polygon result; empty when there is none.
std::optional<Polygon> largest(const Geometry& g) {
  std::optional<Polygon> best;
  double best_area = 0;
  for (auto& p : g.polygons) {
    if (p.rings.empty() || p.rings[0].size() < 4) continue;
    double a = polygon_area(p);
    if (a > best_area) best_area = a, best = p;
  }
  return best;
}

struct Streets {
  const std::vector<Street>& list;
  std::vector<Geometry> lines;

  explicit Streets(const std::vector<Street>& streets) : list(streets) {
    for (auto& s : streets) lines.push_back(Geometry::line(s.line));
  }
  // The nearest street to a geometry, optionally only of the main classes.
  int nearest(const Geometry& g, bool main_only = false, double* distance = nullptr) const {
    int best = -1;
    double best_d = 1e300;
    for (size_t i = 0; i < list.size(); ++i) {
      if (main_only && list[i].road_class != "primary" && list[i].road_class != "secondary") continue;
      double dist = geo::distance(lines[i], g);
      if (dist < best_d) best_d = dist, best = static_cast<int>(i);
    }
    if (distance) *distance = best_d;
    return best;
  }
};

// Shanghai numbering: east-west roads count from the east, north-south roads from the north, odd numbers on
// one side and even on the other, about one number per 3.5 m of frontage.
class DoorNumbers {
 public:
  int64_t next(const Street& s, XY at) {
    double along = std::max(0.0, s.along_u ? s.hi - at.x : s.hi - at.y);
    bool odd = s.along_u ? at.y > s.across : at.x < s.across;
    int64_t n = 2 * static_cast<int64_t>(along / 7.0) + (odd ? 1 : 2);
    while (!used_.insert({s.name, n}).second) n += 2;
    return n;
  }

 private:
  std::set<std::pair<std::string, int64_t>> used_;
};

struct Door {
  XY at;
  int64_t raw_households;
};

// Doors along the south face of a row building, just inside it; slightly staggered so that a straight
// block boundary can pass between two doors of one row.
std::vector<Door> doors_of(double u0, double v0, double length, int count, int64_t households_each, Random& rng) {
  std::vector<Door> out;
  for (int i = 0; i < count; ++i)
    out.push_back({{u0 + (i + 0.5) * length / count, v0 + 1.2 + rng.uniform(0, 1.5)}, households_each});
  return out;
}

}  // namespace

GridFrame::GridFrame(XY origin, double angle_deg)
    : origin_(origin),
      mx_(111320.0 * std::cos(origin.y * kPi / 180)),
      my_(110574.0),
      cos_(std::cos(angle_deg * kPi / 180)),
      sin_(std::sin(angle_deg * kPi / 180)) {}

XY GridFrame::to_grid(XY ll) const {
  double x = (ll.x - origin_.x) * mx_, y = (ll.y - origin_.y) * my_;
  return {x * cos_ + y * sin_, -x * sin_ + y * cos_};
}

XY GridFrame::to_lonlat(XY g) const {
  double x = g.x * cos_ - g.y * sin_, y = g.x * sin_ + g.y * cos_;
  return {origin_.x + x / mx_, origin_.y + y / my_};
}

Geometry GridFrame::to_lonlat(const Geometry& g) const {
  Geometry out = g;
  for (auto& p : out.points) p = to_lonlat(p);
  for (auto& l : out.lines)
    for (auto& p : l) p = to_lonlat(p);
  for (auto& poly : out.polygons)
    for (auto& r : poly.rings)
      for (auto& p : r) p = to_lonlat(p);
  return out;
}

DistrictData load_district_data() {
  DistrictData d;
  const std::string district_file = "data/huaihai/district.json", names_file = "data/huaihai/names.json";
  auto j = read_json(district_file);
  try {
    d.name = j.at("name").get<std::string>();
    d.name_en = j.at("name_en").get<std::string>();
    d.frame = GridFrame(lonlat_of(j.at("origin")), j.at("grid_angle_deg").get<double>());
    Ring shell;
    for (auto& p : j.at("boundary")) shell.push_back(d.frame.to_grid(lonlat_of(p)));
    d.boundary.rings.push_back(std::move(shell));
    for (auto& js : j.at("streets")) {
      Street s;
      s.name = js.at("name").get<std::string>();
      s.name_en = js.at("name_en").get<std::string>();
      s.road_class = js.at("class").get<std::string>();
      s.half_width = half_width(s.road_class);
      for (auto& p : js.at("line")) s.line.push_back(d.frame.to_grid(lonlat_of(p)));
      if (s.line.size() < 2) throw Error(ErrorKind::BadInput, "street " + s.name + " has fewer than 2 points");
      s.along_u = std::abs(s.line.back().x - s.line.front().x) > std::abs(s.line.back().y - s.line.front().y);
      double sum = 0;
      s.lo = 1e300, s.hi = -1e300;
      for (auto& p : s.line) {
        sum += s.along_u ? p.y : p.x;
        s.lo = std::min(s.lo, s.along_u ? p.x : p.y);
        s.hi = std::max(s.hi, s.along_u ? p.x : p.y);
      }
      s.across = sum / static_cast<double>(s.line.size());
      d.streets.push_back(std::move(s));
    }
    for (auto& jh : j.at("hotspots")) {
      Hotspot h;
      h.name = jh.at("name").get<std::string>();
      h.at = d.frame.to_grid(lonlat_of(jh.at("at")));
      h.sigma = jh.at("sigma_m").get<double>();
      h.weights = jh.at("weights").get<std::map<std::string, double>>();
      d.hotspots.push_back(std::move(h));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::BadInput, resource_path(district_file).string() + ": " + e.what());
  }
  auto n = read_json(names_file);
  try {
    d.surnames = n.at("surnames").get<std::vector<std::string>>();
    d.given = n.at("given").get<std::vector<std::string>>();
    d.compound_prefixes = n.at("compound_prefixes").get<std::vector<std::string>>();
    d.compound_suffixes = n.at("compound_suffixes").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::BadInput, resource_path(names_file).string() + ": " + e.what());
  }
  if (d.surnames.empty() || d.given.empty() || d.compound_prefixes.empty() || d.compound_suffixes.empty())
    throw Error(ErrorKind::BadInput, resource_path(names_file).string() + ": a name list is empty");
  return d;
}

std::string fake_name(const DistrictData& data, Random& rng) {
  // One draw per statement: the order of evaluation of `a + b` is unspecified, and the draws must not vary.
  std::string name = pick(data.surnames, rng);
  name += pick(data.given, rng);
  if (rng.chance(0.6)) name += pick(data.given, rng);
  return name;
}

std::string street_short_name(const std::string& street) {
  // Keep at least two characters (UTF-8: 3 bytes each): 思南路 -> 思南, not 思.
  for (const char* suffix : {"中路", "南路", "东路", "西路", "北路", "路"}) {
    std::string s(suffix);
    if (street.size() >= s.size() + 6 && street.compare(street.size() - s.size(), s.size(), s) == 0)
      return street.substr(0, street.size() - s.size());
  }
  return street;
}

void lay_out(District& d, Random& rng, int64_t households) {
  const DistrictData& data = d.data;
  Streets streets(data.streets);

  // Land between the streets, each parcel cut further by inner lanes until none is larger than a compound.
  std::vector<Geometry> carriageways;
  for (size_t i = 0; i < data.streets.size(); ++i)
    carriageways.push_back(geo::buffer(streets.lines[i], data.streets[i].half_width));
  Geometry land = geo::difference(Geometry::polygon(data.boundary), geo::union_all(carriageways));
  std::vector<Polygon> queue = land.polygons, pieces;
  while (!queue.empty()) {
    Polygon p = std::move(queue.back());
    queue.pop_back();
    double a = polygon_area(p);
    if (a < kMinPieceArea) continue;
    if (a <= kMaxPieceArea) {
      pieces.push_back(std::move(p));
      continue;
    }
    BBox b = Geometry::polygon(p).bbox();
    bool across_u = b.width() > b.height();
    double mid = across_u ? b.minx + b.width() * rng.uniform(0.4, 0.6) : b.miny + b.height() * rng.uniform(0.4, 0.6);
    Geometry whole = Geometry::polygon(p);
    for (int side = 0; side < 2; ++side) {
      Polygon half = across_u ? (side ? box(mid + 3, b.miny - 1, b.maxx + 1, b.maxy + 1)
                                      : box(b.minx - 1, b.miny - 1, mid - 3, b.maxy + 1))
                              : (side ? box(b.minx - 1, mid + 3, b.maxx + 1, b.maxy + 1)
                                      : box(b.minx - 1, b.miny - 1, b.maxx + 1, mid - 3));
      for (auto& part : geo::intersection(whole, Geometry::polygon(half)).polygons) queue.push_back(std::move(part));
    }
  }
  // North to south, west to east, so that numbering and names follow the map.
  std::vector<std::pair<XY, Polygon>> ordered;
  for (auto& p : pieces) ordered.emplace_back(geo::centroid(Geometry::polygon(p)), std::move(p));
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (std::round(a.first.y / 50) != std::round(b.first.y / 50)) return a.first.y > b.first.y;
    return a.first.x < b.first.x;
  });

  // 26 compounds on the larger parcels, preferring those off the main roads (their frontage is shops and offices).
  std::vector<std::pair<double, size_t>> keyed;
  for (size_t i = 0; i < ordered.size(); ++i) {
    Geometry g = Geometry::polygon(ordered[i].second);
    if (polygon_area(ordered[i].second) < kMinCompoundArea) continue;
    double to_main = 0;
    streets.nearest(g, true, &to_main);
    keyed.emplace_back(rng.uniform() * (to_main < 25 ? 0.4 : 1.0), i);
  }
  if (keyed.size() < static_cast<size_t>(kCompounds))
    throw Error(ErrorKind::Internal, "demo: only " + std::to_string(keyed.size()) + " parcels can hold a compound");
  std::sort(keyed.begin(), keyed.end(),
            [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  std::vector<bool> is_compound(ordered.size(), false);
  for (int i = 0; i < kCompounds; ++i) is_compound[keyed[i].second] = true;

  DoorNumbers numbers;
  std::set<std::string> names;
  std::vector<int64_t> raw;  // households before scaling, parallel to d.addresses
  auto add_building = [&](const Polygon& footprint, std::string kind, int64_t floors, int compound) {
    d.buildings.push_back({Geometry::polygon(footprint), std::move(kind), floors, compound});
    return static_cast<int>(d.buildings.size() - 1);
  };
  auto add_address = [&](const Door& door, std::string text, const std::string& street, int compound, int building,
                         bool old_lane) {
    Address a;
    a.at = door.at;
    a.text = std::move(text);
    a.street = street;
    a.compound = compound;
    a.building = building;
    a.old_lane = old_lane;
    d.addresses.push_back(std::move(a));
    raw.push_back(door.raw_households);
  };

  for (size_t pi = 0; pi < ordered.size(); ++pi) {
    const Polygon& piece = ordered[pi].second;
    Geometry piece_g = Geometry::polygon(piece);
    const Street& lane_street = data.streets[static_cast<size_t>(streets.nearest(piece_g))];
    if (is_compound[pi]) {
      auto shape = largest(geo::buffer(piece_g, -6));
      if (!shape) continue;
      Compound c;
      c.polygon = Geometry::polygon(*shape);
      c.street = lane_street.name;
      std::string name = street_short_name(c.street) + pick(data.compound_suffixes, rng);
      for (int tries = 0; names.count(name); ++tries) {
        name = pick(data.compound_prefixes, rng);
        name += pick(data.compound_suffixes, rng);
        if (tries > 50) name += std::to_string(tries);
      }
      names.insert(name);
      c.name = name;
      int ci = static_cast<int>(d.compounds.size());
      std::string lane = c.street + " " + std::to_string(numbers.next(lane_street, geo::centroid(c.polygon))) + " 弄 ";
      int64_t door_no = 0;
      // Rows of slab blocks facing south, spaced for sunlight: 6-storey walk-ups, some 11-18 storey towers.
      BBox b = c.polygon.bbox();
      for (double v = b.miny + 4 + rng.uniform(0, 6); v + 12 < b.maxy - 2;) {
        bool tall = rng.chance(0.2);
        int64_t floors = tall ? rng.integer(11, 18) : 6;
        for (double u = b.minx + 3 + rng.uniform(0, 8); u + 20 < b.maxx;) {
          double len = rng.uniform(28, 60);
          Polygon slab = box(u, v, u + len, v + 12);
          if (geo::covers(c.polygon, Geometry::polygon(slab))) {
            int bi = add_building(slab, tall ? "高层住宅" : "多层住宅", floors, ci);
            int units = std::max(1, static_cast<int>(std::lround(len / 14)));
            for (auto& door : doors_of(u, v, len, units, floors * 2, rng))
              add_address(door, lane + std::to_string(++door_no) + " 号", c.street, ci, bi, false);
            ++c.buildings;
          }
          u += len + rng.uniform(8, 14);
        }
        v += 12 + (tall ? 32 : 18) + rng.uniform(0, 4);
      }
      if (c.buildings == 0) throw Error(ErrorKind::Internal, "demo: compound " + c.name + " has no room for buildings");
      d.compounds.push_back(std::move(c));
      continue;
    }
    // Old lanes (旧式里弄): terraces two bays deep along narrow lanes; the row on a main street is shop-houses.
    auto shape = largest(geo::buffer(piece_g, -4));
    if (!shape) continue;
    Geometry area = Geometry::polygon(*shape);
    std::string lane;
    int64_t door_no = 0;
    BBox b = area.bbox();
    int rows = 0;
    for (double v = b.miny + rng.uniform(0, 3); v + 10 < b.maxy; ++rows) {
      if (rows % 4 == 0) {  // a lane (弄) from the street every few rows
        lane = lane_street.name + " " + std::to_string(numbers.next(lane_street, {b.center().x, v})) + " 弄 ";
        door_no = 0;
      }
      for (double u = b.minx + rng.uniform(0, 4); u + 12 < b.maxx;) {
        double len = rng.uniform(18, 42);
        Polygon row = box(u, v, u + len, v + 10);
        Geometry row_g = Geometry::polygon(row);
        if (geo::covers(area, row_g)) {
          double to_main = 0;
          int main = streets.nearest(row_g, true, &to_main);
          if (main >= 0 && to_main < 22) {
            int bi = add_building(row, "商住", 3, -1);
            const Street& s = data.streets[static_cast<size_t>(main)];
            for (auto& door :
                 doors_of(u, v, len, std::max(1, static_cast<int>(std::lround(len / 8))), rng.chance(0.4) ? 1 : 0, rng))
              add_address(door, s.name + " " + std::to_string(numbers.next(s, door.at)) + " 号", s.name, -1, bi, false);
          } else {
            int bi = add_building(row, "旧式里弄", rng.integer(2, 3), -1);
            for (auto& door :
                 doors_of(u, v, len, std::max(1, static_cast<int>(std::lround(len / 7))), rng.integer(2, 5), rng))
              add_address(door, lane + std::to_string(++door_no) + " 号", lane_street.name, -1, bi, true);
          }
        }
        u += len + rng.uniform(3, 6);
      }
      v += 10 + rng.uniform(4, 6);
    }
  }
  if (d.compounds.size() != static_cast<size_t>(kCompounds))
    throw Error(ErrorKind::Internal, "demo: laid out " + std::to_string(d.compounds.size()) + " compounds");

  // Scale the doors' households to the district's total, distributing the remainder by largest fraction.
  double raw_sum = 0;
  for (auto r : raw) raw_sum += static_cast<double>(r);
  if (raw_sum <= 0) throw Error(ErrorKind::Internal, "demo: no households laid out");
  std::vector<std::pair<double, size_t>> remainders;
  int64_t assigned = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    double exact = static_cast<double>(raw[i]) * static_cast<double>(households) / raw_sum;
    d.addresses[i].households = static_cast<int64_t>(std::floor(exact));
    assigned += d.addresses[i].households;
    remainders.emplace_back(exact - std::floor(exact), i);
  }
  std::sort(remainders.begin(), remainders.end(),
            [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  for (size_t i = 0; assigned < households && i < remainders.size(); ++i, ++assigned)
    ++d.addresses[remainders[i].second].households;
  for (auto& a : d.addresses)
    if (a.compound >= 0) d.compounds[static_cast<size_t>(a.compound)].households += a.households;
}

}  // namespace sitmap::io::demo
