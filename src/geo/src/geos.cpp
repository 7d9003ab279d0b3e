#include "sitmap/geo/geos.hpp"

#include <geos_c.h>

#include <cstdarg>
#include <cstdio>
#include <vector>

#include "sitmap/core/error.hpp"
#include "sitmap/core/wkb.hpp"

namespace sitmap::geo {

namespace {

void on_geos_message(const char* fmt, ...) {
  // GEOS reports through return values too; the message is kept for the next exception.
  thread_local char buffer[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, ap);
  va_end(ap);
}

GEOSContextHandle_t ctx() {
  struct Holder {
    GEOSContextHandle_t h = GEOS_init_r();
    Holder() {
      GEOSContext_setErrorHandler_r(h, on_geos_message);
      GEOSContext_setNoticeHandler_r(h, on_geos_message);
    }
    ~Holder() { GEOS_finish_r(h); }
  };
  thread_local Holder holder;
  return holder.h;
}

struct GeomDeleter {
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(ctx(), g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

GeomPtr to_geos(const Geometry& g) {
  auto wkb = to_wkb(g);
  GEOSWKBReader* reader = GEOSWKBReader_create_r(ctx());
  GEOSGeometry* out = GEOSWKBReader_read_r(ctx(), reader, wkb.data(), wkb.size());
  GEOSWKBReader_destroy_r(ctx(), reader);
  if (!out) throw Error(ErrorKind::BadInput, "GEOS cannot read geometry");
  return GeomPtr(out);
}

Geometry from_geos(const GEOSGeometry* g) {
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx());
  GEOSWKBWriter_setOutputDimension_r(ctx(), writer, 2);
  size_t size = 0;
  unsigned char* buf = GEOSWKBWriter_write_r(ctx(), writer, g, &size);
  GEOSWKBWriter_destroy_r(ctx(), writer);
  if (!buf) throw Error(ErrorKind::Internal, "GEOS cannot write geometry");
  Geometry out;
  try {
    out = from_wkb(std::span<const uint8_t>(buf, size));
  } catch (...) {
    GEOSFree_r(ctx(), buf);
    throw;
  }
  GEOSFree_r(ctx(), buf);
  return out;
}

// GEOS returns GEOMETRYCOLLECTIONs from overlays; keep only the polygonal parts when both inputs are polygonal.
Geometry result(GEOSGeometry* raw, const char* op) {
  if (!raw) throw Error(ErrorKind::Internal, std::string("GEOS ") + op + " failed");
  GeomPtr g(raw);
  if (GEOSGeomTypeId_r(ctx(), g.get()) == GEOS_GEOMETRYCOLLECTION) {
    Geometry merged;
    merged.type = GeomType::MultiPolygon;
    for (int i = 0, n = GEOSGetNumGeometries_r(ctx(), g.get()); i < n; ++i) {
      Geometry part = from_geos(GEOSGetGeometryN_r(ctx(), g.get(), i));
      for (auto& p : part.polygons) merged.polygons.push_back(std::move(p));
    }
    return merged;
  }
  return from_geos(g.get());
}

}  // namespace

std::string invalid_reason(const Geometry& g) {
  auto geom = to_geos(g);
  if (GEOSisValid_r(ctx(), geom.get()) == 1) return {};
  char* reason = GEOSisValidReason_r(ctx(), geom.get());
  std::string out = reason ? reason : "invalid";
  GEOSFree_r(ctx(), reason);
  return out;
}

Geometry make_valid(const Geometry& g) { return result(GEOSMakeValid_r(ctx(), to_geos(g).get()), "MakeValid"); }
Geometry intersection(const Geometry& a, const Geometry& b) {
  return result(GEOSIntersection_r(ctx(), to_geos(a).get(), to_geos(b).get()), "intersection");
}
Geometry difference(const Geometry& a, const Geometry& b) {
  return result(GEOSDifference_r(ctx(), to_geos(a).get(), to_geos(b).get()), "difference");
}
Geometry union_all(std::span<const Geometry> parts) {
  std::vector<GEOSGeometry*> raw;
  for (auto& p : parts) raw.push_back(to_geos(p).release());
  GeomPtr coll(GEOSGeom_createCollection_r(ctx(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
  return result(GEOSUnaryUnion_r(ctx(), coll.get()), "union");
}
Geometry union_on_grid(std::span<const Geometry> parts, double grid_size) {
  std::vector<GEOSGeometry*> raw;
  for (auto& p : parts) raw.push_back(to_geos(p).release());
  GeomPtr coll(GEOSGeom_createCollection_r(ctx(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
  return result(GEOSUnaryUnionPrec_r(ctx(), coll.get(), grid_size), "union");
}
Geometry buffer(const Geometry& g, double d) { return result(GEOSBuffer_r(ctx(), to_geos(g).get(), d, 8), "buffer"); }

double area(const Geometry& g) {
  double a = 0;
  GEOSArea_r(ctx(), to_geos(g).get(), &a);
  return a;
}
double length(const Geometry& g) {
  double l = 0;
  GEOSLength_r(ctx(), to_geos(g).get(), &l);
  return l;
}

namespace {
XY point_of(GEOSGeometry* raw, const char* op) {
  if (!raw) throw Error(ErrorKind::Internal, std::string("GEOS ") + op + " failed");
  GeomPtr p(raw);
  double x = 0, y = 0;
  GEOSGeomGetX_r(ctx(), p.get(), &x);
  GEOSGeomGetY_r(ctx(), p.get(), &y);
  return {x, y};
}
}  // namespace

XY centroid(const Geometry& g) { return point_of(GEOSGetCentroid_r(ctx(), to_geos(g).get()), "centroid"); }
XY point_on_surface(const Geometry& g) {
  return point_of(GEOSPointOnSurface_r(ctx(), to_geos(g).get()), "point on surface");
}
bool intersects(const Geometry& a, const Geometry& b) {
  return GEOSIntersects_r(ctx(), to_geos(a).get(), to_geos(b).get()) == 1;
}
bool covers(const Geometry& a, const Geometry& b) { return GEOSCovers_r(ctx(), to_geos(a).get(), to_geos(b).get()) == 1; }
double distance(const Geometry& a, const Geometry& b) {
  double d = 0;
  GEOSDistance_r(ctx(), to_geos(a).get(), to_geos(b).get(), &d);
  return d;
}

std::vector<Geometry> voronoi_cells(std::span<const XY> sites, const Geometry& clip) {
  Geometry points;
  points.type = GeomType::MultiPoint;
  points.points.assign(sites.begin(), sites.end());
  auto area = to_geos(clip);
  GeomPtr diagram(GEOSVoronoiDiagram_r(ctx(), to_geos(points).get(), area.get(), 0, 0));
  if (!diagram) throw Error(ErrorKind::Internal, "GEOS Voronoi diagram failed");
  std::vector<Geometry> out;
  for (int i = 0, n = GEOSGetNumGeometries_r(ctx(), diagram.get()); i < n; ++i) {
    Geometry cell = result(GEOSIntersection_r(ctx(), GEOSGetGeometryN_r(ctx(), diagram.get(), i), area.get()), "intersection");
    if (!cell.polygons.empty()) out.push_back(std::move(cell));
  }
  return out;
}

struct PreparedGeometry::Impl {
  GeomPtr geom;
  const GEOSPreparedGeometry* prepared = nullptr;
  ~Impl() {
    if (prepared) GEOSPreparedGeom_destroy_r(ctx(), prepared);
  }
};

PreparedGeometry::PreparedGeometry(const Geometry& g) : impl_(std::make_unique<Impl>()) {
  impl_->geom = to_geos(g);
  impl_->prepared = GEOSPrepare_r(ctx(), impl_->geom.get());
}
PreparedGeometry::~PreparedGeometry() = default;
PreparedGeometry::PreparedGeometry(PreparedGeometry&&) noexcept = default;
PreparedGeometry& PreparedGeometry::operator=(PreparedGeometry&&) noexcept = default;

bool PreparedGeometry::contains(XY p) const {
  GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx(), p.x, p.y));
  return GEOSPreparedContains_r(ctx(), impl_->prepared, pt.get()) == 1;
}
bool PreparedGeometry::covers(XY p) const {
  GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx(), p.x, p.y));
  return GEOSPreparedCovers_r(ctx(), impl_->prepared, pt.get()) == 1;
}
bool PreparedGeometry::intersects(const Geometry& g) const {
  return GEOSPreparedIntersects_r(ctx(), impl_->prepared, to_geos(g).get()) == 1;
}

std::string geos_version() { return GEOSversion(); }

}  // namespace sitmap::geo
