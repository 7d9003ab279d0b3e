#include "gdal_util.hpp"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <mutex>
#include <random>
#include <string_view>
#include <utility>

#include "sitmap/core/error.hpp"
#include "sitmap/core/wkb.hpp"
#include "sitmap/io/gdal.hpp"

namespace sitmap::io {

void load_gdal() { gdal_library.load(); }

}  // namespace sitmap::io

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

bool is_zip(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4);
}

std::optional<Geometry> from_ogr(OGRGeometryH g, bool* converted) {
  if (converted) *converted = false;
  if (!g || OGR_G_IsEmpty(g)) return std::nullopt;
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
  if (t == wkbPoint) return Geometry::point({OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)});  // the common case, fast
  OgrGeometry owned;
  if (OGR_GT_IsNonLinear(t)) {
    owned.reset(OGR_G_GetLinearGeometry(g, 0, nullptr));
    g = owned.get();
    t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (converted) *converted = true;
  }
  // sitmap stores simple features only: GDAL turns the surfaces of 3D sources (a shapefile's multipatch)
  // into the polygons they are made of.
  if (t == wkbTIN || t == wkbPolyhedralSurface || t == wkbTriangle) {
    owned.reset(OGR_G_ForceTo(OGR_G_Clone(g), t == wkbTriangle ? wkbPolygon : wkbMultiPolygon, nullptr));
    g = owned.get();
    t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (converted) *converted = true;
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

OGRwkbGeometryType ogr_type(GeomType t) {
  switch (t) {
    case GeomType::Point:
      return wkbPoint;
    case GeomType::LineString:
      return wkbLineString;
    case GeomType::Polygon:
      return wkbPolygon;
    case GeomType::MultiPoint:
      return wkbMultiPoint;
    case GeomType::MultiLineString:
      return wkbMultiLineString;
    case GeomType::MultiPolygon:
      return wkbMultiPolygon;
  }
  return wkbUnknown;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::filesystem::path check_output(const std::filesystem::path& out, bool overwrite) {
  std::filesystem::path parent = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  if (!std::filesystem::is_directory(parent))
    throw Error(ErrorKind::NotFound, out.string() + ": no folder " + parent.string());
  if (std::filesystem::exists(out) && !overwrite)
    throw Error(ErrorKind::BadInput, out.string() + ": exists already (overwrite it with --force)");
  return parent;
}

std::filesystem::path make_temp_dir(const std::filesystem::path& parent) {
  std::random_device rd;
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto dir = parent / (".sitmap-export-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000));
    std::error_code ec;
    if (std::filesystem::create_directory(dir, ec)) return dir;
  }
  throw Error(ErrorKind::ReadOnly, parent.string() + ": cannot create a temporary folder for the export");
}

std::vector<std::filesystem::path> move_into_place(const std::filesystem::path& tmp_dir,
                                                   const std::filesystem::path& parent) {
  std::vector<std::filesystem::path> moved;
  for (auto& entry : std::filesystem::directory_iterator(tmp_dir)) {
    auto target = parent / entry.path().filename();
    std::filesystem::rename(entry.path(), target);
    moved.push_back(target);
  }
  std::filesystem::remove(tmp_dir);
  return moved;
}

void create_field(OGRLayerH layer, const std::string& name, OGRFieldType type, const std::string& what) {
  OGRFieldDefnH fd = OGR_Fld_Create(name.c_str(), type);
  OGRErr err = OGR_L_CreateField(layer, fd, 1);
  OGR_Fld_Destroy(fd);
  if (err != OGRERR_NONE) throw Error(ErrorKind::BadInput, what + ": cannot create field '" + name + "'");
}

void set_field(OGRFeatureH feature, int i, const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v))
    OGR_F_SetFieldInteger64(feature, i, *n);
  else if (auto* d = std::get_if<double>(&v); d && std::isfinite(*d))
    OGR_F_SetFieldDouble(feature, i, *d);
  else if (auto* s = std::get_if<std::string>(&v))
    OGR_F_SetFieldString(feature, i, s->c_str());
  else
    OGR_F_SetFieldNull(feature, i);
}

}  // namespace sitmap::io::detail
