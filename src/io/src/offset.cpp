#include "sitmap/io/offset.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace sitmap::io {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kKrasovskyA = 6378245.0;                // semi-major axis of the Krasovsky 1940 ellipsoid
constexpr double kKrasovskyE2 = 0.00669342162296594323;  // its first eccentricity squared
constexpr double kBdPi = kPi * 3000.0 / 180.0;

bool outside_china(XY p) { return p.x < 72.004 || p.x > 137.8347 || p.y < 0.8293 || p.y > 55.8271; }

double shift_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double shift_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// Solves forward(w) = target by fixed-point iteration: the shifts vary slowly (their Jacobian is close to
// the identity), so each step gains several digits.
template <class Forward>
XY invert(Forward forward, XY target) {
  XY w = target;
  for (int i = 0; i < 30; ++i) {
    XY f = forward(w);
    double dx = f.x - target.x, dy = f.y - target.y;
    w.x -= dx;
    w.y -= dy;
    if (std::abs(dx) < 1e-11 && std::abs(dy) < 1e-11) break;
  }
  return w;
}

template <class Fn>
void for_each_xy(Geometry& g, Fn fn) {
  for (auto& p : g.points) p = fn(p);
  for (auto& l : g.lines)
    for (auto& p : l) p = fn(p);
  for (auto& poly : g.polygons)
    for (auto& r : poly.rings)
      for (auto& p : r) p = fn(p);
}

}  // namespace

const char* map_offset_name(MapOffset o) {
  switch (o) {
    case MapOffset::None:
      return "none";
    case MapOffset::Gcj02:
      return "gcj02";
    case MapOffset::Bd09:
      return "bd09";
  }
  return "none";
}

std::optional<MapOffset> parse_map_offset(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n.empty() || n == "none" || n == "wgs84") return MapOffset::None;
  if (n == "gcj02" || n == "gcj-02" || n == "amap" || n == "tencent") return MapOffset::Gcj02;
  if (n == "bd09" || n == "bd-09" || n == "baidu") return MapOffset::Bd09;
  return std::nullopt;
}

XY wgs84_to_gcj02(XY p) {
  if (outside_china(p)) return p;
  double dlat = shift_lat(p.x - 105.0, p.y - 35.0);
  double dlon = shift_lon(p.x - 105.0, p.y - 35.0);
  double rad = p.y / 180.0 * kPi;
  double magic = 1.0 - kKrasovskyE2 * std::sin(rad) * std::sin(rad);
  double sq = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kKrasovskyA * (1.0 - kKrasovskyE2)) / (magic * sq) * kPi);
  dlon = (dlon * 180.0) / (kKrasovskyA / sq * std::cos(rad) * kPi);
  return {p.x + dlon, p.y + dlat};
}

XY gcj02_to_bd09(XY p) {
  if (outside_china(p)) return p;
  double z = std::sqrt(p.x * p.x + p.y * p.y) + 0.00002 * std::sin(p.y * kBdPi);
  double theta = std::atan2(p.y, p.x) + 0.000003 * std::cos(p.x * kBdPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

XY bd09_to_gcj02(XY p) {
  if (outside_china(p)) return p;
  double x = p.x - 0.0065, y = p.y - 0.006;
  double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kBdPi);
  double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kBdPi);
  return {z * std::cos(theta), z * std::sin(theta)};
}

XY wgs84_to_bd09(XY p) { return gcj02_to_bd09(wgs84_to_gcj02(p)); }

XY gcj02_to_wgs84(XY p) {
  if (outside_china(p)) return p;
  return invert([](XY w) { return wgs84_to_gcj02(w); }, p);
}

XY bd09_to_wgs84(XY p) {
  if (outside_china(p)) return p;
  return invert([](XY w) { return wgs84_to_bd09(w); }, p);
}

XY apply_offset(MapOffset o, XY p) {
  switch (o) {
    case MapOffset::None:
      return p;
    case MapOffset::Gcj02:
      return wgs84_to_gcj02(p);
    case MapOffset::Bd09:
      return wgs84_to_bd09(p);
  }
  return p;
}

XY remove_offset(MapOffset o, XY p) {
  switch (o) {
    case MapOffset::None:
      return p;
    case MapOffset::Gcj02:
      return gcj02_to_wgs84(p);
    case MapOffset::Bd09:
      return bd09_to_wgs84(p);
  }
  return p;
}

void apply_offset(MapOffset o, Geometry& g) {
  if (o != MapOffset::None) for_each_xy(g, [o](XY p) { return apply_offset(o, p); });
}

void remove_offset(MapOffset o, Geometry& g) {
  if (o != MapOffset::None) for_each_xy(g, [o](XY p) { return remove_offset(o, p); });
}

}  // namespace sitmap::io
