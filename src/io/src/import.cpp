#include "sitmap/io/import.hpp"


#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/encoding.hpp"

namespace sitmap::io {

namespace {

using detail::Dataset;
using detail::ErrorCapture;
using detail::OgrFeature;

constexpr int kSampleFeatures = 5000;  // read before writing: encoding, column types, geometry type, CRS check

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

bool is_table_driver(const std::string& driver) { return driver == "CSV" || driver == "XLSX" || driver == "ODS"; }

enum class Family { None, Point, Line, Polygon };
Family family_of(GeomType t) {
  switch (t) {
    case GeomType::Point:
    case GeomType::MultiPoint:
      return Family::Point;
    case GeomType::LineString:
    case GeomType::MultiLineString:
      return Family::Line;
    case GeomType::Polygon:
    case GeomType::MultiPolygon:
      return Family::Polygon;
  }
  return Family::None;
}
const char* family_name(Family f) {
  switch (f) {
    case Family::Point:
      return "points";
    case Family::Line:
      return "lines";
    case Family::Polygon:
      return "polygons";
    case Family::None:
      break;
  }
  return "nothing";
}
bool is_multi(GeomType t) {
  return t == GeomType::MultiPoint || t == GeomType::MultiLineString || t == GeomType::MultiPolygon;
}
GeomType multi_of(Family f) {
  return f == Family::Point  ? GeomType::MultiPoint
         : f == Family::Line ? GeomType::MultiLineString
                             : GeomType::MultiPolygon;
}
GeomType single_of(Family f) {
  return f == Family::Point ? GeomType::Point : f == Family::Line ? GeomType::LineString : GeomType::Polygon;
}

// Layer and field names the store accepts: lower-case ASCII for tables, anything but id/geometry for fields.
std::string layer_name_from(std::string_view stem) {
  std::string out;
  for (unsigned char c : stem) {
    if (std::isalnum(c) && c < 0x80)
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "import_" + out;
  return out.substr(0, 60);
}

// The target layer when none is named: from the file name and, for a file of several layers, the chosen
// one's name as well, so that each of them can be imported without naming it.
std::string default_layer_name(const std::filesystem::path& file, const std::vector<std::string>& source_layers,
                               const std::string& source_layer) {
  std::string stem = file.stem().string();
  if (auto dot = stem.find('.'); dot != std::string::npos) stem = stem.substr(0, dot);  // x.osm.pbf
  if (source_layers.size() > 1 && source_layer != stem) stem += "_" + source_layer;
  return layer_name_from(stem);
}

std::vector<std::string> unique_field_names(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  std::set<std::string> seen = {"id", "geometry"};
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string name = trim(raw[i]);
    if (name.empty()) name = "field_" + std::to_string(i + 1);
    if (lower(name) == "id" || lower(name) == "geometry") name = "src_" + name;
    std::string candidate = name;
    for (int k = 2; seen.count(lower(candidate)); ++k) candidate = name + "_" + std::to_string(k);
    seen.insert(lower(candidate));
    out.push_back(candidate);
  }
  return out;
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);
}

// Whole numbers that are safe to store as integers: no leading zeros (codes such as 007 and 18-digit
// ID numbers stay text) and at most 15 digits.
bool parse_integer(const std::string& text, int64_t& out) {
  size_t start = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  size_t digits = text.size() - start;
  if (digits == 0 || digits > 15) return false;
  if (digits > 1 && text[start] == '0') return false;
  for (size_t i = start; i < text.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return true;
}

bool plain_lonlat(XY p) { return std::abs(p.x) <= 180 && std::abs(p.y) <= 90; }

std::string format_xy(XY p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "(%.6g, %.6g)", p.x, p.y);
  return buf;
}

const std::vector<std::string> kXNames = {"经度", "lng",   "lon",   "long",    "longitude", "x",
                                          "东经", "x坐标", "坐标x", "point_x", "gps_lng",   "gps_lon"};
const std::vector<std::string> kYNames = {"纬度",  "lat",   "latitude", "y",      "北纬",
                                          "y坐标", "坐标y", "point_y",  "gps_lat"};
const std::vector<std::string> kWktNames = {"wkt", "geom", "geometry", "the_geom", "shape", "wkt_geom", "几何"};

// A source column and how its values become stored values.
struct Column {
  int ogr_index = -1;
  std::string name;  // as stored (UTF-8, unique)
  FieldType type = FieldType::Text;
  OGRFieldType ogr_type = OFTString;
  bool infer = false;  // a text column of a table whose type is inferred from the sample
  bool integer_seen_only = true, number_seen_only = true, any_value = false;
};

// Everything decided about a file before the first row is written.
struct Plan {
  std::string what;  // the file, for messages
  Dataset ds;
  OGRLayerH layer = nullptr;
  std::string driver;
  std::vector<std::string> source_layers;
  std::string source_layer;
  bool table = false;                        // coordinates come from columns (CSV, XLSX)
  int x_col = -1, y_col = -1, wkt_col = -1;  // OGR field indices
  std::string x_name, y_name, wkt_name;
  std::vector<Column> columns;
  std::string encoding, declared_encoding;
  bool encoding_wrong = false;
  std::string crs;        // as given to PROJ; empty: lon/lat assumed
  std::string crs_label;  // for the log: EPSG code or "WKT"
  std::string crs_note;
  bool assumed_lonlat = false;
  bool needs_src_srs = false;
  bool sensitive = false;  // the target layer is sensitive: messages never quote its values
  XY example_xy;
  GeomType geom_type = GeomType::Point;
  Family family = Family::None;
  int64_t feature_count = -1;
  std::vector<std::vector<std::string>> preview_raw;
  std::vector<std::string> warnings;
};

std::string row_label(const Plan& p, int64_t row) {
  if (p.driver == "CSV") return "row " + std::to_string(row) + " (line " + std::to_string(row + 1) + ")";
  if (p.table) return "row " + std::to_string(row);
  return "feature " + std::to_string(row);
}

// A value for an error message; a sensitive layer's values are never shown.
std::string shown(const Plan& p, const std::string& value) {
  return p.sensitive ? std::string("a value (not shown: sensitive layer)") : "'" + value + "'";
}

// The first `n` bytes of a file GDAL can open (a plain path or one inside a /vsizip/ archive).
std::string read_head(const std::string& gdal_file, size_t n) {
  VSILFILE* f = VSIFOpenL(gdal_file.c_str(), "rb");
  if (!f) return "";
  std::string out(n, '\0');
  out.resize(VSIFReadL(out.data(), 1, n, f));
  VSIFCloseL(f);
  return out;
}

bool gdal_file_exists(const std::string& gdal_file) {
  VSIStatBufL st;
  return VSIStatL(gdal_file.c_str(), &st) == 0;
}

// `shp` with another extension, lower or upper case, where such a file exists; "" when neither does.
std::string sibling(const std::string& shp, const char* lower_ext, const char* upper_ext) {
  for (const char* ext : {lower_ext, upper_ext}) {
    std::string candidate = std::filesystem::path(shp).replace_extension(ext).string();
    if (gdal_file_exists(candidate)) return candidate;
  }
  return "";
}

// `shp` is a GDAL path, so that a shapefile inside a .zip declares its encoding the same way.
std::string declared_shapefile_encoding(const std::string& shp) {
  if (std::string cpg = sibling(shp, ".cpg", ".CPG"); !cpg.empty())
    return normalize_encoding_name(trim(read_head(cpg, 256)));
  if (std::string dbf = sibling(shp, ".dbf", ".DBF"); !dbf.empty()) {
    std::string header = read_head(dbf, 32);
    if (header.size() == 32 && static_cast<unsigned char>(header[29]) == 0x4D) return "GBK";  // LDID 936
  }
  return "";
}

void check_shapefile_parts(const std::filesystem::path& shp) {
  if (sibling(shp.string(), ".shx", ".SHX").empty())
    throw Error(ErrorKind::BadInput, shp.string() + ": the shapefile's index (" + shp.stem().string() +
                                         ".shx) is missing: a shapefile needs its .shp, .shx and .dbf files together");
  if (sibling(shp.string(), ".dbf", ".DBF").empty())
    throw Error(ErrorKind::BadInput, shp.string() + ": the shapefile's attribute table (" + shp.stem().string() +
                                         ".dbf) is missing: a shapefile needs its .shp, .shx and .dbf files together");
}

GDALDatasetH open_vector(const std::string& gdal_file, bool raw_shapefile_text, bool csv) {
  std::vector<const char*> options;
  if (raw_shapefile_text) options.push_back("ENCODING=");  // raw bytes: sitmap detects the encoding itself
  if (csv) options.push_back("AUTODETECT_TYPE=NO");
  options.push_back(nullptr);
  // A sheet whose cells are all text looks headerless to GDAL; sitmap's tables always have a header row.
  // (GDAL 3.6 has this as a configuration option only.)
  CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");
  CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", "FORCE");
  GDALDatasetH h = GDALOpenEx(gdal_file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.data(), nullptr);
  for (int i = 0; h && i < GDALDatasetGetLayerCount(h); ++i)
    OGR_L_GetLayerDefn(GDALDatasetGetLayer(h, i));  // sheets load here
  CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nullptr);
  CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", nullptr);
  return h;
}

