// `sitmap ledger DB --period FROM..TO --out F.xlsx`: the 工作台账 of cases, one row per case received in the
// period (services::case_ledger), written by io::write_table (.xlsx or .csv).
#include <cstdio>

#include "commands.hpp"
#include "sitmap/io/table.hpp"
#include "sitmap/services/cases.hpp"
#include "sitmap/services/selection.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("ledger", [](CLI::App& top) {
  struct Args {
    std::string db, period, out;
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("ledger", "the ledger of cases / 工作台账 (XLSX or CSV)");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("--period", a->period,
                  "cases received in: last-7-days|last-30-days|last-90-days|this-year|FROM..TO (default: all)");
  cmd->add_option("--out", a->out, "output file (.xlsx or .csv)")->required();
  cmd->add_flag("--force", a->force, "overwrite an existing output file");
  cmd->callback([a] {
    TimeRange range;
    if (!a->period.empty()) range = services::parse_period(a->period, services::local_now());
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    auto table = services::case_ledger(*ws, range);
    io::write_table(a->out, table, a->force);
    std::printf("%zu cases written to %s\n", table.rows.size(), a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
