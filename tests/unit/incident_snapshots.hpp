// Small snapshots built in memory, shared by the tests of the services and the panels that call them.
#pragma once
#include <memory>

#include "sitmap/core/snapshot.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::test {

// `n` incidents in two places, times every 7 hours from 2025-01-01, categories 盗窃 and 电信诈骗, severity 1..5
// (row 3 missing).
inline std::shared_ptr<Snapshot> incidents(size_t n) {
  auto s = std::make_shared<Snapshot>();
  s->info.name = "incidents";
  Column cat, sev;
  cat.def = {"category", FieldType::Text};
  sev.def = {"severity", FieldType::Integer};
  for (size_t i = 0; i < n; ++i) {
    s->ids.push_back(int64_t(i + 1));
    XY ll{i % 2 ? 121.4700 : 121.4650 + (i % 7) * 1e-4, i % 2 ? 31.2200 : 31.2200 + (i % 5) * 1e-4};
    XY m = geo::to_web_mercator(ll);
    s->lon.push_back(ll.x);
    s->lat.push_back(ll.y);
    s->x.push_back(m.x);
    s->y.push_back(m.y);
    s->time.push_back(*parse_iso_time("2025-01-01") + int64_t(i) * 7 * 3600);
    cat.texts.push_back(i % 3 ? "盗窃" : "电信诈骗");
    cat.valid.push_back(1);
    sev.ints.push_back(int64_t(1 + i % 5));
    sev.valid.push_back(i == 3 ? 0 : 1);
  }
  s->info.fields = {cat.def, sev.def};
  s->columns = {cat, sev};
  s->time_field = "occurred_at";
  return s;
}

}  // namespace sitmap::test
