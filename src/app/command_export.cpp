// `sitmap export DB LAYER OUT [...]`: one layer to a file, through services::export_layer as the window's
// export dialog does. Sensitive layers need --user of a cleared role; every export is audited.
#include <cstdio>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/export.hpp"

namespace sitmap::app {
namespace {

CommandRegistrar reg("export", [](CLI::App& top) {
  struct Args {
    std::string db, layer, out, offset, user;
    io::ExportOptions options;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("export", "export a layer to a file / 导出图层 (GPKG, Shapefile, GeoJSON, CSV, XLSX)");
  cmd->add_option("DB", a->db, "workspace database")->required();
  cmd->add_option("LAYER", a->layer, "layer to export")->required();
  cmd->add_option("OUT", a->out, "output file; its extension picks the format unless --format is given")->required();
  cmd->add_option("--format", a->options.format, "GPKG|\"ESRI Shapefile\"|GeoJSON|CSV|XLSX");
  cmd->add_option("--where", a->options.where,
                  "filter over the layer's fields, e.g. \"level >= 2 AND status = '发现'\"");
  cmd->add_option("--dst-srs", a->options.dst_srs, "output CRS (default EPSG:4326): EPSG code, WKT or PROJ string");
  cmd->add_option("--offset", a->offset, "shift to a Chinese web map's coordinates: gcj02 or bd09");
  cmd->add_flag("--force", a->options.overwrite, "overwrite an existing output file");
  cmd->add_option("--user", a->user, "sign in (password from SITMAP_PASSWORD or a prompt): sensitive layers need it");
  cmd->callback([a] {
    io::ExportOptions o = a->options;
    auto offset = io::parse_map_offset(a->offset);
    if (!offset) throw Error(ErrorKind::BadInput, "--offset: unknown value '" + a->offset + "' (use gcj02 or bd09)");
    o.offset = *offset;
    // Writable for the audit row (a read-only file still exports open layers, unaudited).
    auto workspace = services::Workspace::open(a->db, store::OpenMode::ReadWrite);
    sign_in_if_asked(*workspace, a->user);
    auto r = services::export_layer(*workspace, {a->layer, a->out, o});
    std::printf("%lld features of layer %s written to %s (%s)\n", static_cast<long long>(r.written), a->layer.c_str(),
                a->out.c_str(), r.format.c_str());
  });
});

}  // namespace
}  // namespace sitmap::app
