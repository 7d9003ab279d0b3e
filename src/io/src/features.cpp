#include "sitmap/io/features.hpp"

#include <cmath>
#include <optional>

#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::io {

namespace {

int family(GeomType t) {
  switch (t) {
    case GeomType::Point:
    case GeomType::MultiPoint:
      return 0;
    case GeomType::LineString:
    case GeomType::MultiLineString:
      return 1;
    case GeomType::Polygon:
    case GeomType::MultiPolygon:
      return 2;
  }
  return -1;
}

GeomType multi_of(GeomType t) {
  int f = family(t);
  return f == 0 ? GeomType::MultiPoint : f == 1 ? GeomType::MultiLineString : GeomType::MultiPolygon;
}

OGRFieldType ogr_field_type(FieldType t) {
  return t == FieldType::Integer ? OFTInteger64 : t == FieldType::Real ? OFTReal : OFTString;
}

// The GDAL driver for a feature file, "" for none.
std::string feature_driver(const std::filesystem::path& out) {
  std::string ext = detail::ascii_lower(out.extension().string());
  return ext == ".geojson" ? "GeoJSON" : ext == ".gpkg" ? "GPKG" : ext == ".shp" ? "ESRI Shapefile" : "";
}

}  // namespace

bool is_feature_file(const std::filesystem::path& out) { return !feature_driver(out).empty(); }

void write_features(const std::filesystem::path& out, const std::string& layer_name,
                    const std::vector<FieldDef>& fields, const std::vector<Feature>& features, bool overwrite) {
  const std::string what = out.string();
  std::string format = feature_driver(out);
  if (format.empty())
    throw Error(ErrorKind::BadInput,
                what + ": cannot write features as '" + out.extension().string() + "': use .geojson, .gpkg or .shp");
  // One geometry type per layer (shapefiles and GeoPackages require it): mixed single and multi become multi.
  std::optional<GeomType> type;
  for (size_t i = 0; i < features.size(); ++i) {
    const Feature& f = features[i];
    if (f.values.size() != fields.size())
      throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(i + 1) + " has " +
                                           std::to_string(f.values.size()) + " values for " +
                                           std::to_string(fields.size()) + " fields");
    if (f.geometry.is_empty()) continue;
    GeomType t = f.geometry.type;
    if (!type)
      type = t;
    else if (family(*type) != family(t))
      throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(i + 1) + " is a " + geom_type_name(t) +
                                           " among " + geom_type_name(*type) + "s: one layer holds one kind");
    else if (*type != t)
      type = multi_of(t);
  }
  std::filesystem::path parent = detail::check_output(out, overwrite);

  detail::register_gdal();
  detail::OgrSrs srs(OSRNewSpatialReference(nullptr));
  OSRImportFromEPSG(srs.get(), 4326);
  OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
  auto tmp_dir = detail::make_temp_dir(parent);
  try {
    detail::ErrorCapture errors;
    GDALDriverH driver = GDALGetDriverByName(format.c_str());
    if (!driver) throw Error(ErrorKind::Internal, "GDAL lacks the " + format + " driver");
    auto tmp_file = tmp_dir / out.filename();
    detail::Dataset ds(GDALCreate(driver, tmp_file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error(ErrorKind::BadInput, what + ": cannot create: " + errors.last_message());
    const char* shp_options[] = {"ENCODING=UTF-8", nullptr};  // else GDAL writes ISO-8859-1 and mangles Chinese
    OGRLayerH layer =
        GDALDatasetCreateLayer(ds.get(), layer_name.c_str(), srs.get(), type ? detail::ogr_type(*type) : wkbUnknown,
                               format == "ESRI Shapefile" ? const_cast<char**>(shp_options) : nullptr);
    if (!layer) throw Error(ErrorKind::BadInput, what + ": cannot create the layer: " + errors.last_message());
    for (const auto& f : fields) detail::create_field(layer, f.name, ogr_field_type(f.type), what);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    bool in_transaction = GDALDatasetStartTransaction(ds.get(), FALSE) == OGRERR_NONE;
    for (size_t n = 0; n < features.size(); ++n) {
      const Feature& feature = features[n];
      detail::OgrFeature of(OGR_F_Create(defn));
      for (size_t c = 0; c < fields.size(); ++c) detail::set_field(of.get(), static_cast<int>(c), feature.values[c]);
      if (!feature.geometry.is_empty()) {
        Geometry g = feature.geometry;
        g.type = *type;  // single → multi keeps the same parts
        OGR_F_SetGeometryDirectly(of.get(), detail::to_ogr(g).release());
      }
      if (OGR_L_CreateFeature(layer, of.get()) != OGRERR_NONE)
        throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(n + 1) + ": " + errors.last_message());
      if (std::string why = errors.take_failure(); !why.empty())
        throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(n + 1) + ": " + why);
    }
    if (in_transaction && GDALDatasetCommitTransaction(ds.get()) != OGRERR_NONE)
      throw Error(ErrorKind::BadInput, what + ": cannot finish writing: " + errors.last_message());
    ds.reset();  // closing flushes; a full disk shows up here
    if (std::string why = errors.take_failure(); !why.empty()) throw Error(ErrorKind::BadInput, what + ": " + why);
    detail::move_into_place(tmp_dir, parent);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir, ec);
    throw;
  }
  spdlog::info("{}: {} features written ({})", what, features.size(), format);
}

}  // namespace sitmap::io
