// `sitmap hotspots DB --by blocks|grid:M [--weights knn:K|distance:M] [--value count|rate] [--fdr] --json`:
// Getis-Ord Gi* per grid block or per cell of a regular grid, classed as ArcGIS's Hot Spot Analysis does.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "incident_selection.hpp"
#include "sitmap/analysis/grid.hpp"
#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/analysis/zonal.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"
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

struct Units {
  std::vector<int64_t> ids;
  std::vector<XY> centres;  // Web Mercator metres
  std::vector<int64_t> counts;
  std::vector<double> rates;               // per 100 households; NaN where unknown
  std::vector<std::pair<int, int>> cells;  // grid only: (col, row)
};

Units block_units(const store::Store& store, const Selection& sel, const std::string& layer,
                  const std::string& id_field, const std::string& households_field) {
  Blocks blocks = load_blocks(store, layer, id_field);
  const store::Snapshot& b = *blocks.snapshot;
  const store::Column* hh = b.column(households_field);
  if (!hh) throw Error(ErrorKind::NotFound, "layer " + layer + " has no field '" + households_field + "'");
  Units u;
  u.ids = blocks.ids;
  for (size_t i = 0; i < b.size(); ++i) u.centres.push_back(geo::to_web_mercator(geo::centroid(b.geometries[i])));
  u.counts = analysis::count_per_unit(locate_in_blocks(blocks, *sel.snapshot, sel.rows), b.size());
  std::vector<double> households(b.size());
  for (size_t i = 0; i < b.size(); ++i) households[i] = hh->number(i);
  u.rates = analysis::rate_per_100_households(u.counts, households);
  return u;
}

Units grid_units(const Selection& sel, double cell) {
  const store::Snapshot& inc = *sel.snapshot;
  BBox lonlat = inc.info.extent, box;
  if (lonlat.empty()) throw Error(ErrorKind::BadInput, "layer " + inc.info.name + " is empty");
  box.expand(geo::to_web_mercator(XY{lonlat.minx, lonlat.miny}));
  box.expand(geo::to_web_mercator(XY{lonlat.maxx, lonlat.maxy}));
  auto grid = analysis::GridSpec::covering(box, cell);
  if (grid.size() > 4'000'000)
    throw Error(ErrorKind::BadInput, "--by grid: " + std::to_string(grid.size()) + " cells: use larger cells");
  Units u;
  u.counts.assign(grid.size(), 0);
  for (uint32_t r : sel.rows) {
    long c = grid.cell_of(inc.x[r], inc.y[r]);
    if (c >= 0) ++u.counts[c];
  }
  for (int row = 0; row < grid.ny; ++row)
    for (int col = 0; col < grid.nx; ++col) {
      u.ids.push_back(static_cast<int64_t>(row) * grid.nx + col);
      u.centres.push_back(grid.cell_center(col, row));
      u.cells.emplace_back(col, row);
    }
  u.rates.assign(grid.size(), std::nan(""));
  return u;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

CommandRegistrar reg("hotspots", [](CLI::App& top) {
  struct Args {
    std::string db, by = "blocks", weights = "knn:8", value = "count";
    std::string blocks = "blocks", id_field = "block_no", households = "households";
    bool fdr = false, json = false;
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
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    if (a->value != "count" && a->value != "rate") throw Error(ErrorKind::BadInput, "--value: use count or rate");
    const bool grid = a->by.rfind("grid:", 0) == 0;
    if (!grid && a->by != "blocks") throw Error(ErrorKind::BadInput, "--by: use blocks or grid:METRES");
    if (grid && a->value == "rate")
      throw Error(ErrorKind::BadInput, "--value rate needs --by blocks (households are per block)");
    int knn = 0;
    double band = 0;
    if (a->weights.rfind("knn:", 0) == 0) {
      double k = number_after("--weights", a->weights, 4);
      if (k != std::floor(k)) throw Error(ErrorKind::BadInput, "--weights: knn needs a whole number");
      knn = static_cast<int>(k);
    } else if (a->weights.rfind("distance:", 0) == 0) {
      band = number_after("--weights", a->weights, 9);
    } else {
      throw Error(ErrorKind::BadInput, "--weights: use knn:K or distance:METRES");
    }

    auto store = store::open_spatialite(a->db, store::OpenMode::ReadOnly);
    Selection sel = select_incidents(*store, a->select);
    Units u = grid ? grid_units(sel, number_after("--by", a->by, 5))
                   : block_units(*store, sel, a->blocks, a->id_field, a->households);

    // Units without a value (a rate where households are unknown) stay out of the statistic.
    std::vector<size_t> used;
    std::vector<double> values;
    for (size_t i = 0; i < u.ids.size(); ++i) {
      double v = a->value == "rate" ? u.rates[i] : static_cast<double>(u.counts[i]);
      if (std::isfinite(v)) {
        used.push_back(i);
        values.push_back(v);
      }
    }
    std::vector<double> cx, cy;
    for (size_t i : used) {
      cx.push_back(u.centres[i].x);
      cy.push_back(u.centres[i].y);
    }
    auto frame = analysis::LocalFrame::around(cy);
    auto pts = frame.ground_points(cx, cy);
    auto weights = knn > 0 ? analysis::knn_weights(pts, knn) : analysis::distance_weights(pts, band);
    auto gi = analysis::getis_ord_gi_star(values, weights);
    auto classes = analysis::classify_hotspots(gi, a->fdr);

    std::vector<analysis::GiStar> all(u.ids.size(), {std::nan(""), std::nan("")});
    std::vector<std::string> names(u.ids.size(), "no_data");
    for (size_t k = 0; k < used.size(); ++k) {
      all[used[k]] = gi[k];
      names[used[k]] = analysis::hotspot_class_name(classes[k]);
    }
    if (a->json) {
      std::printf("[\n");
      for (size_t i = 0; i < u.ids.size(); ++i) {
        nlohmann::json j = {{"id", u.ids[i]},
                            {"count", u.counts[i]},
                            {"rate", number_or_null(u.rates[i])},
                            {"z", number_or_null(all[i].z)},
                            {"p", number_or_null(all[i].p)},
                            {"class", names[i]}};
        if (grid) {
          j["col"] = u.cells[i].first;
          j["row"] = u.cells[i].second;
        }
        std::printf("%s%s\n", j.dump().c_str(), i + 1 < u.ids.size() ? "," : "");
      }
      std::printf("]\n");
      return;
    }
    std::map<std::string, int> tally;
    for (const auto& n : names) ++tally[n];
    std::printf("%zu units (%s), %zu incidents, %s, weights %s%s\n", u.ids.size(), a->by.c_str(), sel.rows.size(),
                sel.describe().c_str(), a->weights.c_str(), a->fdr ? ", FDR corrected" : "");
    for (const char* c : {"hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99", "no_data"})
      if (tally.count(c)) std::printf("  %-16s %d\n", c, tally[c]);
    std::vector<size_t> order(used);
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return all[x].z > all[y].z; });
    std::printf("%10s %8s %8s %8s %10s  %s\n", "id", "count", "rate", "z", "p", "class");
    for (size_t k = 0; k < std::min<size_t>(order.size(), 10); ++k) {
      size_t i = order[k];
      std::printf("%10lld %8lld %8.2f %8.3f %10.4g  %s\n", static_cast<long long>(u.ids[i]),
                  static_cast<long long>(u.counts[i]), u.rates[i], all[i].z, all[i].p, names[i].c_str());
    }
  });
});

}  // namespace
}  // namespace sitmap::app
