#include "gdal_util.hpp"

#include <cpl_error.h>

#include <mutex>
#include <utility>

#include "sitmap/core/error.hpp"
#include "sitmap/core/wkb.hpp"

namespace sitmap::io::detail {

void register_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

ErrorCapture::ErrorCapture() { CPLPushErrorHandlerEx(&ErrorCapture::handler, this); }
ErrorCapture::~ErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL ErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg) {
  auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
  if (!self || !msg) return;
  self->last_ = msg;
  if (cls >= CE_Failure && self->failure_.empty()) self->failure_ = msg;
}

std::string ErrorCapture::take_failure() { return std::exchange(failure_, {}); }
std::string ErrorCapture::last_message() const { return failure_.empty() ? last_ : failure_; }

std::optional<Geometry> from_ogr(OGRGeometryH g) {
  if (!g || OGR_G_IsEmpty(g)) return std::nullopt;
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
  if (t == wkbPoint) return Geometry::point({OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)});  // the common case, fast
  OgrGeometry owned;
  if (OGR_GT_IsNonLinear(t)) {
    owned.reset(OGR_G_GetLinearGeometry(g, 0, nullptr));
    g = owned.get();
    t = wkbFlatten(OGR_G_GetGeometryType(g));
  }
  if (t == wkbGeometryCollection) {
    // A collection of one family is a multi geometry in disguise (KML's MultiGeometry writes them).
    OGRwkbGeometryType family = wkbUnknown;
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) {
      OGRwkbGeometryType p = wkbFlatten(OGR_G_GetGeometryType(OGR_G_GetGeometryRef(g, i)));
      OGRwkbGeometryType f = p == wkbMultiPoint        ? wkbPoint
                             : p == wkbMultiLineString ? wkbLineString
                             : p == wkbMultiPolygon    ? wkbPolygon
                                                       : p;
      if (family != wkbUnknown && f != family)
        throw Error(ErrorKind::BadInput, "a geometry collection mixing " + std::string(OGRGeometryTypeToName(family)) +
                                             " and " + OGRGeometryTypeToName(f) + " parts");
      family = f;
    }
    OGRGeometryH clone = OGR_G_Clone(g);
    if (family == wkbPoint)
      clone = OGR_G_ForceToMultiPoint(clone);
    else if (family == wkbLineString)
      clone = OGR_G_ForceToMultiLineString(clone);
    else if (family == wkbPolygon)
      clone = OGR_G_ForceToMultiPolygon(clone);
    else {
      OGR_G_DestroyGeometry(clone);
      throw Error(ErrorKind::BadInput, "an unsupported geometry collection");
    }
    owned.reset(clone);
    g = clone;
  }
  std::vector<uint8_t> wkb(OGR_G_WkbSize(g));
  // from_wkb drops Z and M, so 3D sources arrive as 2D.
  if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data()) != OGRERR_NONE)
    throw Error(ErrorKind::BadInput, "a geometry GDAL cannot encode");
  Geometry out = from_wkb(wkb);
  if (out.is_empty()) return std::nullopt;
  return out;
}

OgrGeometry to_ogr(const Geometry& g) {
  std::vector<uint8_t> wkb = to_wkb(g);
  OGRGeometryH h = nullptr;
  if (OGR_G_CreateFromWkb(wkb.data(), nullptr, &h, static_cast<int>(wkb.size())) != OGRERR_NONE)
    throw Error(ErrorKind::Internal, "GDAL refused a geometry");
  return OgrGeometry(h);
}

}  // namespace sitmap::io::detail
