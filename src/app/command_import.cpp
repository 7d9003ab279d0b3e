// `sitmap import DB FILE [...]`: one file into one layer (an OSM extract into streets and buildings), in one
// transaction. The window's import dialog calls the same services::preview_any and services::import_any.
#include <cstdio>

#include "commands.hpp"
#include "credentials.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/import.hpp"

namespace sitmap::app {
namespace {

template <class T, class Parse>
T parse_or_throw(const std::string& text, Parse parse, const char* option, const char* choices) {
  if (auto v = parse(text)) return *v;
  throw Error(ErrorKind::BadInput, std::string(option) + ": unknown value '" + text + "' (use " + choices + ")");
}

void print_result(const io::ImportResult& r) {
  for (auto& w : r.warnings) std::fprintf(stderr, "sitmap: warning: %s\n", w.c_str());
  std::printf(
      "layer %s: %lld written of %lld read (%lld repaired, %lld converted, %lld skipped: %lld without geometry, "
      "%lld of another kind, %lld invalid); %s, %s, %s, %.2f s\n",
      r.layer.c_str(), static_cast<long long>(r.written), static_cast<long long>(r.read),
      static_cast<long long>(r.repaired), static_cast<long long>(r.converted), static_cast<long long>(r.skipped()),
      static_cast<long long>(r.skipped_null), static_cast<long long>(r.skipped_other_family),
      static_cast<long long>(r.skipped_invalid), r.format.c_str(), r.crs.c_str(), r.encoding.c_str(), r.seconds);
}

void print_preview(const services::ImportPreview& preview) {
  std::printf("file      %s\nformat    %s\n", preview.source.file.c_str(), preview.source.format.c_str());
  if (preview.source.layers.size() > 1 || !preview.layer) {
    std::printf("layers   ");
    for (auto& l : preview.source.layers) {
      std::printf(" %s (%s", l.name.c_str(), l.geometry.c_str());
      if (l.feature_count >= 0) std::printf(", %lld", static_cast<long long>(l.feature_count));
      std::printf(")");
    }
    std::printf("\n");
  }
  if (!preview.layer) {
    std::printf("into     ");
    for (auto& t : preview.targets) std::printf(" %s", t.c_str());
    std::printf("\n");
    return;
  }
  const io::ImportPreview& p = *preview.layer;
  for (auto& w : p.warnings) std::fprintf(stderr, "sitmap: warning: %s\n", w.c_str());
  std::printf("layer     %s (from %s)\ngeometry  %s\n", p.layer.c_str(), p.source_layer.c_str(),
              geom_type_name(p.geom_type));
  std::printf("crs       %s (%s)\nencoding  %s%s%s\n", p.crs.empty() ? "-" : p.crs.c_str(), p.crs_note.c_str(),
              p.encoding.c_str(), p.declared_encoding.empty() ? "" : ", declared ", p.declared_encoding.c_str());
  if (!p.x_field.empty()) std::printf("columns   x=%s y=%s\n", p.x_field.c_str(), p.y_field.c_str());
  if (!p.wkt_field.empty()) std::printf("columns   wkt=%s\n", p.wkt_field.c_str());
  if (p.feature_count >= 0) std::printf("features  %lld\n", static_cast<long long>(p.feature_count));
  std::printf("fields   ");
  for (auto& f : p.fields) std::printf(" %s:%s", f.name.c_str(), field_type_name(f.type));
  std::printf("\n");
  for (auto& row : p.rows) {
    for (size_t i = 0; i < row.size(); ++i) std::printf("%s%s", i ? " | " : "  ", row[i].c_str());
    std::printf("\n");
  }
  if (p.needs_src_srs) std::printf("needs --src-srs: the file names no CRS and its coordinates are not lon/lat\n");
}

CommandRegistrar reg("import", [](CLI::App& top) {
  struct Args {
    std::string db, file, kind, offset, mode = "create", geometry = "any", user;
    io::ImportOptions options;
    bool no_repair = false, preview = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = top.add_subcommand("import",
                                 "import a vector file into a layer / 导入数据 (Shapefile, GeoJSON, GeoPackage, "
                                 "CSV, XLSX, KML/KMZ, GPX, FlatGeobuf, OSM PBF; also zipped)");
  cmd->add_option("DB", a->db, "workspace database (created when missing)")->required();
  cmd->add_option("FILE", a->file, "the file to import")->required();
  cmd->add_option("--layer", a->options.layer, "target layer (default: from the file name)");
  cmd->add_option("--source-layer", a->options.source_layer, "layer inside a multi-layer file");
  cmd->add_option("--kind", a->kind, "operational|sensitive|basemap (default operational)");
  cmd->add_option("--src-srs", a->options.src_srs, "the file's CRS, overriding its own: EPSG:4549, WKT or PROJ string");
  cmd->add_option("--encoding", a->options.encoding, "text encoding, overriding detection: UTF-8, GBK, GB18030, ...");
  cmd->add_option("--x-field", a->options.x_field, "longitude/easting column of a table");
  cmd->add_option("--y-field", a->options.y_field, "latitude/northing column of a table");
  cmd->add_option("--wkt-field", a->options.wkt_field, "WKT geometry column of a table");
  cmd->add_option("--offset", a->offset,
                  "the coordinates come from a Chinese web map: gcj02 (Amap, Tencent) or bd09 (Baidu)");
  cmd->add_option("--mode", a->mode, "create|append|replace (default create)");
  cmd->add_option("--geometry", a->geometry, "keep only point|line|polygon geometries (for files that mix them)");
  cmd->add_flag("--no-repair", a->no_repair, "refuse invalid polygons instead of repairing them");
  cmd->add_option("--user", a->user,
                  "sign in (password from SITMAP_PASSWORD or a prompt): importing into a sensitive layer needs it");
  cmd->add_flag("--preview", a->preview, "show what would be imported (first rows, CRS, encoding) and write nothing");
  cmd->callback([a] {
    io::ImportOptions o = a->options;
    if (!a->kind.empty())
      o.kind = parse_or_throw<LayerKind>(a->kind, parse_layer_kind, "--kind", "operational, sensitive or basemap");
    o.offset = parse_or_throw<io::MapOffset>(a->offset, io::parse_map_offset, "--offset", "gcj02 or bd09");
    o.mode = parse_or_throw<io::ImportMode>(a->mode, io::parse_import_mode, "--mode", "create, append or replace");
    o.only = parse_or_throw<io::GeometryFamily>(a->geometry, io::parse_geometry_family, "--geometry",
                                                "point, line or polygon");
    o.repair_invalid = !a->no_repair;
    services::ImportRequest request{a->file, o};
    if (a->preview) {
      print_preview(services::preview_any(request));
      return;
    }
    auto workspace = services::Workspace::open(a->db, store::OpenMode::Create);
    sign_in_if_asked(*workspace, a->user);
    for (auto& r : services::import_any(*workspace, request)) print_result(r);
  });
});

}  // namespace
}  // namespace sitmap::app
