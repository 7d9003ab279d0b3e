#include "sitmap/store/snapshot.hpp"

#include <cmath>

#include "sitmap/core/time.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::store {

namespace {

// Where a feature's symbol or label goes: the point itself, the middle of a line, a point inside a polygon.
XY representative_point(const Geometry& g) {
  switch (g.type) {
    case GeomType::Point:
    case GeomType::MultiPoint: return g.points.empty() ? XY{NAN, NAN} : g.points[0];
    case GeomType::LineString:
    case GeomType::MultiLineString: {
      if (g.lines.empty() || g.lines[0].empty()) return {NAN, NAN};
      const auto& l = g.lines[0];
      return l[l.size() / 2];
    }
    case GeomType::Polygon:
    case GeomType::MultiPolygon: return g.polygons.empty() ? XY{NAN, NAN} : geo::point_on_surface(g);
  }
  return {NAN, NAN};
}

void append(Column& c, const Value& v) {
  bool ok = !is_null(v);
  c.valid.push_back(ok);
  switch (c.def.type) {
    case FieldType::Integer: {
      int64_t x = 0;
      if (auto* i = std::get_if<int64_t>(&v)) x = *i;
      else if (auto* d = std::get_if<double>(&v)) x = static_cast<int64_t>(*d);
      c.ints.push_back(x);
      break;
    }
    case FieldType::Real: {
      double x = 0;
      if (auto* d = std::get_if<double>(&v)) x = *d;
      else if (auto* i = std::get_if<int64_t>(&v)) x = static_cast<double>(*i);
      c.reals.push_back(x);
      break;
    }
    case FieldType::Text: c.texts.push_back(value_to_string(v)); break;
  }
}

}  // namespace

std::shared_ptr<const Snapshot> load_snapshot(const Store& store, std::string_view layer,
                                              const SnapshotOptions& options) {
  auto snap = std::make_shared<Snapshot>();
  snap->info = store.layer(layer);
  const bool points = snap->info.geom_type == GeomType::Point;
  for (auto& f : snap->info.fields) snap->columns.push_back(Column{f, {}, {}, {}, {}});
  int time_index = snap->info.field_index(options.time_field);
  if (time_index >= 0) snap->time_field = options.time_field;

  store.scan(layer, options.query, [&](Feature&& f) {
    snap->ids.push_back(f.id);
    for (size_t i = 0; i < f.values.size(); ++i) append(snap->columns[i], f.values[i]);
    if (time_index >= 0) {
      auto t = parse_iso_time(value_to_string(f.values[time_index]));
      snap->time.push_back(t.value_or(INT64_MIN));
    }
    XY p = f.geometry.is_empty() ? XY{NAN, NAN} : representative_point(f.geometry);
    snap->lon.push_back(p.x);
    snap->lat.push_back(p.y);
    if (!points) snap->geometries.push_back(std::move(f.geometry));
    return true;
  });

  std::vector<XY> merc(snap->size());
  for (size_t i = 0; i < merc.size(); ++i) merc[i] = {snap->lon[i], snap->lat[i]};
  geo::to_web_mercator(merc);
  snap->x.resize(merc.size());
  snap->y.resize(merc.size());
  for (size_t i = 0; i < merc.size(); ++i) {
    snap->x[i] = merc[i].x;
    snap->y[i] = merc[i].y;
  }
  return snap;
}

}  // namespace sitmap::store
