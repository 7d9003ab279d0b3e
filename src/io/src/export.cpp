#include "sitmap/io/export.hpp"


#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/geo/proj.hpp"

namespace sitmap::io {

namespace {

using detail::create_field;
using detail::Dataset;
using detail::ErrorCapture;
using detail::ogr_type;
using detail::OgrFeature;

}  // namespace

std::string export_driver(const std::string& format, const std::filesystem::path& out) {
  std::string f = detail::ascii_lower(format);
  if (f.empty()) {
    std::string ext = detail::ascii_lower(out.extension().string());
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".csv") return "CSV";
    if (ext == ".xlsx") return "XLSX";
    throw Error(ErrorKind::BadInput, out.string() + ": cannot tell the format from the extension '" + ext +
                                         "': use --format GPKG|\"ESRI Shapefile\"|GeoJSON|CSV|XLSX");
  }
  if (f == "gpkg" || f == "geopackage") return "GPKG";
  if (f == "esri shapefile" || f == "shp" || f == "shapefile") return "ESRI Shapefile";
  if (f == "geojson" || f == "json") return "GeoJSON";
  if (f == "csv") return "CSV";
  if (f == "xlsx") return "XLSX";
  throw Error(ErrorKind::BadInput,
              "unknown export format '" + format + "': use GPKG, \"ESRI Shapefile\", GeoJSON, CSV or XLSX");
}

ExportResult export_layer(const store::Store& store, std::string_view layer_name, const std::filesystem::path& out,
                          const ExportOptions& o, const std::function<void(int64_t)>& progress,
                          const std::atomic<bool>* cancel) {
  LayerInfo info = store.layer(layer_name);
  ExportResult result;
  result.format = export_driver(o.format, out);
  const std::string what = out.string();
  std::filesystem::path parent = detail::check_output(out, o.overwrite);
  store::Query query;
  query.where = o.where;
  store.count(layer_name, query);  // validates the filter before anything is created

  const std::string dst = o.dst_srs.empty() ? "EPSG:4326" : o.dst_srs;
  std::optional<geo::Transformer> transform;
  if (geo::crs_identify_epsg(dst) != "EPSG:4326") transform.emplace("EPSG:4326", dst);
  detail::register_gdal();
  detail::OgrSrs srs(OSRNewSpatialReference(nullptr));
  if (OSRSetFromUserInput(srs.get(), dst.c_str()) != OGRERR_NONE)
    throw Error(ErrorKind::BadInput, "unknown coordinate reference system '" + dst + "'");
  OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
  bool projected = OSRIsProjected(srs.get());

  const bool table = result.format == "CSV" || result.format == "XLSX";
  const bool xy_columns = table && (info.geom_type == GeomType::Point);
  auto tmp_dir = detail::make_temp_dir(parent);
  try {
    ErrorCapture errors;
    GDALDriverH driver = GDALGetDriverByName(result.format.c_str());
    if (!driver) throw Error(ErrorKind::Internal, "GDAL lacks the " + result.format + " driver");
    auto tmp_file = tmp_dir / out.filename();
    Dataset ds(GDALCreate(driver, tmp_file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error(ErrorKind::BadInput, what + ": cannot create: " + errors.last_message());
    std::vector<const char*> lco;
    if (result.format == "ESRI Shapefile")
      lco.push_back("ENCODING=UTF-8");                           // else GDAL writes ISO-8859-1 and mangles Chinese
    if (result.format == "CSV") lco.push_back("WRITE_BOM=YES");  // spreadsheet programs read UTF-8 only with it
    lco.push_back(nullptr);
    OGRLayerH layer =
        GDALDatasetCreateLayer(ds.get(), out.stem().c_str(), table ? nullptr : srs.get(),
                               table ? wkbNone : ogr_type(info.geom_type), const_cast<char**>(lco.data()));
    if (!layer) throw Error(ErrorKind::BadInput, what + ": cannot create the layer: " + errors.last_message());
    for (auto& f : info.fields)
      create_field(layer, f.name,
                   f.type == FieldType::Integer ? OFTInteger64
                   : f.type == FieldType::Real  ? OFTReal
                                                : OFTString,
                   what);
    if (xy_columns) {
      create_field(layer, projected ? "x" : "lon", OFTReal, what);
      create_field(layer, projected ? "y" : "lat", OFTReal, what);
    } else if (table) {
      create_field(layer, "wkt", OFTString, what);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const int nfields = static_cast<int>(info.fields.size());
    bool in_transaction = GDALDatasetStartTransaction(ds.get(), FALSE) == OGRERR_NONE;
    std::function<bool(Feature&&)> write_row = [&](Feature&& f) {
      if (cancel && (result.written & 1023) == 0 && cancel->load())
        throw Error(ErrorKind::Cancelled, what + ": export cancelled; no file was written");
      OgrFeature of(OGR_F_Create(defn));
      for (int i = 0; i < nfields; ++i) detail::set_field(of.get(), i, f.values[i]);
      Geometry g = std::move(f.geometry);
      if (!g.is_empty()) {
        apply_offset(o.offset, g);
        if (transform) g = transform->forward(g);
        if (xy_columns) {
          OGR_F_SetFieldDouble(of.get(), nfields, g.points[0].x);
          OGR_F_SetFieldDouble(of.get(), nfields + 1, g.points[0].y);
        } else {
          detail::OgrGeometry og = detail::to_ogr(g);
          if (table) {
            char* wkt = nullptr;
            OGR_G_ExportToIsoWkt(og.get(), &wkt);
            OGR_F_SetFieldString(of.get(), nfields, wkt);
            CPLFree(wkt);
          } else {
            OGR_F_SetGeometryDirectly(of.get(), og.release());
          }
        }
      }
      if (OGR_L_CreateFeature(layer, of.get()) != OGRERR_NONE)
        throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(f.id) + ": " + errors.last_message());
      if (std::string why = errors.take_failure(); !why.empty())
        throw Error(ErrorKind::BadInput, what + ": feature " + std::to_string(f.id) + ": " + why);
      ++result.written;
      if (progress && (result.written & 4095) == 0) progress(result.written);
      return true;
    };
    if (o.rows) o.rows(write_row);
    else store.scan(layer_name, query, write_row);
    if (in_transaction && GDALDatasetCommitTransaction(ds.get()) != OGRERR_NONE)
      throw Error(ErrorKind::BadInput, what + ": cannot finish writing: " + errors.last_message());
    ds.reset();  // closing flushes; a full disk shows up here
    if (std::string why = errors.take_failure(); !why.empty()) throw Error(ErrorKind::BadInput, what + ": " + why);
    result.files = detail::move_into_place(tmp_dir, parent);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir, ec);
    throw;
  }
  if (progress) progress(result.written);
  spdlog::info("{}: {} features of layer {} exported as {}", what, result.written, info.name, result.format);
  return result;
}

}  // namespace sitmap::io
