// A tiny, fixed district for render tests: every demo layer with a handful of features, so golden images
// do not change when the demo generator does. Coordinates near Huaihai Middle Road (lon/lat).
#pragma once
#include <filesystem>
#include <string>

#include "sitmap/core/random.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::fixture {

// Removes a temporary database with its WAL companions.
inline void remove_database(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

// A temporary file (a database with its WAL companions, or a raster) removed when the test program ends.
struct TemporaryFile {
  std::filesystem::path path;
  ~TemporaryFile() { remove_database(path); }
};

inline Polygon rect(double x0, double y0, double x1, double y1) {
  return Polygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}};
}

inline LayerInfo layer(std::string name, std::string title, GeomType type, LayerKind kind,
                       std::vector<FieldDef> fields) {
  LayerInfo info;
  info.name = std::move(name);
  info.title_zh = std::move(title);
  info.title_en = info.name;
  info.geom_type = type;
  info.kind = kind;
  info.style = info.name + ".toml";
  info.source = "render test fixture";
  info.fields = std::move(fields);
  return info;
}

inline Feature feature(Geometry g, std::vector<Value> values) {
  Feature f;
  f.geometry = std::move(g);
  f.values = std::move(values);
  return f;
}

// Creates `file` (which must not exist) with the fixture district.
inline void build_fixture_district(const std::filesystem::path& file) {
  using FT = FieldType;
  const double x0 = 121.460, y0 = 31.214, x1 = 121.476, y1 = 31.224, xm = 121.468, ym = 31.219;
  auto store = store::open_spatialite(file, store::OpenMode::Create);
  store->write([&](store::Writer& w) {
    w.create_layer(layer("boundary", "街道边界", GeomType::Polygon, LayerKind::Basemap, {{"name", FT::Text}}));
    w.insert("boundary", feature(Geometry::polygon(rect(x0, y0, x1, y1)), {std::string("测试街道")}));

    w.create_layer(layer("blocks", "网格", GeomType::Polygon, LayerKind::Operational,
                         {{"block_no", FT::Text}, {"leader", FT::Text}, {"households", FT::Integer}}));
    int n = 0;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j, ++n)
        w.insert("blocks", feature(Geometry::polygon(rect(i ? xm : x0, j ? ym : y0, i ? x1 : xm, j ? y1 : ym)),
                                   {std::string("HH-0") + std::to_string(n + 1),
                                    std::string("网格员") + std::to_string(n + 1), int64_t(150 + 350 * n)}));

    w.create_layer(layer("compounds", "小区", GeomType::Polygon, LayerKind::Basemap, {{"name", FT::Text}}));
    w.insert("compounds",
             feature(Geometry::polygon(rect(121.4615, 31.2195, 121.4665, 31.2230)), {std::string("淮海坊")}));
    w.insert("compounds",
             feature(Geometry::polygon(rect(121.4700, 31.2150, 121.4745, 31.2183)), {std::string("新康花园")}));

    w.create_layer(layer("buildings", "建筑", GeomType::Polygon, LayerKind::Basemap, {{"floors", FT::Integer}}));
    Polygon courtyard = rect(121.4625, 31.2205, 121.4655, 31.2222);
    courtyard.rings.push_back(
        {{121.4635, 31.2210}, {121.4635, 31.2217}, {121.4645, 31.2217}, {121.4645, 31.2210}, {121.4635, 31.2210}});
    w.insert("buildings", feature(Geometry::polygon(courtyard), {int64_t(6)}));
    for (int k = 0; k < 4; ++k)
      w.insert("buildings",
               feature(Geometry::polygon(rect(121.4705 + k * 0.0009, 31.2155, 121.4711 + k * 0.0009, 31.2165)),
                       {int64_t(3 + k)}));

    w.create_layer(
        layer("streets", "道路", GeomType::LineString, LayerKind::Basemap, {{"name", FT::Text}, {"class", FT::Text}}));
    w.insert("streets", feature(Geometry::line({{x0, ym}, {xm, ym + 0.0002}, {x1, ym}}),
                                {std::string("淮海中路"), std::string("primary")}));
    w.insert("streets",
             feature(Geometry::line({{xm, y0}, {xm, y1}}), {std::string("瑞金二路"), std::string("secondary")}));
    w.insert("streets", feature(Geometry::line({{121.4640, y0}, {121.4640, ym}}),
                                {std::string("茂名南路"), std::string("tertiary")}));
    w.insert("streets", feature(Geometry::line({{xm, 31.2170}, {x1, 31.2200}}),
                                {std::string("复兴中路"), std::string("residential")}));

    w.create_layer(layer("cameras", "摄像头", GeomType::Point, LayerKind::Operational,
                         {{"code", FT::Text},
                          {"direction", FT::Real},
                          {"fov", FT::Real},
                          {"range_m", FT::Real},
                          {"online", FT::Integer}}));
    const double cams[][4] = {{121.4630, 31.2186, 90, 1},
                              {121.4690, 31.2210, 200, 1},
                              {121.4720, 31.2195, 320, 0},
                              {121.4655, 31.2160, 45, 1},
                              {121.4740, 31.2225, 180, 1}};
    for (int k = 0; k < 5; ++k)
      w.insert("cameras",
               feature(Geometry::point({cams[k][0], cams[k][1]}),
                       {std::string("CAM-00") + std::to_string(k + 1), cams[k][2], 70.0, 60.0, int64_t(cams[k][3])}));

    const char* status[] = {"发现", "整改中", "已整改"};
    for (const char* name : {"group_rentals", "fire_hazards"}) {
      w.create_layer(layer(name, name, GeomType::Point, LayerKind::Operational,
                           {{"kind", FT::Text}, {"status", FT::Text}, {"found_on", FT::Text}}));
      bool rentals = std::string(name) == "group_rentals";
      for (int k = 0; k < 3; ++k)
        w.insert(name, feature(Geometry::point({121.4622 + k * 0.0045, rentals ? 31.2165 : 31.2173 + k * 0.0015}),
                               {std::string(rentals ? "群租" : "电动车充电"), std::string(status[k]),
                                std::string("2026-10-0") + std::to_string(k + 1)}));
    }

    // Sealed rows keep their block and category in clear, all that the map draws; the store takes the rest as
    // opaque bytes (access seals them in sitmap; these tests never open them). Seven in the south-west block.
    w.create_layer(layer("special_persons", "特殊人员", GeomType::Point, LayerKind::Sensitive,
                         {{"name", FT::Text}, {"category", FT::Text}, {"block_no", FT::Text}}));
    for (int k = 0; k < 7; ++k) w.insert_sealed("special_persons", {k + 1, "HH-01", "社区矫正", {0}});

    w.create_layer(
        layer("incidents", "案事件", GeomType::Point, LayerKind::Operational,
              {{"category", FT::Text}, {"severity", FT::Integer}, {"occurred_at", FT::Text}, {"address", FT::Text}}));
    Random rng(7);
    for (int k = 0; k < 400; ++k) {
      bool hot = k % 2 == 0;  // half of them around one hotspot
      double lon = hot ? 121.4715 + rng.normal() * 0.0008 : rng.uniform(x0, x1);
      double lat = hot ? 31.2205 + rng.normal() * 0.0006 : rng.uniform(y0, y1);
      w.insert("incidents",
               feature(Geometry::point({lon, lat}), {std::string(k % 3 ? "电信诈骗" : "盗窃"), int64_t(1 + k % 5),
                                                     std::string("2026-11-01T10:00:00"), std::string("淮海中路")}));
    }
  });
}

}  // namespace sitmap::fixture
