// `sitmap timebins DB [--json]`: when incidents happen: the hour-of-day × day-of-week table and the monthly
// trend (empty months included) of the selection.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "selection_options.hpp"
#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("timebins", [](CLI::App& top) {
  struct Args {
    std::string db;
    bool json = false;
    SelectionArgs select;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("timebins", "hour × weekday table and monthly trend of incidents / 时段分析");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_flag("--json", a->json,
                "JSON: total, untimed, hour_weekday (7 rows Monday..Sunday × 24 hours), months [{month, count}]");
  add_selection_options(cmd, a->select);
  cmd->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    Selected sel = select_incidents(*ws, a->select);
    const auto& times = sel.layer.snapshot->time;
    if (sel.layer.snapshot->time_field.empty())
      throw Error(ErrorKind::NotFound, "layer " + a->select.layer + " has no time field to bin by");
    // Untimed rows are only selected by an unbounded range; they are counted but binned nowhere.
    long long untimed = 0;
    for (uint32_t r : sel.rows) untimed += times[r] == analysis::kNoTime;
    auto table = analysis::hour_weekday_table(times, sel.rows);
    auto months = analysis::monthly_series(times, sel.rows);
    auto month_name = [](const analysis::MonthCount& m) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d", m.year, m.month);
      return std::string(buf);
    };
    if (a->json) {
      nlohmann::json j = {{"layer", a->select.layer},
                          {"period", sel.describe()},
                          {"total", sel.rows.size()},
                          {"untimed", untimed}};
      auto rows = nlohmann::json::array();
      for (const auto& day : table) {
        auto hours = nlohmann::json::array();
        for (double v : day) hours.push_back(static_cast<long long>(v));
        rows.push_back(hours);
      }
      j["hour_weekday"] = rows;
      auto series = nlohmann::json::array();
      for (const auto& m : months)
        series.push_back({{"month", month_name(m)}, {"count", static_cast<long long>(m.count)}});
      j["months"] = series;
      std::printf("%s\n", j.dump(1).c_str());
      return;
    }
    std::printf("%zu incidents (%s)%s\n", sel.rows.size(), sel.describe().c_str(),
                untimed ? (", " + std::to_string(untimed) + " without a time").c_str() : "");
    static const char* const kDays[7] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    std::printf("      ");
    for (int h = 0; h < 24; ++h) std::printf("%4d", h);
    std::printf("   合计\n");
    for (int d = 0; d < 7; ++d) {
      std::printf("%s  ", kDays[d]);
      double sum = 0;
      for (double v : table[d]) {
        std::printf("%4.0f", v);
        sum += v;
      }
      std::printf(" %6.0f\n", sum);
    }
    std::printf("\nmonth      count\n");
    for (const auto& m : months) std::printf("%s %7.0f\n", month_name(m).c_str(), m.count);
  });
});

}  // namespace
}  // namespace sitmap::app
