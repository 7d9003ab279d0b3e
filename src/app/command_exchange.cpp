// `sitmap exchange import DB FILE` and `sitmap exchange export DB --since T --out FILE`: work orders from and
// results to the city grid centre as Open311 GeoReport v2 JSON lines (services/cases.hpp, README).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/cases.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("exchange", [](CLI::App& top) {
  struct Args {
    std::string db, file, user, since, out;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("exchange", "work orders with the city grid centre / 市网格中心派单交换");
  cmd->require_subcommand(1);

  auto* import = cmd->add_subcommand("import", "import work orders (JSON lines); known orders create nothing");
  import->add_option("DB", a->db, "workspace database")->required();
  import->add_option("FILE", a->file, "JSON lines file")->required();
  import->add_option("--user", a->user, "signed-in duty officer (password from SITMAP_PASSWORD or a prompt)");
  import->add_flag("--json", a->json, "print the report as JSON");
  import->callback([a] {
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*ws, a->user);
    auto r = services::import_exchange(*ws, a->file);
    if (a->json) {
      nlohmann::json j = {{"records", r.records}, {"created", r.created}, {"unchanged", r.unchanged},
                          {"cases", r.created_numbers}, {"conflicts", r.conflicts}};
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("%lld records: %lld new cases, %lld already here, %zu conflicts\n", static_cast<long long>(r.records),
                static_cast<long long>(r.created), static_cast<long long>(r.unchanged), r.conflicts.size());
    for (auto& c : r.conflicts) std::printf("conflict: %s\n", c.c_str());
  });

  auto* out = cmd->add_subcommand("export", "export the cases changed since a time (JSON lines)");
  out->add_option("DB", a->db, "workspace database")->required();
  out->add_option("--since", a->since, "local time, e.g. 2026-11-01 (default: everything)");
  out->add_option("--out", a->out, "JSON lines file to write")->required();
  out->callback([a] {
    int64_t since = INT64_MIN;
    if (!a->since.empty()) {
      auto t = parse_iso_time(a->since);
      if (!t) throw Error(ErrorKind::BadInput, "--since: '" + a->since + "' is not a time (use 2026-11-01T08:00)");
      since = *t;
    }
    auto ws = services::Workspace::open(a->db, store::OpenMode::ReadOnly);
    auto n = services::export_exchange(*ws, since, a->out);
    std::printf("%lld records written to %s\n", static_cast<long long>(n), a->out.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
