// `sitmap hotspots DB --by blocks|grid:M [--weights knn:K|distance:M] [--value count|rate] [--fdr] --json
// [--out FILE]`: Getis-Ord Gi* per grid block or per cell of a regular grid, classed as ArcGIS's Hot Spot
// Analysis does; --out writes the table (.csv, .xlsx) or the units' polygons with it (.gpkg, .geojson, .shp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/hotspots.hpp"

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
    if (!a->out.empty() && !services::is_hotspot_file(a->out))
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

    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    Selected sel = select_incidents(*ws, a->select);
    services::Hotspots h;
    if (grid) {
      h = services::grid_hotspots(sel.layer, sel.rows, number_after("--by", a->by, 5), options);
    } else {
      auto blocks = services::block_layer(ws->snapshot(a->blocks), *sel.layer.snapshot, a->id_field, a->households);
      h = services::block_hotspots(blocks, std::span<const uint32_t>(sel.rows), options);
    }
    const auto& rows = h.rows;
    if (!a->out.empty()) services::write_hotspots(a->out, h, a->force);

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
        if (h.grid) {
          j["col"] = r.id % h.grid->nx;
          j["row"] = r.id / h.grid->nx;
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
