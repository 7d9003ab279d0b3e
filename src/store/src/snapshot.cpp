#include "sitmap/store/snapshot.hpp"

#include <cmath>

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

}  // namespace

std::shared_ptr<const Snapshot> load_snapshot(const Store& store, std::string_view layer,
                                              const SnapshotOptions& options) {
  auto snap = std::make_shared<Snapshot>();
  store.read_columns(layer, ColumnRead{options.query, options.fields, options.time_field}, *snap);
  if (snap->info.geom_type != GeomType::Point) {
    snap->lon.resize(snap->size());
    snap->lat.resize(snap->size());
    for (size_t i = 0; i < snap->size(); ++i) {
      const Geometry& g = snap->geometries[i];
      XY p = g.is_empty() ? XY{NAN, NAN} : representative_point(g);
      snap->lon[i] = p.x;
      snap->lat[i] = p.y;
    }
  }
  if (snap->x.size() != snap->size()) {
    std::vector<XY> merc(snap->size());
    for (size_t i = 0; i < merc.size(); ++i) merc[i] = {snap->lon[i], snap->lat[i]};
    geo::to_web_mercator(merc);
    snap->x.resize(merc.size());
    snap->y.resize(merc.size());
    for (size_t i = 0; i < merc.size(); ++i) {
      snap->x[i] = merc[i].x;
      snap->y[i] = merc[i].y;
    }
  }
  return snap;
}

}  // namespace sitmap::store
