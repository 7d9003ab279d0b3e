// `sitmap info DB [--json]`: schema version, library versions, file size.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sitmap/geo/geos.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/versions.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("info", [](CLI::App& top) {
  struct Args {
    std::string db;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("info", "describe a workspace database and the libraries in use / 数据库信息");
  cmd->add_option("DB", args->db, "workspace database")->required();
  cmd->add_flag("--json", args->json, "one JSON object");
  cmd->callback([args] {
    auto store = store::open_spatialite(args->db, store::OpenMode::ReadOnly);
    auto info = store->info();
    auto layers = store->layers();
    nlohmann::json j = {{"file", info.location},
                        {"schema_version", info.schema_version},
                        {"backend", info.backend},
                        {"size_bytes", info.size_bytes},
                        {"layers", layers.size()},
                        {"geos", geo::geos_version()},
                        {"proj", geo::proj_version()},
                        {"gdal", io::gdal_version()},
                        {"sitmap", SITMAP_VERSION}};
    if (auto source = store->metadata("source")) j["source"] = *source;
    if (args->json) {
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("file            %s\n", info.location.c_str());
    std::printf("size            %.1f MB\n", static_cast<double>(info.size_bytes) / 1e6);
    std::printf("schema version  %d\n", info.schema_version);
    std::printf("layers          %zu\n", layers.size());
    std::printf("backend         %s\n", info.backend.c_str());
    std::printf("GEOS %s, PROJ %s, GDAL %s, sitmap %s\n", geo::geos_version().c_str(), geo::proj_version().c_str(),
                io::gdal_version().c_str(), SITMAP_VERSION);
    if (j.contains("source")) std::printf("source          %s\n", j["source"].get<std::string>().c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
