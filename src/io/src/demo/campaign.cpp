// The 零发案小区 (zero-incident compound) campaign of the demo: without it every compound has incidents in
// every period and the briefing's indicator would always read 0.
#include <array>
#include <set>

#include "district.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/io/demo.hpp"

namespace sitmap::io::demo {

namespace {

// Days before the end of the data since which each campaign compound has been clear: staggered, so the count
// grows from quarter to quarter (six in the last 90 days, three in the 90 before, none a year earlier).
constexpr std::array<int64_t, 6> kClearForDays = {360, 270, 180, 150, 100, 100};
// Incidents this close outside a compound's edge move too: jitter and the stored lon/lat must not put one
// back inside by rounding.
constexpr double kEdgeMargin = 2.0;

}  // namespace

void keep_campaign_compounds_clear(const District& d, std::vector<Incident>& incidents, Random& rng,
                                   const std::function<int(XY)>& block_at) {
  if (incidents.empty()) return;
  if (d.compounds.size() < kClearForDays.size())
    throw Error(ErrorKind::Internal, "demo: too few compounds for the zero-incident campaign");
  std::vector<size_t> chosen;
  std::set<size_t> taken;
  while (chosen.size() < kClearForDays.size()) {
    auto c = static_cast<size_t>(rng.integer(0, static_cast<int64_t>(d.compounds.size()) - 1));
    if (taken.insert(c).second) chosen.push_back(c);
  }
  const int64_t end = (days_from_civil(kDemoLastDay.year, kDemoLastDay.month, kDemoLastDay.day) + 1) * 86400;
  std::vector<geo::PreparedGeometry> areas;
  std::vector<int64_t> since;
  for (size_t k = 0; k < chosen.size(); ++k) {
    areas.emplace_back(geo::buffer(d.compounds[chosen[k]].polygon, kEdgeMargin));
    since.push_back(end - kClearForDays[k] * 86400);
  }
  auto campaign_area = [&](XY p) {
    for (size_t k = 0; k < areas.size(); ++k)
      if (areas[k].covers(p)) return static_cast<int>(k);
    return -1;
  };
  std::vector<int> area_of(incidents.size());
  for (size_t i = 0; i < incidents.size(); ++i) area_of[i] = campaign_area(incidents[i].at);
  for (size_t i = 0; i < incidents.size(); ++i) {
    Incident& e = incidents[i];
    if (area_of[i] < 0 || e.time < since[static_cast<size_t>(area_of[i])]) continue;
    // A donor of the same category outside every campaign compound; 10,000 misses mean there is none.
    size_t donor = i;
    for (int tries = 0;; ++tries) {
      if (tries > 10000) throw Error(ErrorKind::Internal, "demo: no incident outside the campaign compounds");
      donor = static_cast<size_t>(rng.integer(0, static_cast<int64_t>(incidents.size()) - 1));
      if (incidents[donor].category == e.category && area_of[donor] < 0) break;
    }
    const Incident& from = incidents[donor];
    XY p{from.at.x + 4 * rng.normal(), from.at.y + 4 * rng.normal()};
    int block = block_at(p);
    if (block < 0 || campaign_area(p) >= 0) p = from.at, block = from.block;
    e.at = p, e.block = block, e.address = from.address;
  }
}

}  // namespace sitmap::io::demo
