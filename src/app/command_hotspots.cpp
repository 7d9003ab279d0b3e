// `sitmap hotspots DB --by blocks|grid:M [--weights knn:K|distance:M] [--value count|rate] [--fdr] --json
// [--out FILE]`: Getis-Ord Gi* per grid block or per cell of a regular grid, classed as ArcGIS's Hot Spot
// Analysis does; --out writes the table (.csv, .xlsx) or the units' polygons with it (.gpkg, .geojson, .shp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "incident_selection.hpp"
#include "sitmap/analysis/grid.hpp"
#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/features.hpp"
#include "sitmap/io/table.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

// "grid:250" -> 250; throws naming the option.
double number_after(const std::string& option, const std::string& text, size_t prefix) {
  try {
    size_t used = 0;
    double v = std::stod(text.substr(prefix), &used);
    if (used == text.size() - prefix && v > 0 && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw Error(ErrorKind::BadInput, option + ": '" + text + "' needs a positive number after the colon");
}

// The units with their polygons in lon/lat, for --out to a GIS format.
struct Units {
  analysis::HotspotUnits units;
  std::vector<Geometry> polygons;
  std::optional<analysis::GridSpec> grid;  // --by grid
};

Units block_units(const store::Store& store, const Selection& sel, const std::string& layer,
                  const std::string& id_field, const std::string& households_field) {
  Blocks blocks = load_blocks(store, layer, id_field);
  const Snapshot& b = *blocks.snapshot;
  const Column* hh = b.column(households_field);
  if (!hh) throw Error(ErrorKind::NotFound, "layer " + layer + " has no field '" + households_field + "'");
  std::vector<double> households(b.size());
  for (size_t i = 0; i < b.size(); ++i) households[i] = hh->number(i);
  Units u;
  u.units = analysis::block_hotspot_units(blocks.ids, b.geometries, true, households,
                                          locate_in_blocks(blocks, *sel.snapshot, sel.rows));
  u.polygons = b.geometries;
  return u;
}

Units grid_units(const Selection& sel, double cell) {
  const Snapshot& inc = *sel.snapshot;
  BBox lonlat = inc.info.extent, box;
  if (lonlat.empty()) throw Error(ErrorKind::BadInput, "layer " + inc.info.name + " is empty");
  box.expand(geo::to_web_mercator(XY{lonlat.minx, lonlat.miny}));
  box.expand(geo::to_web_mercator(XY{lonlat.maxx, lonlat.maxy}));
  auto grid = analysis::GridSpec::covering(box, cell);
  if (grid.size() > 4'000'000)
    throw Error(ErrorKind::BadInput, "--by grid: " + std::to_string(grid.size()) + " cells: use larger cells");
  Units u;
  u.units = analysis::grid_hotspot_units(grid, inc.x, inc.y, sel.rows);
  u.grid = grid;
  return u;
}

// A grid cell as a lon/lat polygon: a Web Mercator square is a lon/lat rectangle.
Geometry cell_polygon(const analysis::GridSpec& g, int col, int row) {
  XY nw = geo::from_web_mercator({g.minx + col * g.cell_x, g.maxy - row * g.cell_y});
  XY se = geo::from_web_mercator({g.minx + (col + 1) * g.cell_x, g.maxy - (row + 1) * g.cell_y});
  return Geometry::polygon({{{{nw.x, se.y}, {se.x, se.y}, {se.x, nw.y}, {nw.x, nw.y}, {nw.x, se.y}}}});
}

void write_output(const std::string& out, const Units& u, const std::vector<analysis::HotspotRow>& rows, bool force) {
  io::Table table = io::hotspot_rows_table(rows);
  if (io::is_table_file(out)) return io::write_table(out, table, force);
  std::vector<FieldDef> fields;
  for (size_t c = 0; c < table.columns.size(); ++c)
    fields.push_back({table.columns[c], c == 0 || c == 1 ? FieldType::Integer
                                        : c == 5         ? FieldType::Text
                                                         : FieldType::Real});
  std::vector<Feature> features(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    features[i].id = rows[i].id;
    features[i].values = std::move(table.rows[i]);
    features[i].geometry = u.grid ? cell_polygon(*u.grid, static_cast<int>(rows[i].id % u.grid->nx),
                                                 static_cast<int>(rows[i].id / u.grid->nx))
                                  : u.polygons[i];
  }
  io::write_features(out, "hotspots", fields, features, force);
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string class_name(const analysis::HotspotRow& r) {
  return r.cls ? analysis::hotspot_class_name(*r.cls) : "no_data";
}

CommandRegistrar reg("hotspots", [](CLI::App& top) {
  struct Args {
    std::string db, by = "blocks", weights = "knn:8", value = "count", out;
    std::string blocks = "blocks", id_field = "block_no", households = "households";
    bool fdr = false, json = false, force = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("hotspots", "Getis-Ord Gi* hot spots per block or grid cell / 热点分析");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--by", a->by, "units: blocks (default) or grid:METRES (square cells, ground metres)");
  cmd->add_option("--weights", a->weights,
                  "knn:K (default knn:8: the K nearest units by centroid and the unit itself) or distance:METRES");
  cmd->add_option("--value", a->value, "count (default) or rate (per 100 households; blocks only)");
  cmd->add_flag("--fdr", a->fdr, "false discovery rate correction (Benjamini-Hochberg) of the classes");
  cmd->add_option("--blocks-layer", a->blocks, "polygon layer of the blocks (default blocks)");
  cmd->add_flag("--json", a->json, "a JSON array, one object per unit: id, count, rate, z, p, class");
  cmd->add_option("--out", a->out,
                  "also write every unit's id, count, rate, z, p, class: a table (.csv, .xlsx) or the units' "
                  "polygons in EPSG:4326 (.gpkg, .geojson, .shp) / 导出");
  cmd->add_flag("--force", a->force, "overwrite an existing --out file");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    if (a->value != "count" && a->value != "rate") throw Error(ErrorKind::BadInput, "--value: use count or rate");
    const bool grid = a->by.rfind("grid:", 0) == 0;
    if (!grid && a->by != "blocks") throw Error(ErrorKind::BadInput, "--by: use blocks or grid:METRES");
    if (grid && a->value == "rate")
      throw Error(ErrorKind::BadInput, "--value rate needs --by blocks (households are per block)");
    if (!a->out.empty() && !io::is_table_file(a->out) && !io::is_feature_file(a->out))
      throw Error(ErrorKind::BadInput, a->out +
                                           ": use .csv or .xlsx for the table, .gpkg, .geojson or .shp for the "
                                           "units' polygons with it");
    analysis::HotspotOptions options;
    options.use_rate = a->value == "rate";
    options.fdr = a->fdr;
    if (a->weights.rfind("knn:", 0) == 0) {
      double k = number_after("--weights", a->weights, 4);
      if (k != std::floor(k)) throw Error(ErrorKind::BadInput, "--weights: knn needs a whole number");
      options.knn = static_cast<int>(k);
    } else if (a->weights.rfind("distance:", 0) == 0) {
      options.knn = 0;
      options.distance = number_after("--weights", a->weights, 9);
    } else {
      throw Error(ErrorKind::BadInput, "--weights: use knn:K or distance:METRES");
    }

    auto store = store::open_spatialite(a->db, store::OpenMode::ReadOnly);
    Selection sel = select_incidents(*store, a->select);
    Units u = grid ? grid_units(sel, number_after("--by", a->by, 5))
                   : block_units(*store, sel, a->blocks, a->id_field, a->households);
    auto rows = analysis::hotspot_table(u.units, options);
    if (!a->out.empty()) write_output(a->out, u, rows, a->force);

    if (a->json) {
      std::printf("[\n");
      for (size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        nlohmann::json j = {{"id", r.id},
                            {"count", r.count},
                            {"rate", number_or_null(r.rate)},
                            {"z", number_or_null(r.z)},
                            {"p", number_or_null(r.p)},
                            {"class", class_name(r)}};
        if (u.grid) {
          j["col"] = r.id % u.grid->nx;
          j["row"] = r.id / u.grid->nx;
        }
        std::printf("%s%s\n", j.dump().c_str(), i + 1 < rows.size() ? "," : "");
      }
      std::printf("]\n");
      return;
    }
    std::map<std::string, int> tally;
    std::vector<size_t> order;  // the units with a value
    for (size_t i = 0; i < rows.size(); ++i) {
      ++tally[class_name(rows[i])];
      if (rows[i].cls) order.push_back(i);
    }
    std::printf("%zu units (%s), %zu incidents, %s, weights %s%s\n", rows.size(), a->by.c_str(), sel.rows.size(),
                sel.describe().c_str(), a->weights.c_str(), a->fdr ? ", FDR corrected" : "");
    for (const char* c : {"hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99", "no_data"})
      if (tally.count(c)) std::printf("  %-16s %d\n", c, tally[c]);
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rows[x].z > rows[y].z; });
    std::printf("%10s %8s %8s %8s %10s  %s\n", "id", "count", "rate", "z", "p", "class");
    for (size_t k = 0; k < std::min<size_t>(order.size(), 10); ++k) {
      const auto& r = rows[order[k]];
      std::printf("%10lld %8lld %8.2f %8.3f %10.4g  %s\n", static_cast<long long>(r.id),
                  static_cast<long long>(r.count), r.rate, r.z, r.p, class_name(r).c_str());
    }
    if (!a->out.empty()) std::printf("%zu units written to %s\n", rows.size(), a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
