// `sitmap kpi DB [--period P | --from T --to T] [--json]`: the briefing's indicators (services::kpis, the
// figures of the 汇报 workspace's tiles) for a period, with the period before it (环比) and a year earlier (同比).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sitmap/services/briefing.hpp"
#include "sitmap/services/selection.hpp"

namespace sitmap::app {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string figure(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f" : "%.1f", v);
  return buf;
}

CommandRegistrar reg("kpi", [](CLI::App& top) {
  struct Args {
    std::string db, period, from, to;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("kpi", "the briefing's indicators for a period / 汇报指标");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--period", a->period,
                  "last-7-days|last-30-days|last-90-days|this-year|FROM..TO, ending on the day of the latest "
                  "incident (default last-90-days)");
  cmd->add_option("--from", a->from, "start, included (ISO date or time)");
  cmd->add_option("--to", a->to, "end, excluded (ISO date or time)");
  cmd->add_flag("--json", a->json,
                "a JSON array, one object per indicator: id, title, unit, value, previous (the period before), "
                "last_year (the same dates a year earlier), good_direction, items");
  cmd->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    TimeRange period = services::briefing_range(*ws, a->period, a->from, a->to);
    auto kpis = services::kpis(*ws, period);
    if (a->json) {
      auto out = nlohmann::json::array();
      for (const auto& k : kpis)
        out.push_back({{"id", k.id},
                       {"title", k.title},
                       {"unit", k.unit},
                       {"value", number_or_null(k.value)},
                       {"previous", number_or_null(k.previous)},
                       {"last_year", number_or_null(k.last_year)},
                       {"good_direction", k.good_direction},
                       {"items", k.items}});
      std::printf("%s\n", out.dump(1).c_str());
      return;
    }
    std::printf("%s\n%-26s %10s %10s %10s  %s\n", services::describe_range(period).c_str(), "indicator", "value",
                "previous", "last year", "title");
    for (const auto& k : kpis)
      std::printf("%-26s %10s %10s %10s  %s (%s)\n", k.id.c_str(), figure(k.value).c_str(),
                  figure(k.previous).c_str(), figure(k.last_year).c_str(), k.title.c_str(), k.unit.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