// What GDAL opens inside a .zip that it cannot open as a whole: the one dataset in it (a folder of
// shapefiles, a .gdb folder, a GeoPackage, ...). Several are refused by name: the user picks by unzipping.
std::string dataset_in_zip(const std::filesystem::path& file, const std::string& root) {
  static const std::set<std::string> kVectorExtensions = {".gpkg", ".geojson", ".json", ".kml", ".gpx", ".fgb",
                                                          ".csv",  ".xlsx",    ".gml",  ".tab", ".mif"};
  char** entries = VSIReadDirRecursive(root.c_str());
  std::set<std::string> found;  // inside the archive
  for (int i = 0; entries && entries[i]; ++i) {
    std::string entry = entries[i];
    while (!entry.empty() && entry.back() == '/') entry.pop_back();
    std::filesystem::path e(entry);
    std::string ext = lower(e.extension().string());
    if (ext == ".gdb")
      found.insert(entry);
    else if (ext == ".shp")  // a folder of shapefiles opens as one dataset, one layer per file
      found.insert(e.parent_path().string());
    else if (kVectorExtensions.count(ext) && e.parent_path().extension() != ".gdb")
      found.insert(entry);
  }
  CSLDestroy(entries);
  if (found.empty())
    throw Error(ErrorKind::BadInput, file.string() + ": a zip archive with no vector data GDAL can read in it");
  if (found.size() > 1) {
    std::string all;
    for (auto& f : found) all += (all.empty() ? "" : ", ") + (f.empty() ? std::string(".") : f);
    throw Error(ErrorKind::BadInput, file.string() + ": the zip archive holds several datasets (" + all +
                                         "): unzip it and import one at a time");
  }
  const std::string& inner = *found.begin();
  return inner.empty() ? root : root + "/" + inner;
}

Dataset open_source(const std::filesystem::path& file, std::string& driver) {
  detail::register_gdal();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    if (!std::filesystem::exists(file, ec)) throw Error(ErrorKind::NotFound, file.string() + ": no such file");
    throw Error(ErrorKind::BadInput, file.string() + ": not a regular file");
  }
  if (std::filesystem::file_size(file, ec) == 0)
    throw Error(ErrorKind::BadInput, file.string() + ": empty file, nothing to import");
  std::string ext = lower(file.extension().string());
  if (ext == ".shp") check_shapefile_parts(file);
  ErrorCapture errors;
  GDALDatasetH h = open_vector(file.string(), ext == ".shp", ext == ".csv");
  // XLSX and KMZ are zip archives GDAL opens as they are; any other is looked into through /vsizip/.
  if (!h && detail::is_zip(file)) {
    std::string root = "/vsizip/" + file.string(), path = root;
    h = open_vector(path, false, false);
    if (!h) {
      path = dataset_in_zip(file, root);
      h = open_vector(path, false, false);
    }
    if (h) {
      std::string d = GDALGetDriverShortName(GDALGetDatasetDriver(h));
      if (d == "ESRI Shapefile" || d == "CSV") {  // opened again with the options a plain file gets
        GDALClose(h);
        h = open_vector(path, d == "ESRI Shapefile", d == "CSV");
      }
    }
  }
  if (!h) {
    std::string why = errors.last_message();
    throw Error(ErrorKind::BadInput,
                file.string() + ": not a readable vector file" +
                    (ext.empty() ? std::string() : " (expected " + ext.substr(1) + " from its name)") +
                    (why.empty() ? std::string(": GDAL recognises no format in it") : ": " + why));
  }
  driver = GDALGetDriverShortName(GDALGetDatasetDriver(h));
  return Dataset(h);
}

