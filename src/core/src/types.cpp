#include "sitmap/core/types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sitmap {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

const char* geom_type_name(GeomType t) {
  switch (t) {
    case GeomType::Point: return "POINT";
    case GeomType::LineString: return "LINESTRING";
    case GeomType::Polygon: return "POLYGON";
    case GeomType::MultiPoint: return "MULTIPOINT";
    case GeomType::MultiLineString: return "MULTILINESTRING";
    case GeomType::MultiPolygon: return "MULTIPOLYGON";
  }
  return "GEOMETRY";
}

std::optional<GeomType> parse_geom_type(std::string_view name) {
  for (auto t : {GeomType::Point, GeomType::LineString, GeomType::Polygon, GeomType::MultiPoint,
                 GeomType::MultiLineString, GeomType::MultiPolygon})
    if (iequals(name, geom_type_name(t))) return t;
  return std::nullopt;
}

const char* field_type_name(FieldType t) {
  switch (t) {
    case FieldType::Integer: return "INTEGER";
    case FieldType::Real: return "REAL";
    case FieldType::Text: return "TEXT";
  }
  return "TEXT";
}

const char* layer_kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::Basemap: return "basemap";
    case LayerKind::Operational: return "operational";
    case LayerKind::Sensitive: return "sensitive";
  }
  return "operational";
}

std::optional<LayerKind> parse_layer_kind(std::string_view name) {
  for (auto k : {LayerKind::Basemap, LayerKind::Operational, LayerKind::Sensitive})
    if (iequals(name, layer_kind_name(k))) return k;
  return std::nullopt;
}

std::string value_to_string(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, end);
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, v);
}

BBox Geometry::bbox() const {
  BBox b;
  for (auto& p : points) b.expand(p);
  for (auto& l : lines)
    for (auto& p : l) b.expand(p);
  for (auto& poly : polygons)
    if (!poly.rings.empty())
      for (auto& p : poly.rings[0]) b.expand(p);
  return b;
}

int LayerInfo::field_index(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field) return static_cast<int>(i);
  return -1;
}

}  // namespace sitmap
