// `sitmap compare DB --from --to --vs-from --vs-to [--json]`: incidents per block in a period and in the period
// it is compared with, and the change between them (环比/同比 per block).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/hotspots.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("compare", [](CLI::App& top) {
  struct Args {
    std::string db, vs_from, vs_to;
    std::string blocks = "blocks", id_field = "block_no";
    bool json = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("compare", "per-block change between two periods / 网格环比、同比");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--vs-from", a->vs_from, "start of the period compared with, included (ISO)")->required();
  cmd->add_option("--vs-to", a->vs_to, "end of the period compared with, excluded (ISO)")->required();
  cmd->add_option("--blocks-layer", a->blocks, "polygon layer of the blocks (default blocks)");
  cmd->add_flag("--json", a->json,
                "JSON: period, vs_period, blocks [{id, before, after, change, percent}] (percent null if before is 0)");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    auto parse = [](const char* option, const std::string& text) {
      auto t = parse_iso_time(text);
      if (!t) throw Error(ErrorKind::BadInput, std::string(option) + ": '" + text + "' is not a date or time");
      return *t;
    };
    TimeRange before{parse("--vs-from", a->vs_from), parse("--vs-to", a->vs_to)};
    if (before.from >= before.to) throw Error(ErrorKind::BadInput, "--vs-from must be before --vs-to");
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    Selected sel = select_incidents(*ws, a->select);
    if (sel.filter.range.from == INT64_MIN || sel.filter.range.to == INT64_MAX)
      throw Error(ErrorKind::BadInput, "compare needs a period: --from and --to, or --period");
    // Both periods come from the same rows (the selection at any time): locate them once, let the library split
    // them by time.
    analysis::IncidentFilter any_time = sel.filter;
    any_time.range = {};
    std::vector<uint32_t> rows = analysis::select_rows(sel.layer.table, any_time);
    std::vector<int64_t> times(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) times[i] = sel.layer.table.times[rows[i]];
    auto blocks = services::block_layer(ws->snapshot(a->blocks), *sel.layer.snapshot, a->id_field);
    std::vector<int32_t> block_of(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) block_of[i] = blocks.block_of_row[rows[i]];
    auto change = analysis::compare_periods(block_of, times, blocks.numbers.size(), before, sel.filter.range);
    std::string vs = format_iso_time(before.from) + " .. " + format_iso_time(before.to) + " (end excluded)";
    if (a->json) {
      auto list = nlohmann::json::array();
      for (size_t i = 0; i < change.size(); ++i) {
        const auto& c = change[i];
        list.push_back({{"id", blocks.numbers[i]},
                        {"before", c.before},
                        {"after", c.after},
                        {"change", c.change},
                        {"percent", std::isfinite(c.percent) ? nlohmann::json(c.percent) : nlohmann::json(nullptr)}});
      }
      nlohmann::json j = {{"period", sel.describe()}, {"vs_period", vs}, {"blocks", list}};
      std::printf("%s\n", j.dump(1).c_str());
      return;
    }
    long long sum_before = 0, sum_after = 0;
    for (const auto& c : change) {
      sum_before += c.before;
      sum_after += c.after;
    }
    std::printf("%zu blocks: %lld incidents in %s vs %lld in %s\n", change.size(), sum_after, sel.describe().c_str(),
                sum_before, vs.c_str());
    std::vector<size_t> order(change.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t p, size_t q) { return change[p].change > change[q].change; });
    std::printf("%10s %8s %8s %8s %9s\n", "block", "before", "after", "change", "percent");
    for (size_t n = 0; n < std::min<size_t>(order.size(), 10); ++n) {
      const auto& c = change[order[n]];
      std::printf("%10lld %8lld %8lld %+8lld %+8.1f%%\n", static_cast<long long>(blocks.numbers[order[n]]),
                  static_cast<long long>(c.before), static_cast<long long>(c.after), static_cast<long long>(c.change),
                  c.percent);
    }
  });
});

}  // namespace
}  // namespace sitmap::app
