// `sitmap demo --out FILE [--seed N] [--force] [--admin-password P]`: writes the synthetic demo district (示例数据)
// and, given an admin password (the option or SITMAP_ADMIN_PASSWORD), one user per role with it.
#include <cstdio>
#include <cstdlib>

#include "commands.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/io/demo.hpp"
#include "sitmap/services/cases.hpp"
#include "sitmap/services/users.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("demo", [](CLI::App& top) {
  struct Args {
    std::string out, admin_password;
    io::DemoOptions options;
    bool force = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("demo", "write the synthetic Huaihai Middle Road demo district / 生成示例街道数据");
  cmd->add_option("--out", args->out, "database file to create")->required();
  cmd->add_option("--seed", args->options.seed, "random seed: the same seed gives the same content")
      ->capture_default_str();
  cmd->add_option("--incidents", args->options.incidents, "incidents over the two years")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--force", args->force, "replace FILE if it exists");
  cmd->add_option("--admin-password", args->admin_password,
                  "password of the demo users leader, planner, analyst, duty and admin (default: $SITMAP_ADMIN_PASSWORD; "
                  "neither: no users)");
  cmd->fallthrough();  // `sitmap demo ... --verbose` as well as `sitmap --verbose demo ...`
  cmd->callback([args] {
    // The special persons are sealed under a new data key, handed to the demo admin and duty officer below;
    // without users nobody holds it and only their counts per block remain readable.
    auto key = access::DataKey::generate();
    args->options.seal = access::row_sealer(key);
    auto summary = io::write_demo_district(args->out, args->options, args->force);
    std::printf("%s: demo district (%s), seed %llu\n", args->out.c_str(), io::kDemoSource,
                static_cast<unsigned long long>(args->options.seed));
    for (auto& [layer, count] : summary.counts)
      std::printf("  %-16s %8lld\n", layer.c_str(), static_cast<long long>(count));
    std::printf("households %lld, %.2f s\n", static_cast<long long>(summary.households), summary.seconds);
    std::string password = args->admin_password;
    if (const char* env = std::getenv("SITMAP_ADMIN_PASSWORD"); password.empty() && env) password = env;
    if (password.empty()) {
      std::printf("no users: the special persons are sealed under a key nobody holds (counts per block only)\n");
      return;
    }
    auto workspace = services::Workspace::open(args->out, store::OpenMode::ReadWrite, {}, key);
    services::add_demo_users(*workspace, password);
    std::printf("users: leader, planner, analyst, duty (cleared), admin\n");
    // Two years of cases (#14), written through the cases service as the duty officer (who holds the data key
    // that seals the reporters).
    workspace->sign_in("duty", password);
    auto cases = services::add_demo_cases(*workspace, args->options.seed,
                                          days_from_civil(io::kDemoLastDay.year, io::kDemoLastDay.month,
                                                          io::kDemoLastDay.day) * 86400 + 18 * 3600);
    std::printf("cases %lld (%lld open, %lld overdue), %lld events\n", static_cast<long long>(cases.cases),
                static_cast<long long>(cases.open), static_cast<long long>(cases.overdue),
                static_cast<long long>(cases.events));
  });
});

}  // namespace
}  // namespace sitmap::app
