#include "sitmap/core/wkb.hpp"

#include <cstring>

#include "sitmap/core/error.hpp"

namespace sitmap {

namespace {

class Writer {
 public:
  void byte(uint8_t b) { out.push_back(b); }
  void u32(uint32_t v) { append(&v, 4); }
  void f64(double v) { append(&v, 8); }
  void header(uint32_t type) { byte(1); u32(type); }
  void points(const std::vector<XY>& pts) {
    u32(static_cast<uint32_t>(pts.size()));
    for (auto& p : pts) { f64(p.x); f64(p.y); }
  }
  void polygon(const Polygon& poly) {
    header(3);
    u32(static_cast<uint32_t>(poly.rings.size()));
    for (auto& r : poly.rings) points(r);
  }
  std::vector<uint8_t> out;

 private:
  void append(const void* p, size_t n) {  // sitmap targets little-endian machines only
    auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  Geometry geometry() {
    uint32_t type = header();
    Geometry g;
    switch (type) {
      case 1: g.type = GeomType::Point; g.points.push_back(xy()); break;
      case 2: g.type = GeomType::LineString; g.lines.push_back(points()); break;
      case 3: g.type = GeomType::Polygon; g.polygons.push_back(polygon_body()); break;
      case 4: {
        g.type = GeomType::MultiPoint;
        for (uint32_t i = 0, n = count(); i < n; ++i) { expect(1); g.points.push_back(xy()); }
        break;
      }
      case 5: {
        g.type = GeomType::MultiLineString;
        for (uint32_t i = 0, n = count(); i < n; ++i) { expect(2); g.lines.push_back(points()); }
        break;
      }
      case 6: {
        g.type = GeomType::MultiPolygon;
        for (uint32_t i = 0, n = count(); i < n; ++i) { expect(3); g.polygons.push_back(polygon_body()); }
        break;
      }
      default: fail("unsupported geometry type " + std::to_string(type));
    }
    return g;
  }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  [[noreturn]] void fail(const std::string& why) { throw Error(ErrorKind::BadInput, "invalid WKB: " + why); }
  void need(size_t n) {
    if (data_.size() - pos_ < n) fail("truncated");
  }
  uint32_t u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, data_.data() + pos_, 4);
    pos_ += 4;
    if (big_endian_) v = __builtin_bswap32(v);
    return v;
  }
  double f64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, data_.data() + pos_, 8);
    pos_ += 8;
    if (big_endian_) v = __builtin_bswap64(v);
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }
  // Returns the 2D type code; records how many ordinates each coordinate carries (Z and M dropped).
  uint32_t header() {
    need(1);
    big_endian_ = data_[pos_++] == 0;
    uint32_t t = u32();
    dims_ = 2;
    if (t & 0x80000000u) ++dims_;  // EWKB Z flag
    if (t & 0x40000000u) ++dims_;  // EWKB M flag
    if (t & 0x20000000u) { u32(); }  // EWKB SRID
    t &= 0x0FFFFFFFu;
    if (t >= 3000) { dims_ = 4; t -= 3000; }
    else if (t >= 2000) { dims_ = 3; t -= 2000; }
    else if (t >= 1000) { dims_ = 3; t -= 1000; }
    return t;
  }
  void expect(uint32_t type) {
    if (header() != type) fail("unexpected member type in a multi-geometry");
  }
  uint32_t count() {
    uint32_t n = u32();
    if (n > data_.size()) fail("implausible element count");
    return n;
  }
  XY xy() {
    XY p{f64(), f64()};
    for (int i = 2; i < dims_; ++i) f64();
    return p;
  }
  std::vector<XY> points() {
    uint32_t n = count();
    std::vector<XY> pts;
    pts.reserve(n);
    for (uint32_t i = 0; i < n; ++i) pts.push_back(xy());
    return pts;
  }
  Polygon polygon_body() {
    Polygon p;
    for (uint32_t i = 0, n = count(); i < n; ++i) p.rings.push_back(points());
    return p;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool big_endian_ = false;
  int dims_ = 2;
};

}  // namespace

std::vector<uint8_t> to_wkb(const Geometry& g) {
  Writer w;
  switch (g.type) {
    case GeomType::Point:
      w.header(1);
      w.f64(g.points.at(0).x);
      w.f64(g.points.at(0).y);
      break;
    case GeomType::LineString: w.header(2); w.points(g.lines.at(0)); break;
    case GeomType::Polygon: w.polygon(g.polygons.at(0)); break;
    case GeomType::MultiPoint:
      w.header(4);
      w.u32(static_cast<uint32_t>(g.points.size()));
      for (auto& p : g.points) { w.header(1); w.f64(p.x); w.f64(p.y); }
      break;
    case GeomType::MultiLineString:
      w.header(5);
      w.u32(static_cast<uint32_t>(g.lines.size()));
      for (auto& l : g.lines) { w.header(2); w.points(l); }
      break;
    case GeomType::MultiPolygon:
      w.header(6);
      w.u32(static_cast<uint32_t>(g.polygons.size()));
      for (auto& p : g.polygons) w.polygon(p);
      break;
  }
  return std::move(w.out);
}

Geometry from_wkb(std::span<const uint8_t> wkb) {
  Reader r(wkb);
  Geometry g = r.geometry();
  return g;
}

}  // namespace sitmap