// The GDAL path of a layer's own file (a shapefile's .shp, a CSV), from the files GDAL says it reads;
// "" when the dataset is not one file per layer.
std::string layer_file(GDALDatasetH ds, const std::string& layer, const char* ext) {
  char** files = GDALGetFileList(ds);
  std::string out;
  for (int i = 0; files && files[i]; ++i) {
    std::filesystem::path f(files[i]);
    if (lower(f.extension().string()) == ext && f.stem().string() == layer) out = files[i];
  }
  CSLDestroy(files);
  return out;
}

std::string ogr_field_as_raw(OGRFeatureH f, int i) {
  const char* s = OGR_F_GetFieldAsString(f, i);
  return s ? s : "";
}

// Dates and times as ISO 8601, the form the rest of sitmap parses.
std::string ogr_datetime_text(OGRFeatureH f, int i, OGRFieldType t) {
  int y, m, d, hh, mm, tz;
  float ss;
  if (!OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &hh, &mm, &ss, &tz)) return ogr_field_as_raw(f, i);
  char buf[40];
  if (t == OFTDate)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  else if (t == OFTTime)
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", hh, mm, static_cast<int>(ss));
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, static_cast<int>(ss));
  return buf;
}

int find_column(const std::vector<std::string>& names, const std::vector<std::string>& wanted) {
  for (auto& w : wanted)
    for (size_t i = 0; i < names.size(); ++i)
      if (lower(trim(names[i])) == w) return static_cast<int>(i);
  return -1;
}

int named_column(const Plan& p, const std::vector<std::string>& names, const std::string& name, const char* option) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  throw Error(
      ErrorKind::NotFound, p.what + ": no column '" + name + "' (" + option + "); columns are: " + [&] {
        std::string all;
        for (auto& n : names) all += (all.empty() ? "" : ", ") + n;
        return all;
      }());
}

std::string srs_to_crs(OGRSpatialReferenceH srs, std::string& label) {
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (auth && code && std::string(auth) == "EPSG") {
    label = std::string("EPSG:") + code;
    return label;
  }
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2018", nullptr};
  OSRExportToWktEx(srs, &wkt, options);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  label = geo::crs_identify_epsg(out);
  if (label.empty()) label = out;
  return out;
}

// Every layer of an open source. Features are counted where that is cheap, and by reading where a file holds
// several small layers (GPX, KML) to choose from; a single CSV or GeoJSON is not read twice for its count,
// and OSM's layers count only by reading the whole extract.
std::vector<SourceLayer> list_layers(GDALDatasetH ds, const std::string& driver) {
  std::vector<SourceLayer> out;
  int n = GDALDatasetGetLayerCount(ds);
  for (int i = 0; i < n; ++i) {
    OGRLayerH l = GDALDatasetGetLayer(ds, i);
    SourceLayer sl;
    sl.name = OGR_L_GetName(l);
    sl.geometry = OGRGeometryTypeToName(OGR_L_GetGeomType(l));
    if (OGR_L_TestCapability(l, OLCFastFeatureCount) || (n > 1 && driver != "OSM"))
      sl.feature_count = OGR_L_GetFeatureCount(l, 1);
    out.push_back(std::move(sl));
  }
  return out;
}

