// `sitmap knox DB --space M --time DAYS [--permutations N] [--seed S] [--json]`: Knox test for near repeats
// of the selected incidents (e.g. --category 入民宅盗窃): pairs within M ground metres and DAYS days of each
// other, against the number expected when times are shuffled over places.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/analysis/grid.hpp"
#include "sitmap/analysis/knox.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("knox", [](CLI::App& top) {
  struct Args {
    std::string db;
    double space = 0, days = 0;
    int permutations = 999;
    uint64_t seed = 1;
    bool json = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("knox", "Knox test for near-repeat incidents / 近重复模式检验");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--space", a->space, "pairs at most this many ground metres apart")->required();
  cmd->add_option("--time", a->days, "and at most this many days apart")->required();
  cmd->add_option("--permutations", a->permutations, "Monte Carlo shuffles of the times (default 999)");
  cmd->add_option("--seed", a->seed, "random seed; the same seed gives the same result (default 1)");
  cmd->add_flag("--json", a->json, "JSON: incidents, observed, expected, ratio, p");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    if (!(a->space > 0)) throw Error(ErrorKind::BadInput, "--space must be a positive number of metres");
    if (!(a->days > 0)) throw Error(ErrorKind::BadInput, "--time must be a positive number of days");
    if (a->permutations < 1) throw Error(ErrorKind::BadInput, "--permutations must be at least 1");
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    Selected sel = select_incidents(*ws, a->select);
    const Snapshot& snap = *sel.layer.snapshot;
    if (snap.time_field.empty())
      throw Error(ErrorKind::NotFound, "layer " + a->select.layer + " has no time field for the Knox test");
    std::vector<double> x(sel.rows.size()), y(sel.rows.size());
    std::vector<int64_t> times(sel.rows.size());
    for (size_t i = 0; i < sel.rows.size(); ++i) {
      x[i] = snap.x[sel.rows[i]];
      y[i] = snap.y[sel.rows[i]];
      times[i] = snap.time[sel.rows[i]];
    }
    auto frame = analysis::LocalFrame::around(y);
    analysis::KnoxOptions o;
    o.space_bands = {a->space};
    o.time_bands = {static_cast<int64_t>(std::llround(a->days * 86400))};
    o.permutations = a->permutations;
    o.seed = a->seed;
    auto r = analysis::knox_test(frame.ground_points(x, y), times, o);
    auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    if (a->json) {
      nlohmann::json j = {{"layer", a->select.layer},
                          {"period", sel.describe()},
                          {"categories", a->select.text.categories},
                          {"incidents", sel.rows.size()},
                          {"space_m", a->space},
                          {"time_days", a->days},
                          {"permutations", a->permutations},
                          {"seed", a->seed},
                          {"observed", r.observed[0]},
                          {"expected", r.expected[0]},
                          {"ratio", number(r.ratio[0])},
                          {"p", r.p[0]}};
      std::printf("%s\n", j.dump(1).c_str());
      return;
    }
    std::printf("%zu incidents (%s), pairs within %g m and %g days:\n", sel.rows.size(), sel.describe().c_str(),
                a->space, a->days);
    std::printf("  observed %lld, expected %.2f, Knox ratio %.3f, p = %.4g (%d permutations, seed %llu)\n",
                static_cast<long long>(r.observed[0]), r.expected[0], r.ratio[0], r.p[0], a->permutations,
                static_cast<unsigned long long>(a->seed));
  });
});

}  // namespace
}  // namespace sitmap::app
