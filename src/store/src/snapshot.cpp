#include "sitmap/store/snapshot.hpp"

#include <cmath>

#include "sitmap/geo/geos.hpp"
#include "sitmap/core/time.hpp"
#include "sitmap/geo/proj.hpp"
#include "columns.hpp"

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

// lon/lat of non-point layers and Web Mercator x/y of every row, from what read_columns filled.
void finish(Snapshot& snap) {
  if (snap.info.geom_type != GeomType::Point) {
    snap.lon.resize(snap.size());
    snap.lat.resize(snap.size());
    for (size_t i = 0; i < snap.size(); ++i) {
      const Geometry& g = snap.geometries[i];
      XY p = g.is_empty() ? XY{NAN, NAN} : representative_point(g);
      snap.lon[i] = p.x;
      snap.lat[i] = p.y;
    }
  }
  if (snap.x.size() != snap.size()) {
    std::vector<XY> merc(snap.size());
    for (size_t i = 0; i < merc.size(); ++i) merc[i] = {snap.lon[i], snap.lat[i]};
    geo::to_web_mercator(merc);
    snap.x.resize(merc.size());
    snap.y.resize(merc.size());
    for (size_t i = 0; i < merc.size(); ++i) {
      snap.x[i] = merc[i].x;
      snap.y[i] = merc[i].y;
    }
  }
}

}  // namespace

namespace detail {

void append_value(Column& c, const Value& v) {
  c.valid.push_back(!is_null(v));
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


}  // namespace detail

std::shared_ptr<const Snapshot> snapshot_of(const LayerInfo& layer, const std::vector<Feature>& features,
                                            const std::string& time_field) {
  auto snap = std::make_shared<Snapshot>();
  snap->info = layer;
  for (auto& f : layer.fields) snap->columns.push_back(Column{f, {}, {}, {}, {}});
  int time_index = layer.field_index(time_field);
  if (time_index >= 0) snap->time_field = time_field;
  const bool points = layer.geom_type == GeomType::Point;
  for (const Feature& f : features) {
    snap->ids.push_back(f.id);
    for (size_t i = 0; i < snap->columns.size(); ++i)
      detail::append_value(snap->columns[i], i < f.values.size() ? f.values[i] : Value{});
    if (time_index >= 0)
      snap->time.push_back(parse_iso_time(value_to_string(f.values[static_cast<size_t>(time_index)])).value_or(INT64_MIN));
    if (points) {
      XY p = f.geometry.points.empty() ? XY{NAN, NAN} : f.geometry.points[0];
      snap->lon.push_back(p.x);
      snap->lat.push_back(p.y);
    } else {
      snap->geometries.push_back(f.geometry);
    }
  }
  finish(*snap);
  return snap;
}

std::shared_ptr<const Snapshot> load_snapshot(const Store& store, std::string_view layer,
                                              const SnapshotOptions& options) {
  auto snap = std::make_shared<Snapshot>();
  store.read_columns(layer, ColumnRead{options.query, options.fields, options.time_field, options.lonlat, options.ids}, *snap);
  finish(*snap);
  if (!options.lonlat) snap->lon = snap->lat = {};
  return snap;
}

}  // namespace sitmap::store