// Opens the file, picks its layer, reads a sample and decides encoding, columns, CRS and geometry type.
// A preview (preview_rows > 0) of a multi-layer file shows its first layer; an import insists on a choice.
Plan analyse(const std::filesystem::path& file, const ImportOptions& o, int preview_rows) {
  Plan p;
  p.what = file.string();
  p.ds = open_source(file, p.driver);
  p.table = is_table_driver(p.driver);
  int nlayers = GDALDatasetGetLayerCount(p.ds.get());
  for (int i = 0; i < nlayers; ++i) p.source_layers.push_back(OGR_L_GetName(GDALDatasetGetLayer(p.ds.get(), i)));
  if (!o.source_layer.empty()) {
    p.layer = GDALDatasetGetLayerByName(p.ds.get(), o.source_layer.c_str());
    if (!p.layer) throw Error(ErrorKind::NotFound, p.what + ": no layer '" + o.source_layer + "' in the file");
  } else if (nlayers == 1 || (nlayers > 1 && preview_rows > 0)) {
    p.layer = GDALDatasetGetLayer(p.ds.get(), 0);  // a preview lists the others
  } else if (nlayers == 0) {
    throw Error(ErrorKind::BadInput, p.what + ": the file holds no layers");
  } else {
    std::string all;
    for (auto& n : p.source_layers) all += (all.empty() ? "" : ", ") + n;
    throw Error(ErrorKind::BadInput, p.what + ": the file holds " + std::to_string(nlayers) +
                                         " layers; choose one with --source-layer (" + all + ")");
  }
  p.source_layer = OGR_L_GetName(p.layer);
  // Only where it is cheap: GDAL's CSV reader counts by reading the whole file, even when not forced.
  if (OGR_L_TestCapability(p.layer, OLCFastFeatureCount)) p.feature_count = OGR_L_GetFeatureCount(p.layer, 1);

  if (p.driver == "ESRI Shapefile")
    p.declared_encoding = declared_shapefile_encoding(layer_file(p.ds.get(), p.source_layer, ".shp"));
  else if (p.driver != "CSV")
    p.declared_encoding = "UTF-8";  // GDAL hands those over as UTF-8 (GeoJSON: by spec)

  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(p.layer);
  int nfields = OGR_FD_GetFieldCount(defn);
  std::vector<std::string> raw_names;
  for (int i = 0; i < nfields; ++i) raw_names.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
  if (!raw_names.empty()) raw_names[0] = strip_utf8_bom(raw_names[0]);
  if (p.driver == "CSV" && read_head(layer_file(p.ds.get(), p.source_layer, ".csv"), 3) == "\xEF\xBB\xBF")
    p.declared_encoding = "UTF-8";

  // The sample: raw text for the encoding, geometry types, and table values for column types.
  std::vector<std::string> text_sample = raw_names;
  std::vector<std::vector<std::string>> table_values(nfields);
  std::set<GeomType> types_seen;
  std::vector<XY> coords;
  int64_t sampled = 0;
  bool sample_is_whole_file = true;
  {
    ErrorCapture errors;
    OGR_L_ResetReading(p.layer);
    while (true) {
      OgrFeature f(OGR_L_GetNextFeature(p.layer));
      if (std::string why = errors.take_failure(); !why.empty())
        throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, sampled + 1) + ": " + why);
      if (!f) break;
      if (sampled == kSampleFeatures) {
        sample_is_whole_file = false;
        break;
      }
      ++sampled;
      std::vector<std::string> row;
      for (int i = 0; i < nfields; ++i) {
        std::string v = OGR_F_IsFieldSetAndNotNull(f.get(), i) ? ogr_field_as_raw(f.get(), i) : "";
        if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) == OFTString) text_sample.push_back(v);
        if (p.table) table_values[i].push_back(v);
        if (static_cast<int>(p.preview_raw.size()) < preview_rows) row.push_back(v);
      }
      if (static_cast<int>(p.preview_raw.size()) < preview_rows) p.preview_raw.push_back(std::move(row));
      if (!p.table) {
        try {
          if (auto g = detail::from_ogr(OGR_F_GetGeometryRef(f.get()))) {
            types_seen.insert(g->type);
            BBox b = g->bbox();
            if (coords.size() < 100000) coords.push_back({b.minx, b.miny}), coords.push_back({b.maxx, b.maxy});
          }
        } catch (const Error& e) {
          throw Error(e.kind(), p.what + ": " + row_label(p, sampled) + ": " + e.what());
        }
      }
    }
  }

  // Encoding.
  if (!o.encoding.empty()) {
    p.encoding = normalize_encoding_name(o.encoding);
    encode_from_utf8("", p.encoding);  // throws for a name iconv does not know
  } else {
    EncodingGuess g = guess_encoding(text_sample, p.declared_encoding, p.what);
    p.encoding = g.encoding;
    p.encoding_wrong = g.declared_wrong;
    if (g.declared_wrong)
      p.warnings.push_back(p.what + ": declared as " + g.declared + " but the text is not; read as " + g.encoding);
  }
  auto decode = [&](const std::string& raw) {
    std::string out;
    if (!decode_to_utf8(raw, p.encoding, out))
      throw Error(ErrorKind::BadInput,
                  p.what + ": text that is not " + p.encoding + ": name the encoding with --encoding");
    return out;
  };
  std::vector<std::string> names;
  for (auto& n : raw_names) names.push_back(decode(n));

  // Coordinates of a table.
  if (p.table) {
    if (!o.wkt_field.empty()) p.wkt_col = named_column(p, names, o.wkt_field, "--wkt-field");
    if (!o.x_field.empty() || !o.y_field.empty()) {
      if (o.x_field.empty() || o.y_field.empty())
        throw Error(ErrorKind::BadInput, p.what + ": give both --x-field and --y-field");
      p.x_col = named_column(p, names, o.x_field, "--x-field");
      p.y_col = named_column(p, names, o.y_field, "--y-field");
    }
    if (p.wkt_col < 0 && p.x_col < 0) {
      p.x_col = find_column(names, kXNames);
      p.y_col = find_column(names, kYNames);
      if (p.x_col < 0 || p.y_col < 0) {
        p.x_col = p.y_col = -1;
        p.wkt_col = find_column(names, kWktNames);
      }
    }
    if (p.wkt_col < 0 && (p.x_col < 0 || p.y_col < 0)) {
      std::string all;
      for (auto& n : names) all += (all.empty() ? "" : ", ") + n;
      throw Error(ErrorKind::BadInput, p.what +
                                           ": no coordinate columns found (looked for 经度/纬度, lng/lat, lon/lat, "
                                           "x/y or a WKT column); name them with --x-field and --y-field. "
                                           "Columns: " +
                                           all);
    }
    if (p.x_col >= 0) {
      p.x_name = names[p.x_col];
      p.y_name = names[p.y_col];
    }
    if (p.wkt_col >= 0) p.wkt_name = names[p.wkt_col];
    // Geometry types and coordinates of the sample, from the columns.
    for (size_t r = 0; r < static_cast<size_t>(sampled); ++r) {
      if (p.wkt_col >= 0) {
        const std::string& w = table_values[p.wkt_col][r];
        if (w.empty()) continue;
        OGRGeometryH g = nullptr;
        char* text = const_cast<char*>(w.c_str());
        if (OGR_G_CreateFromWkt(&text, nullptr, &g) != OGRERR_NONE) continue;  // reported with its row later
        detail::OgrGeometry owned(g);
        std::optional<Geometry> geom;
        try {
          geom = detail::from_ogr(g);
        } catch (const Error&) {
          continue;  // reported with its row by the import
        }
        if (geom) {
          types_seen.insert(geom->type);
          BBox b = geom->bbox();
          coords.push_back({b.minx, b.miny});
          coords.push_back({b.maxx, b.maxy});
        }
      } else {
        double x, y;
        if (parse_double(trim(table_values[p.x_col][r]), x) && parse_double(trim(table_values[p.y_col][r]), y))
          coords.push_back({x, y});
        types_seen.insert(GeomType::Point);
      }
    }
  }

  // Attribute columns.
  std::vector<std::string> kept;
  for (int i = 0; i < nfields; ++i) {
    if (i == p.x_col || i == p.y_col || i == p.wkt_col) continue;
    Column c;
    c.ogr_index = i;
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
    c.ogr_type = OGR_Fld_GetType(fd);
    if (c.ogr_type == OFTInteger || c.ogr_type == OFTInteger64)
      c.type = FieldType::Integer;
    else if (c.ogr_type == OFTReal)
      c.type = FieldType::Real;
    c.infer = p.table && c.ogr_type == OFTString;
    if (c.infer) {
      for (auto& raw : table_values[i]) {
        std::string v = trim(raw);
        if (v.empty()) continue;
        c.any_value = true;
        int64_t iv;
        double dv;
        if (!parse_integer(v, iv)) c.integer_seen_only = false;
        if (!parse_double(v, dv) || (v.size() > 1 && v[0] == '0' && v[1] != '.')) c.number_seen_only = false;
      }
      c.type = !c.any_value          ? FieldType::Text
               : c.integer_seen_only ? FieldType::Integer
               : c.number_seen_only  ? FieldType::Real
                                     : FieldType::Text;
    }
    kept.push_back(names[i]);
    p.columns.push_back(c);
  }
  auto unique = unique_field_names(kept);
  for (size_t i = 0; i < p.columns.size(); ++i) p.columns[i].name = unique[i];

  // Geometry type: the declared one where the format enforces it, else what the sample holds; lines and
  // polygons become multi unless the whole file was seen single (a later multi one could not be stored).
  std::set<Family> families;
  for (auto t : types_seen) families.insert(family_of(t));
  if (o.only != GeometryFamily::Any) {
    p.family = o.only == GeometryFamily::Point  ? Family::Point
               : o.only == GeometryFamily::Line ? Family::Line
                                                : Family::Polygon;
  } else if (families.size() > 1) {
    std::string all;
    for (auto f : families) all += (all.empty() ? "" : ", ") + std::string(family_name(f));
    throw Error(ErrorKind::BadInput,
                p.what + ": the file mixes " + all + "; import one kind at a time with --geometry point|line|polygon");
  } else if (families.size() == 1) {
    p.family = *families.begin();
  } else {
    OGRwkbGeometryType declared = wkbFlatten(OGR_L_GetGeomType(p.layer));
    if (declared == wkbPoint || declared == wkbMultiPoint)
      p.family = Family::Point;
    else if (declared == wkbLineString || declared == wkbMultiLineString)
      p.family = Family::Line;
    else if (declared == wkbPolygon || declared == wkbMultiPolygon)
      p.family = Family::Polygon;
    else
      throw Error(ErrorKind::BadInput, p.what + ": no geometries to import (every geometry is null or empty)");
  }
  bool any_multi = false;
  for (auto t : types_seen) any_multi |= family_of(t) == p.family && is_multi(t);
  OGRwkbGeometryType declared = wkbFlatten(OGR_L_GetGeomType(p.layer));
  bool strict_single = (p.driver == "GPKG" || p.driver == "FlatGeobuf") &&
                       (declared == wkbPoint || declared == wkbLineString || declared == wkbPolygon);
  if (any_multi)
    p.geom_type = multi_of(p.family);
  else if (p.family == Family::Point || strict_single || (sample_is_whole_file && p.driver != "ESRI Shapefile"))
    p.geom_type = single_of(p.family);
  else
    p.geom_type = multi_of(p.family);

  // CRS.
  OGRSpatialReferenceH srs = p.table ? nullptr : OGR_L_GetSpatialRef(p.layer);
  if (!o.src_srs.empty()) {
    p.crs = o.src_srs;
    p.crs_label = geo::crs_identify_epsg(o.src_srs);
    if (p.crs_label.empty()) p.crs_label = o.src_srs;
    p.crs_note = "--src-srs";
  } else if (srs) {
    p.crs = srs_to_crs(srs, p.crs_label);
    p.crs_note = "declared by the file";
  } else {
    p.assumed_lonlat = true;
    p.crs_label = "EPSG:4326";
    p.crs_note = "none declared; coordinates are longitudes/latitudes";
    for (auto& c : coords) {
      if (!plain_lonlat(c)) {
        p.needs_src_srs = true;
        p.example_xy = c;
        p.crs_note = "none declared, and coordinates such as " + format_xy(c) + " are not longitudes/latitudes";
        break;
      }
    }
  }
  if (!p.crs.empty()) {
    try {
      geo::Transformer probe(p.crs, "EPSG:4326");
    } catch (const Error& e) {
      throw Error(e.kind(), p.what + ": " + e.what());
    }
  }
  return p;
}

