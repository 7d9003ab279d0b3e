// The demo district's model in memory, before it is written to a store. Geometry is built in "grid"
// metres: a local plane around the district's origin rotated so that the street grid is axis-aligned
// (u along 淮海中路, v across it); GridFrame converts to lon/lat when the layers are written.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sitmap/core/random.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::io::demo {

class GridFrame {
 public:
  GridFrame() = default;
  GridFrame(XY origin_lonlat, double angle_deg);
  XY to_grid(XY lonlat) const;
  XY to_lonlat(XY grid) const;
  Geometry to_lonlat(const Geometry& grid) const;

 private:
  XY origin_;
  double mx_ = 1, my_ = 1, cos_ = 1, sin_ = 0;  // metres per degree; rotation of the grid
};

struct Street {
  std::string name, name_en, road_class;
  std::vector<XY> line;   // grid metres
  bool along_u = true;    // runs along u (E-W) or along v (N-S)
  double across = 0;      // mean v (along_u) or u: where a cut along the street goes
  double lo = 0, hi = 0;  // extent along the street
  double half_width = 0;  // carriageway and pavements, metres
};

struct Hotspot {
  std::string name;
  XY at;  // grid metres
  double sigma = 100;
  std::map<std::string, double> weights;  // incident category -> relative intensity
};

struct DistrictData {
  std::string name, name_en;
  GridFrame frame;
  Polygon boundary;  // grid metres
  std::vector<Street> streets;
  std::vector<Hotspot> hotspots;
  std::vector<std::string> surnames, given, compound_prefixes, compound_suffixes;
};

// Reads data/huaihai/district.json and names.json; throws Error(NotFound/BadInput) naming the file.
DistrictData load_district_data();

struct Compound {
  std::string name, street;
  Geometry polygon;
  int64_t households = 0, buildings = 0;
};

struct Building {
  Geometry polygon;
  std::string kind;  // 多层住宅, 高层住宅, 旧式里弄, 商住
  int64_t floors = 0;
  int compound = -1;
};

struct Address {
  XY at;
  std::string text, street;
  int64_t households = 0;
  int compound = -1, building = -1, block = -1;
  bool old_lane = false;  // 旧式里弄: where group rentals and fire hazards concentrate
};

struct Block {
  Geometry polygon;
  int64_t number = 0, households = 0, addresses = 0;
  std::string leader, compound;
};

struct District {
  DistrictData data;
  std::vector<Compound> compounds;
  std::vector<Building> buildings;
  std::vector<Address> addresses;
  std::vector<Block> blocks;
};

inline constexpr int kCompounds = 26;
inline constexpr int kBlocks = 114;
inline constexpr double kBlockTolerance = 0.15;

// Streets, compounds, buildings and door plates with households summing to `households`.
void lay_out(District& d, Random& rng, int64_t households);
// kBlocks grid blocks tiling the boundary, balanced by households; sets Address::block. Throws
// Error(Internal) when a block falls outside 250 ± 15 % of the mean rather than return a bad district.
void divide_blocks(District& d, Random& rng);

struct Incident {
  int64_t time;
  size_t category, address;
  XY at;
  int64_t severity;
  int block;
};

// The centre's 零发案小区 campaign: a handful of compounds, each from its own day on, have no incident inside
// them. Incidents drawn there after that day move to where another incident of the same category happened
// (crime displaced, totals and categories kept). `block_at` gives the block index of a point (grid metres).
void keep_campaign_compounds_clear(const District& d, std::vector<Incident>& incidents, Random& rng,
                                   const std::function<int(XY)>& block_at);

template <class Item>
const Item& pick(const std::vector<Item>& v, Random& rng) {  // v must not be empty
  return v[static_cast<size_t>(rng.integer(0, static_cast<int64_t>(v.size()) - 1))];
}

std::string fake_name(const DistrictData& data, Random& rng);
std::string street_short_name(const std::string& street);  // 淮海中路 -> 淮海

}  // namespace sitmap::io::demo
