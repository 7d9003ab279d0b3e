// `sitmap layers DB [--json]`: the catalogue, one row per layer.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::app {
namespace {

nlohmann::json layer_json(const LayerInfo& l) {
  nlohmann::json j = {{"name", l.name},       {"title_zh", l.title_zh},
                      {"title_en", l.title_en}, {"kind", layer_kind_name(l.kind)},
                      {"geometry", geom_type_name(l.geom_type)}, {"count", l.count},
                      {"style", l.style},     {"source", l.source}};
  j["extent"] = l.extent.empty() ? nlohmann::json(nullptr)
                                 : nlohmann::json::array({l.extent.minx, l.extent.miny, l.extent.maxx, l.extent.maxy});
  return j;
}

CommandRegistrar reg("layers", [](CLI::App& top) {
  struct Args {
    std::string db;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("layers", "list the layers of a workspace / 图层列表");
  cmd->add_option("DB", args->db, "workspace database")->required();
  cmd->add_flag("--json", args->json, "one JSON array of objects");
  cmd->callback([args] {
    auto store = store::open_spatialite(args->db, store::OpenMode::ReadOnly);
    auto layers = store->layers();
    if (args->json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& l : layers) out.push_back(layer_json(l));
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    std::printf("%-16s %-12s %-11s %-16s %9s  %s\n", "name", "title", "kind", "geometry", "count", "extent (lon/lat)");
    for (auto& l : layers) {
      std::string extent = "-";
      if (!l.extent.empty()) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%.5f,%.5f,%.5f,%.5f", l.extent.minx, l.extent.miny, l.extent.maxx,
                      l.extent.maxy);
        extent = buf;
      }
      // Chinese titles are two columns wide per character; pad by display width so the table stays aligned.
      std::string title = l.title_zh;
      size_t width = 0;
      for (size_t i = 0; i < title.size();) {
        unsigned char c = title[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += len >= 3 ? 2 : 1;
        i += len;
      }
      title.append(width < 12 ? 12 - width : 0, ' ');
      std::printf("%-16s %s %-11s %-16s %9lld  %s\n", l.name.c_str(), title.c_str(), layer_kind_name(l.kind),
                  geom_type_name(l.geom_type), static_cast<long long>(l.count), extent.c_str());
    }
  });
});

}  // namespace
}  // namespace sitmap::app