// Turns a feature's attributes into stored values. Table columns inferred as numbers must stay numbers.
Value column_value(const Plan& p, const Column& c, OGRFeatureH f, int64_t row, std::string& scratch) {
  int i = c.ogr_index;
  if (!OGR_F_IsFieldSetAndNotNull(f, i)) return {};
  switch (c.ogr_type) {
    case OFTInteger:
    case OFTInteger64:
      return static_cast<int64_t>(OGR_F_GetFieldAsInteger64(f, i));
    case OFTReal:
      return OGR_F_GetFieldAsDouble(f, i);
    case OFTDate:
    case OFTTime:
    case OFTDateTime:
      return ogr_datetime_text(f, i, c.ogr_type);
    default:
      break;
  }
  const char* raw = OGR_F_GetFieldAsString(f, i);
  if (!decode_to_utf8(raw ? raw : "", p.encoding, scratch))
    throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ", field '" + c.name + "': text that is not " +
                                         p.encoding + ": name the file's encoding with --encoding");
  if (!c.infer || c.type == FieldType::Text) return scratch;
  std::string v = trim(scratch);
  if (v.empty()) return {};
  if (c.type == FieldType::Integer) {
    int64_t iv;
    if (parse_integer(v, iv)) return iv;
  }
  double dv;
  if (parse_double(v, dv)) return dv;  // SQLite keeps a real in an INTEGER column as it is
  throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ", field '" + c.name + "': " + shown(p, v) +
                                       " is not a number (the column's first rows are numbers)");
}

// The geometry of a table row, from its coordinate or WKT columns; nullopt when they are empty.
std::optional<Geometry> table_geometry(const Plan& p, OGRFeatureH f, int64_t row, bool& converted) {
  auto text = [&](int col) {
    return OGR_F_IsFieldSetAndNotNull(f, col) ? trim(ogr_field_as_raw(f, col)) : std::string();
  };
  if (p.wkt_col >= 0) {
    std::string w = text(p.wkt_col);
    if (w.empty()) return std::nullopt;
    OGRGeometryH g = nullptr;
    char* cursor = w.data();
    if (OGR_G_CreateFromWkt(&cursor, nullptr, &g) != OGRERR_NONE)
      throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ", field '" + p.wkt_name +
                                           "': not a WKT geometry: " + shown(p, w.substr(0, 60)));
    detail::OgrGeometry owned(g);
    return detail::from_ogr(g, &converted);
  }
  std::string xs = text(p.x_col), ys = text(p.y_col);
  if (xs.empty() && ys.empty()) return std::nullopt;
  double x, y;
  if (!parse_double(xs, x))
    throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ", field '" + p.x_name + "': " + shown(p, xs) +
                                         " is not a coordinate");
  if (!parse_double(ys, y))
    throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ", field '" + p.y_name + "': " + shown(p, ys) +
                                         " is not a coordinate");
  return Geometry::point({x, y});
}

std::vector<FieldDef> field_defs(const Plan& p) {
  std::vector<FieldDef> out;
  for (auto& c : p.columns) out.push_back({c.name, c.type});
  return out;
}

void refuse_without_crs(const Plan& p) {
  if (p.needs_src_srs)
    throw Error(ErrorKind::BadInput,
                p.what + ": " + "no coordinate reference system, and coordinates such as " +
                    (p.sensitive ? std::string("those of its rows") : format_xy(p.example_xy)) +
                    " are not longitudes/latitudes: name the CRS with --src-srs (e.g. "
                    "EPSG:4549 for CGCS2000 / 3-degree Gauss-Kruger CM 120E, EPSG:32651 for UTM 51N)");
}

}  // namespace

const char* import_mode_name(ImportMode m) {
  switch (m) {
    case ImportMode::Create:
      return "create";
    case ImportMode::Append:
      return "append";
    case ImportMode::Replace:
      return "replace";
  }
  return "create";
}

