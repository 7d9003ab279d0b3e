// Plain value types shared by every module. No dependencies beyond the standard library.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sitmap {

// A planar or geographic coordinate: (lon, lat) in degrees or (x, y) in metres, depending on context.
struct XY {
  double x = 0, y = 0;
  friend bool operator==(const XY&, const XY&) = default;
};

struct BBox {
  double minx = std::numeric_limits<double>::infinity();
  double miny = std::numeric_limits<double>::infinity();
  double maxx = -std::numeric_limits<double>::infinity();
  double maxy = -std::numeric_limits<double>::infinity();

  bool empty() const { return minx > maxx || miny > maxy; }
  void expand(XY p) {
    if (p.x < minx) minx = p.x;
    if (p.y < miny) miny = p.y;
    if (p.x > maxx) maxx = p.x;
    if (p.y > maxy) maxy = p.y;
  }
  void expand(const BBox& b) {
    if (!b.empty()) { expand(XY{b.minx, b.miny}); expand(XY{b.maxx, b.maxy}); }
  }
  bool contains(XY p) const { return p.x >= minx && p.x <= maxx && p.y >= miny && p.y <= maxy; }
  bool intersects(const BBox& b) const {
    return !(b.minx > maxx || b.maxx < minx || b.miny > maxy || b.maxy < miny);
  }
  double width() const { return maxx - minx; }
  double height() const { return maxy - miny; }
  XY center() const { return {(minx + maxx) / 2, (miny + maxy) / 2}; }
  friend bool operator==(const BBox&, const BBox&) = default;
};

enum class GeomType { Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon };
const char* geom_type_name(GeomType t);                 // "POINT", "MULTIPOLYGON", ...
std::optional<GeomType> parse_geom_type(std::string_view name);  // case-insensitive

using Ring = std::vector<XY>;  // closed: first == last
struct Polygon {
  std::vector<Ring> rings;  // rings[0] is the shell, the rest are holes
};

// A simple-features geometry held by kind; only the member matching `type` is used.
struct Geometry {
  GeomType type = GeomType::Point;
  std::vector<XY> points;               // Point (one) and MultiPoint
  std::vector<std::vector<XY>> lines;   // LineString (one) and MultiLineString
  std::vector<Polygon> polygons;        // Polygon (one) and MultiPolygon

  static Geometry point(XY p) { Geometry g; g.type = GeomType::Point; g.points = {p}; return g; }
  static Geometry line(std::vector<XY> l) { Geometry g; g.type = GeomType::LineString; g.lines = {std::move(l)}; return g; }
  static Geometry polygon(Polygon p) { Geometry g; g.type = GeomType::Polygon; g.polygons = {std::move(p)}; return g; }
  bool is_empty() const { return points.empty() && lines.empty() && polygons.empty(); }
  BBox bbox() const;
};

enum class FieldType { Integer, Real, Text };
const char* field_type_name(FieldType t);  // "INTEGER", "REAL", "TEXT"

using Value = std::variant<std::monostate, int64_t, double, std::string>;
std::string value_to_string(const Value& v);  // "" for null
inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

struct FieldDef {
  std::string name;
  FieldType type = FieldType::Text;
  friend bool operator==(const FieldDef&, const FieldDef&) = default;
};

// basemap: streets, buildings; operational: blocks, cameras, incidents; sensitive: special persons.
enum class LayerKind { Basemap, Operational, Sensitive };
const char* layer_kind_name(LayerKind k);  // "basemap", "operational", "sensitive"
std::optional<LayerKind> parse_layer_kind(std::string_view name);

struct LayerInfo {
  std::string name;      // also the table name
  std::string title_zh;
  std::string title_en;
  GeomType geom_type = GeomType::Point;
  LayerKind kind = LayerKind::Operational;
  std::string style;     // file under layers/, e.g. "cameras.toml"
  std::string source;    // where the rows came from ("demo seed 1", a file path)
  std::vector<FieldDef> fields;  // attribute columns, in order (not id, not geometry)
  int64_t count = 0;
  BBox extent;           // lon/lat

  int field_index(std::string_view field) const;  // -1 when absent
};

struct Feature {
  int64_t id = 0;               // assigned by the store on insert when 0
  Geometry geometry;            // lon/lat (EPSG:4326)
  std::vector<Value> values;    // parallel to LayerInfo::fields
};

}  // namespace sitmap