std::optional<ImportMode> parse_import_mode(std::string_view name) {
  std::string n = lower(name);
  if (n == "create") return ImportMode::Create;
  if (n == "append") return ImportMode::Append;
  if (n == "replace") return ImportMode::Replace;
  return std::nullopt;
}

std::optional<GeometryFamily> parse_geometry_family(std::string_view name) {
  std::string n = lower(name);
  if (n == "any" || n.empty()) return GeometryFamily::Any;
  if (n == "point" || n == "points") return GeometryFamily::Point;
  if (n == "line" || n == "lines" || n == "linestring") return GeometryFamily::Line;
  if (n == "polygon" || n == "polygons") return GeometryFamily::Polygon;
  return std::nullopt;
}

BBox expected_region() { return BBox{120.85, 30.66, 122.25, 31.90}; }  // Shanghai municipality, a small margin

SourceInfo inspect_source(const std::filesystem::path& file) {
  SourceInfo out;
  out.file = file.string();
  Dataset ds = open_source(file, out.format);
  out.layers = list_layers(ds.get(), out.format);
  return out;
}

bool is_osm_file(const std::filesystem::path& file) {
  detail::register_gdal();
  // GDAL's OSM driver knows its files by these marks too: the XML root element, the PBF header block's type.
  std::string head = read_head(file.string(), 1024);
  return head.find("<osm") != std::string::npos || head.substr(0, 64).find("OSMHeader") != std::string::npos;
}

ImportPreview preview_import(const std::filesystem::path& file, const ImportOptions& options, int max_rows) {
  Plan p = analyse(file, options, max_rows);
  ImportPreview out;
  out.file = file.string();
  out.format = p.driver;
  out.layers = list_layers(p.ds.get(), p.driver);
  out.source_layer = p.source_layer;
  out.layer = options.layer.empty() ? default_layer_name(file, p.source_layers, p.source_layer) : options.layer;
  out.crs = p.crs.empty() ? (p.needs_src_srs ? "" : "EPSG:4326") : p.crs_label;
  out.crs_note = p.crs_note;
  out.crs_origin = !options.src_srs.empty() ? ImportPreview::CrsOrigin::Given
                   : p.assumed_lonlat       ? ImportPreview::CrsOrigin::None
                                            : ImportPreview::CrsOrigin::File;
  out.needs_src_srs = p.needs_src_srs;
  out.encoding = p.encoding;
  out.declared_encoding = p.declared_encoding;
  out.encoding_declared_wrong = p.encoding_wrong;
  out.x_field = p.x_name;
  out.y_field = p.y_name;
  out.wkt_field = p.wkt_name;
  out.geom_type = p.geom_type;
  out.fields = field_defs(p);
  out.feature_count = p.feature_count;
  out.warnings = p.warnings;
  for (auto& raw_row : p.preview_raw) {
    std::vector<std::string> row;
    for (auto& c : p.columns) {
      std::string text;
      bool ok = decode_to_utf8(raw_row[c.ogr_index], p.encoding, text);
      row.push_back(ok ? std::move(text) : std::string(1, '?'));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

ImportResult import_file(store::Store& store, const std::filesystem::path& file, const ImportOptions& o,
                         const ImportProgress& progress, const std::atomic<bool>* cancel) {
  auto started = std::chrono::steady_clock::now();
  Plan p = analyse(file, o, 0);
  const std::string layer = o.layer.empty() ? default_layer_name(file, p.source_layers, p.source_layer) : o.layer;
  std::optional<LayerInfo> existing = store.find_layer(layer);
  p.sensitive = o.kind.value_or(existing ? existing->kind : LayerKind::Operational) == LayerKind::Sensitive;
  refuse_without_crs(p);
  ImportResult r;
  r.layer = layer;
  r.format = p.driver;
  r.crs = p.crs_label;
  r.encoding = p.encoding;
  r.warnings = p.warnings;
  std::optional<geo::Transformer> transform;
  bool identity = p.crs.empty() || p.crs_label == "EPSG:4326";
  if (!identity) transform.emplace(p.crs, "EPSG:4326");

  if (o.mode == ImportMode::Create && existing)
    throw Error(ErrorKind::BadInput, p.what + ": layer '" + r.layer + "' already exists in " + store.info().location +
                                         ": use --mode append or --mode replace, or another --layer");
  if (o.mode == ImportMode::Append && !existing)
    throw Error(ErrorKind::NotFound, p.what + ": no layer '" + r.layer + "' to append to in " + store.info().location);

  LayerInfo target;
  std::vector<int> column_to_field;  // Plan column -> index in target.fields, -1 to drop
  if (o.mode == ImportMode::Append) {
    target = *existing;
    if (family_of(target.geom_type) != p.family)
      throw Error(ErrorKind::BadInput, p.what + ": holds " + family_name(p.family) + ", layer '" + target.name +
                                           "' holds " + family_name(family_of(target.geom_type)));
    if (is_multi(p.geom_type) && !is_multi(target.geom_type))
      throw Error(ErrorKind::BadInput, p.what + ": has multi-part geometries, layer '" + target.name + "' holds " +
                                           geom_type_name(target.geom_type) + ": use --mode replace");
    for (auto& c : p.columns) {
      column_to_field.push_back(target.field_index(c.name));
      if (column_to_field.back() < 0)
        r.warnings.push_back(p.what + ": field '" + c.name + "' is not in layer '" + target.name +
                             "' and was left out");
    }
  } else {
    target.name = r.layer;
    target.title_zh = target.title_en = file.stem().string();
    if (p.source_layers.size() > 1) target.title_zh = target.title_en = file.stem().string() + " " + p.source_layer;
    target.geom_type = p.geom_type;
    target.kind = o.kind.value_or(LayerKind::Operational);
    target.fields = field_defs(p);
    if (existing) {
      target.title_zh = existing->title_zh;
      target.title_en = existing->title_en;
      target.style = existing->style;
      target.kind = o.kind.value_or(existing->kind);
    }
    for (size_t i = 0; i < p.columns.size(); ++i) column_to_field.push_back(static_cast<int>(i));
  }
  target.source = p.what;

  std::error_code ec;
  int64_t file_size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
  Family keep = p.family;
  const bool sealed = target.kind == LayerKind::Sensitive;
  if (sealed && !o.seal)
    throw Error(ErrorKind::Denied, p.what + ": layer '" + r.layer + "' is sensitive (受限图层): its rows are sealed "
                                       "on the way in with the key of a signed-in cleared user, and none is");
  store.write([&](store::Writer& w) {
    if (o.mode == ImportMode::Replace && existing) w.drop_layer(r.layer);
    if (o.mode != ImportMode::Append) w.create_layer(target);
    ErrorCapture errors;
    OGR_L_ResetReading(p.layer);
    Feature out;
    std::string scratch;
    int64_t row = 0;
    while (true) {
      OgrFeature f(OGR_L_GetNextFeature(p.layer));
      if (std::string why = errors.take_failure(); !why.empty())
        throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row + 1) + ": " + why);
      if (!f) break;
      ++row;
      ++r.read;
      if ((row & 1023) == 0) {
        if (cancel && cancel->load())
          throw Error(ErrorKind::Cancelled, p.what + ": import cancelled; nothing was written");
        if (progress && (row & 4095) == 0) progress(row, p.feature_count);
      }
      std::optional<Geometry> g;
      try {
        bool converted = false;
        g = p.table ? table_geometry(p, f.get(), row, converted)
                    : detail::from_ogr(OGR_F_GetGeometryRef(f.get()), &converted);
        r.converted += converted;
      } catch (const Error& e) {
        if (std::string(e.what()).rfind(p.what, 0) == 0) throw;
        throw Error(e.kind(), p.what + ": " + row_label(p, row) + ": " + e.what());
      }
      if (!g) {
        ++r.skipped_null;
        continue;
      }
      if (family_of(g->type) != keep) {
        if (o.only == GeometryFamily::Any)
          throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + " is a " + geom_type_name(g->type) +
                                               " among " + family_name(keep) +
                                               "; import one kind at a time with --geometry point|line|polygon");
        ++r.skipped_other_family;
        continue;
      }
      if (is_multi(g->type) && !is_multi(target.geom_type)) {
        bool single = g->points.size() + g->lines.size() + g->polygons.size() == 1;
        if (!single)
          throw Error(ErrorKind::BadInput,
                      p.what + ": " + row_label(p, row) + " is a multi-part " + geom_type_name(g->type) +
                          " in a file whose first features were single: " + "import into a new layer (it will hold " +
                          geom_type_name(multi_of(keep)) + ") with --mode replace after converting, or split the file");
        g->type = single_of(keep);
      }
      if (p.assumed_lonlat) {
        BBox b = g->bbox();
        if (!plain_lonlat({b.minx, b.miny}) || !plain_lonlat({b.maxx, b.maxy}))
          throw Error(ErrorKind::BadInput,
                      p.what + ": " + row_label(p, row) + ": coordinates " + format_xy({b.minx, b.miny}) +
                          " are not longitudes/latitudes and the file names no CRS: use --src-srs");
      }
      if (transform) *g = transform->forward(*g);
      remove_offset(o.offset, *g);
      if (keep == Family::Polygon) {
        if (std::string why = geo::invalid_reason(*g); !why.empty()) {
          if (!o.repair_invalid)
            throw Error(ErrorKind::BadInput, p.what + ": " + row_label(p, row) + ": invalid polygon (" + why +
                                                 "); allow repairs or fix the file");
          Geometry fixed = geo::make_valid(*g);
          if (fixed.is_empty() || family_of(fixed.type) != Family::Polygon) {
            ++r.skipped_invalid;
            continue;
          }
          if (is_multi(fixed.type) && !is_multi(target.geom_type)) {
            if (fixed.polygons.size() != 1) {
              ++r.skipped_invalid;
              continue;
            }
            fixed.type = GeomType::Polygon;
          }
          *g = std::move(fixed);
          ++r.repaired;
        }
      }
      out.geometry = std::move(*g);
      out.values.assign(target.fields.size(), Value{});
      for (size_t i = 0; i < p.columns.size(); ++i)
        if (int k = column_to_field[i]; k >= 0) out.values[k] = column_value(p, p.columns[i], f.get(), row, scratch);
      r.extent.expand(out.geometry.bbox());
      if (sealed) {
        out.id = w.next_id(r.layer);
        w.insert_sealed(r.layer, o.seal(target, out));
      } else {
        w.insert(r.layer, out);
      }
      ++r.written;
    }
    if (r.read == 0) throw Error(ErrorKind::BadInput, p.what + ": no rows to import");
    if (r.written == 0)
      throw Error(ErrorKind::BadInput,
                  p.what + ": none of its " + std::to_string(r.read) + " rows has a geometry to import");
    if (progress) progress(row, row);
    if (r.converted)
      r.warnings.push_back(p.what + ": " + std::to_string(r.converted) +
                           " curved, TIN or polyhedral geometries converted to lines and polygons");
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    store::ImportLogEntry log;
    log.layer = r.layer;
    log.file = p.what;
    log.format = r.format;
    log.crs = r.crs;
    log.encoding = r.encoding;
    log.mode = import_mode_name(o.mode);
    log.file_size = file_size;
    log.read = r.read;
    log.written = r.written;
    log.repaired = r.repaired;
    log.skipped = r.skipped();
    log.seconds = r.seconds;
    w.log_import(log);
    if (o.before_commit) o.before_commit(w, log);
  });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.outside_region = !expected_region().contains(XY{r.extent.minx, r.extent.miny}) ||
                     !expected_region().contains(XY{r.extent.maxx, r.extent.maxy});
  if (r.outside_region)
    r.warnings.push_back(p.what + ": the imported data spans " + format_xy({r.extent.minx, r.extent.miny}) + " to " +
                         format_xy({r.extent.maxx, r.extent.maxy}) +
                         ", outside the Shanghai area: check the CRS (--src-srs) and the offset (--offset)");
  for (auto& wmsg : r.warnings) spdlog::warn("{}", wmsg);
  spdlog::info("{}: {} rows read, {} written to layer {}, {} repaired, {} skipped, {:.2f} s", p.what, r.read, r.written,
               r.layer, r.repaired, r.skipped(), r.seconds);
  return r;
}

}  // namespace sitmap::io

namespace sitmap::io {

std::vector<ImportResult> import_osm(store::Store& store, const std::filesystem::path& file, const ImportOptions& o,
                                     const ImportProgress& progress, const std::atomic<bool>* cancel) {
  auto started = std::chrono::steady_clock::now();
  const std::string what = file.string();
  std::string driver;
  Dataset ds = open_source(file, driver);
  if (driver != "OSM")
    throw Error(ErrorKind::BadInput, what + ": not an OpenStreetMap file (GDAL reads it as " + driver + ")");

  // Ways with a highway tag come as `lines`; closed ways and relations with a building tag as `multipolygons`.
  struct Target {
    const char* source;  // OSM driver layer
    const char* tag;     // the tag that selects features
    LayerInfo info;
    ImportResult result;
    int id_field = -1, name_field = -1, tag_field = -1, way_id_field = -1;
  };
  std::string prefix = o.layer.empty() ? "" : o.layer + "_";
  std::vector<Target> targets(2);
  targets[0].source = "lines";
  targets[0].tag = "highway";
  targets[0].info.name = prefix + "streets";
  targets[0].info.title_zh = "道路";
  targets[0].info.title_en = "Streets";
  targets[0].info.geom_type = GeomType::LineString;
  targets[1].source = "multipolygons";
  targets[1].tag = "building";
  targets[1].info.name = prefix + "buildings";
  targets[1].info.title_zh = "建筑";
  targets[1].info.title_en = "Buildings";
  targets[1].info.geom_type = GeomType::MultiPolygon;
  for (auto& t : targets) {
    t.info.kind = o.kind.value_or(LayerKind::Basemap);
    t.info.source = what;
    t.info.fields = {{"osm_id", FieldType::Text}, {"name", FieldType::Text}, {t.tag, FieldType::Text}};
    t.result.layer = t.info.name;
    t.result.format = driver;
    t.result.crs = "EPSG:4326";
    t.result.encoding = "UTF-8";
    OGRLayerH l = GDALDatasetGetLayerByName(ds.get(), t.source);
    if (!l) throw Error(ErrorKind::BadInput, what + ": GDAL's OSM reader has no '" + t.source + "' layer");
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    t.id_field = OGR_FD_GetFieldIndex(d, "osm_id");
    t.way_id_field = OGR_FD_GetFieldIndex(d, "osm_way_id");
    t.name_field = OGR_FD_GetFieldIndex(d, "name");
    t.tag_field = OGR_FD_GetFieldIndex(d, t.tag);
    if (t.tag_field < 0)
      throw Error(ErrorKind::Internal, what + ": GDAL's OSM reader does not expose the '" + t.tag + "' tag");
    if (auto existing = store.find_layer(t.info.name)) {
      if (o.mode != ImportMode::Replace)
        throw Error(ErrorKind::BadInput, what + ": layer '" + t.info.name + "' already exists in " +
                                             store.info().location + ": use --mode replace, or --layer PREFIX");
    }
  }
  if (o.mode == ImportMode::Append)
    throw Error(ErrorKind::BadInput, what + ": OSM imports create or replace their layers");

  std::error_code ec;
  int64_t file_size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
  store.write([&](store::Writer& w) {
    for (auto& t : targets) {
      if (store.find_layer(t.info.name)) w.drop_layer(t.info.name);
      w.create_layer(t.info);
    }
    ErrorCapture errors;
    GDALDatasetResetReading(ds.get());
    int64_t seen = 0;
    Feature out;
    auto text = [](OGRFeatureH f, int i) -> Value {
      if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i)) return {};
      return std::string(OGR_F_GetFieldAsString(f, i));
    };
    while (true) {
      OGRLayerH from = nullptr;
      OgrFeature f(GDALDatasetGetNextFeature(ds.get(), &from, nullptr, nullptr, nullptr));
      if (std::string why = errors.take_failure(); !why.empty())
        throw Error(ErrorKind::BadInput, what + ": after " + std::to_string(seen) + " features: " + why);
      if (!f) break;
      if ((++seen & 1023) == 0) {
        if (cancel && cancel->load())
          throw Error(ErrorKind::Cancelled, what + ": import cancelled; nothing was written");
        if (progress && (seen & 4095) == 0) progress(seen, -1);
      }
      std::string layer_name = OGR_L_GetName(from);
      for (auto& t : targets) {
        if (layer_name != t.source) continue;
        if (!OGR_F_IsFieldSetAndNotNull(f.get(), t.tag_field)) continue;
        ++t.result.read;
        std::optional<Geometry> g;
        try {
          g = detail::from_ogr(OGR_F_GetGeometryRef(f.get()));
        } catch (const Error& e) {
          throw Error(e.kind(), what + ": OSM " + t.source + " feature " + std::to_string(OGR_F_GetFID(f.get())) +
                                    ": " + e.what());
        }
        if (!g || family_of(g->type) != family_of(t.info.geom_type)) {
          ++t.result.skipped_null;
          continue;
        }
        remove_offset(o.offset, *g);
        if (t.info.geom_type == GeomType::LineString && g->type == GeomType::MultiLineString) {
          if (g->lines.size() != 1) {
            ++t.result.skipped_other_family;
            continue;
          }
          g->type = GeomType::LineString;
        }
        if (family_of(t.info.geom_type) == Family::Polygon && !geo::invalid_reason(*g).empty()) {
          Geometry fixed = geo::make_valid(*g);
          if (fixed.is_empty() || family_of(fixed.type) != Family::Polygon) {
            ++t.result.skipped_invalid;
            continue;
          }
          *g = std::move(fixed);
          ++t.result.repaired;
        }
        Value id = text(f.get(), t.id_field);
        if (is_null(id)) id = text(f.get(), t.way_id_field);
        out.geometry = std::move(*g);
        out.values = {id, text(f.get(), t.name_field), text(f.get(), t.tag_field)};
        t.result.extent.expand(out.geometry.bbox());
        w.insert(t.info.name, out);
        ++t.result.written;
      }
    }
    if (targets[0].result.written + targets[1].result.written == 0)
      throw Error(ErrorKind::BadInput, what + ": no streets (highway=*) or buildings (building=*) in the file");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (auto& t : targets) {
      t.result.seconds = seconds;
      store::ImportLogEntry log;
      log.layer = t.info.name;
      log.file = what;
      log.format = driver;
      log.crs = "EPSG:4326";
      log.encoding = "UTF-8";
      log.mode = import_mode_name(o.mode);
      log.file_size = file_size;
      log.read = t.result.read;
      log.written = t.result.written;
      log.repaired = t.result.repaired;
      log.skipped = t.result.skipped();
      log.seconds = seconds;
      w.log_import(log);
      if (o.before_commit) o.before_commit(w, log);
    }
  });
  std::vector<ImportResult> results;
  for (auto& t : targets) {
    const BBox& e = t.result.extent;
    t.result.outside_region =
        !e.empty() && (!expected_region().contains({e.minx, e.miny}) || !expected_region().contains({e.maxx, e.maxy}));
    if (t.result.outside_region)
      t.result.warnings.push_back(what + ": layer " + t.info.name + " spans " + format_xy({e.minx, e.miny}) + " to " +
                                  format_xy({e.maxx, e.maxy}) + ", outside the Shanghai area");
    results.push_back(std::move(t.result));
  }
  return results;
}

}  // namespace sitmap::io
