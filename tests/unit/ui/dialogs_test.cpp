// The import and export dialogs: file list, form -> service request, default styles and the worker job,
// driven through the real services on a temporary workspace; then the dialogs themselves in ImGui frames
// without a display (ImGui lays out and builds draw lists without a renderer).
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <unistd.h>

#include <fstream>

#include "sitmap/core/error.hpp"
#include "sitmap/io/export.hpp"
#include "sitmap/io/import.hpp"
#include "sitmap/render/glyphs.hpp"
#include "sitmap/services/export.hpp"
#include "sitmap/services/import.hpp"
#include "sitmap/store/store.hpp"
#include "sitmap/ui/export_dialog.hpp"
#include "sitmap/ui/import_dialog.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

class Dialogs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sitmap_ui_dialogs_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  // A CSV of `rows` points around Xintiandi, with Chinese column names as users' files have them.
  fs::path points_csv(const std::string& name, int rows) {
    std::string text = "经度,纬度,名称\n";
    for (int i = 0; i < rows; ++i)
      text += std::to_string(121.47 + (i % 100) * 1e-4) + "," + std::to_string(31.22 + (i / 100) * 1e-4) + ",点" +
              std::to_string(i) + "\n";
    return write(name, text);
  }

  fs::path dir_;
};

TEST_F(Dialogs, ImportableByExtensionIgnoringCase) {
  for (const char* f : {"a.csv", "b.GeoJSON", "c.shp", "d.gpkg", "e.xlsx", "f.kml", "g.kmz", "h.fgb", "i.osm.pbf",
                        "j.json", "k.zip", "l.GPX"})
    EXPECT_TRUE(ui::is_importable(f)) << f;
  for (const char* f : {"a.txt", "b.sqlite", "c.dbf", "d.shx", "noext", "e.csv.bak"})
    EXPECT_FALSE(ui::is_importable(f)) << f;
}

TEST_F(Dialogs, FileListHasFoldersFirstThenImportableFilesSorted) {
  write("zones.geojson", "{}");
  write("b.csv", "x");
  write("notes.txt", "x");
  write(".hidden.csv", "x");
  fs::create_directories(dir_ / "sub");
  auto entries = ui::importable_entries(dir_);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], dir_ / "sub");
  EXPECT_EQ(entries[1], dir_ / "b.csv");
  EXPECT_EQ(entries[2], dir_ / "zones.geojson");
  EXPECT_TRUE(ui::importable_entries(dir_ / "missing").empty());
}

TEST_F(Dialogs, FormMapsToImportOptions) {
  ui::ImportForm f;
  f.layer = "patrol";
  f.src_srs = "EPSG:4549";
  f.encoding = "GBK";
  f.x_field = "X";
  f.y_field = "Y";
  f.offset = 1;
  f.kind = 1;
  f.mode = 1;
  io::ImportOptions o = ui::import_options(f);
  EXPECT_EQ(o.layer, "patrol");
  EXPECT_EQ(o.src_srs, "EPSG:4549");
  EXPECT_EQ(o.encoding, "GBK");
  EXPECT_EQ(o.x_field, "X");
  EXPECT_EQ(o.y_field, "Y");
  EXPECT_EQ(o.offset, io::MapOffset::Gcj02);
  EXPECT_EQ(o.kind, LayerKind::Sensitive);
  EXPECT_EQ(o.mode, io::ImportMode::Append);
  f.offset = 2, f.kind = 2, f.mode = 0;
  o = ui::import_options(f);
  EXPECT_EQ(o.offset, io::MapOffset::Bd09);
  EXPECT_EQ(o.kind, LayerKind::Basemap);
  EXPECT_EQ(o.mode, io::ImportMode::Create);
  // Replacing with the default kind keeps the layer's own kind.
  f.kind = 0, f.mode = 2;
  o = ui::import_options(f);
  EXPECT_EQ(o.mode, io::ImportMode::Replace);
  EXPECT_FALSE(o.kind.has_value());
}

TEST_F(Dialogs, FormWithoutLayerOrOutOfRangeIsRefused) {
  ui::ImportForm f;
  try {
    ui::import_options(f);
    FAIL() << "no layer name accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("layer name"), std::string::npos) << e.what();
  }
  f.layer = "x";
  f.offset = 3;
  EXPECT_THROW(ui::import_options(f), Error);
  f.offset = 0;
  f.mode = -1;
  EXPECT_THROW(ui::import_options(f), Error);
}

TEST_F(Dialogs, PreviewFillsTheFormAndItsRequestImports) {
  fs::path csv = points_csv("巡查点.csv", 3);
  auto preview = services::preview_any({csv, {}}, 10);
  ui::ImportForm f;
  ui::fill_form(f, preview);
  EXPECT_EQ(f.x_field, "经度");
  EXPECT_EQ(f.y_field, "纬度");
  EXPECT_EQ(f.layer, preview.layer->layer);
  EXPECT_FALSE(f.layer.empty());
  EXPECT_EQ(f.encoding, preview.layer->encoding);
  EXPECT_FALSE(f.osm);
  EXPECT_STREQ(ui::crs_note_zh(*preview.layer), "文件未声明坐标系, 按经纬度读取");
  io::ImportOptions given;
  given.src_srs = "EPSG:4490";
  EXPECT_STREQ(ui::crs_note_zh(*services::preview_any({csv, given}).layer), "按指定的坐标系读取");
  f.layer = "patrol_points";
  auto ws = services::Workspace::open(dir_ / "ws.sqlite", store::OpenMode::Create);
  auto r = services::import_any(*ws, ui::import_request(f));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].written, 3);
  auto info = ws->layer("patrol_points");
  EXPECT_EQ(info.count, 3);
  EXPECT_NEAR(info.extent.minx, 121.47, 1e-6);
  EXPECT_NEAR(info.extent.miny, 31.22, 1e-6);
}

// Data far from Shanghai is most often a wrong CRS or offset: the window says so, in its language.
TEST_F(Dialogs, WorkerSummaryWarnsOfDataOutsideShanghai) {
  fs::path csv = write("beijing.csv", "lon,lat\n116.39,39.91\n");
  fs::path db = dir_ / "ws.sqlite";
  services::Workspace::open(db, store::OpenMode::Create);
  ui::ImportForm f;
  f.file = csv.string();
  f.layer = "beijing";
  ui::BackgroundJob job;
  std::vector<std::string> written;
  job.start([&](ui::BackgroundJob& j) { return ui::import_on_worker(db, {}, ui::import_request(f), j, written); });
  job.wait();
  EXPECT_NE(job.summary().find("警告: 数据超出上海范围"), std::string::npos) << job.summary();
}

// Without a sign-in nothing goes into a sensitive layer; the refusal is in Chinese and nothing is written.
TEST_F(Dialogs, ImportIntoASensitiveLayerNeedsASignInAndSaysSoInChinese) {
  ::setenv("SITMAP_KEY_DIR", (dir_ / "keys").c_str(), 1);
  fs::path csv = points_csv("persons.csv", 3);
  fs::path db = dir_ / "ws.sqlite";
  services::Workspace::open(db, store::OpenMode::Create);
  ui::ImportForm f;
  f.file = csv.string();
  f.layer = "persons";
  f.kind = 1;
  ui::BackgroundJob job;
  std::vector<std::string> written;
  job.start([&](ui::BackgroundJob& j) { return ui::import_on_worker(db, {}, ui::import_request(f), j, written); });
  job.wait();
  EXPECT_EQ(job.error().rfind("受限图层", 0), 0u) << job.error();
  EXPECT_FALSE(store::open_spatialite(db, store::OpenMode::ReadOnly)->find_layer("persons"));
  job.start([&](ui::BackgroundJob& j) {
    return ui::import_on_worker(db, {"duty", access::Role::Duty, false}, ui::import_request(f), j, written,
                                access::DataKey::generate());
  });
  job.wait();
  EXPECT_TRUE(job.error().empty()) << job.error();
}

// An OpenStreetMap extract has no layer name to give: streets and buildings go to the basemap by default.
TEST_F(Dialogs, OsmExtractFillsTheFormForTheBasemap) {
  fs::path osm = write("extract.osm",
                       "<osm version=\"0.6\"><node id=\"1\" lat=\"31.22\" lon=\"121.47\"/>"
                       "<node id=\"2\" lat=\"31.221\" lon=\"121.475\"/>"
                       "<way id=\"10\"><nd ref=\"1\"/><nd ref=\"2\"/><tag k=\"highway\" v=\"primary\"/></way></osm>");
  ui::ImportForm f;
  ui::fill_form(f, services::preview_any({osm, {}}));
  EXPECT_TRUE(f.osm);
  EXPECT_EQ(f.kind, 2);
  EXPECT_EQ(f.layer, "");
  auto ws = services::Workspace::open(dir_ / "ws.sqlite", store::OpenMode::Create);
  auto r = services::import_any(*ws, ui::import_request(f));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(ws->layer("streets").kind, LayerKind::Basemap);
  EXPECT_EQ(ws->layer("streets").count, 1);
}

TEST_F(Dialogs, JobReportsSummaryAndErrorMessage) {
  ui::BackgroundJob job;
  job.start([](ui::BackgroundJob& j) {
    j.done = 5;
    return std::string("ok");
  });
  job.wait();
  EXPECT_TRUE(job.finished());
  EXPECT_EQ(job.summary(), "ok");
  EXPECT_EQ(job.error(), "");
  EXPECT_EQ(job.done.load(), 5);
  job.start([](ui::BackgroundJob&) -> std::string { throw Error(ErrorKind::BadInput, "f.csv: row 3: bad"); });
  job.wait();
  EXPECT_EQ(job.summary(), "");
  EXPECT_EQ(job.error(), "f.csv: row 3: bad");
  EXPECT_FALSE(job.cancelled());
}

TEST_F(Dialogs, CancelledImportOnWorkerLeavesTheWorkspaceUnchanged) {
  fs::path csv = points_csv("many.csv", 10000);
  fs::path db = dir_ / "ws.sqlite";
  std::string before;
  {
    auto store = store::open_spatialite(db, store::OpenMode::Create);
    before = store->content_hash();
  }
  ui::ImportForm f;
  f.file = csv.string();
  f.layer = "many";
  ui::BackgroundJob job;
  std::vector<std::string> written;
  job.start([&](ui::BackgroundJob& j) {
    j.cancel();  // the user presses 取消 before the worker reads its first rows
    return ui::import_on_worker(db, {}, ui::import_request(f), j, written);
  });
  job.wait();
  EXPECT_TRUE(job.cancelled());
  EXPECT_NE(job.error().find("cancelled"), std::string::npos) << job.error();
  EXPECT_TRUE(written.empty());
  auto store = store::open_spatialite(db, store::OpenMode::ReadOnly);
  EXPECT_FALSE(store->find_layer("many"));
  EXPECT_EQ(store->content_hash(), before);
}

// As in the window: the dashboard keeps its read-only handle open while the worker writes through its own.
TEST_F(Dialogs, WorkerImportsWhileAReadOnlyHandleIsOpen) {
  fs::path csv = points_csv("pts.csv", 50);
  fs::path db = dir_ / "ws.sqlite";
  store::open_spatialite(db, store::OpenMode::Create);
  auto viewer = store::open_spatialite(db, store::OpenMode::ReadOnly);
  EXPECT_TRUE(viewer->layers().empty());
  ui::ImportForm f;
  f.file = csv.string();
  f.layer = "pts";
  ui::BackgroundJob job;
  std::vector<std::string> written;
  job.start([&](ui::BackgroundJob& j) { return ui::import_on_worker(db, {}, ui::import_request(f), j, written); });
  job.wait();
  EXPECT_EQ(job.error(), "");
  EXPECT_NE(job.summary().find("图层 pts 写入 50 条"), std::string::npos) << job.summary();
  EXPECT_EQ(job.summary().find("警告"), std::string::npos) << job.summary();
  EXPECT_EQ(written, (std::vector<std::string>{"pts"}));
  auto reopened = store::open_spatialite(db, store::OpenMode::ReadOnly);  // what the dashboard does next
  EXPECT_EQ(reopened->layer("pts").count, 50);
  EXPECT_EQ(ui::imported_layers(*reopened).size(), 1u);
}

TEST_F(Dialogs, DefaultStylesByGeometryAndSensitiveHiddenAsCounts) {
  style::StyleSet styles;
  style::LayerStyle counted;
  counted.name = counted.source = "special_persons";
  counted.draw = style::DrawKind::Counts;
  counted.counts_per = "blocks";
  styles.layers.push_back(counted);
  auto layer = [](std::string name, GeomType g, LayerKind k) {
    LayerInfo l;
    l.name = std::move(name);
    l.geom_type = g;
    l.kind = k;
    return l;
  };
  std::vector<LayerInfo> layers = {layer("special_persons", GeomType::Point, LayerKind::Sensitive),
                                   layer("zones", GeomType::MultiPolygon, LayerKind::Operational),
                                   layer("routes", GeomType::LineString, LayerKind::Operational),
                                   layer("patrol", GeomType::Point, LayerKind::Operational),
                                   layer("informants", GeomType::Point, LayerKind::Sensitive)};
  ui::add_default_styles(styles, layers);
  ASSERT_EQ(styles.layers.size(), 5u);  // the styled layer is not added twice
  auto* zones = styles.find("zones");
  ASSERT_TRUE(zones);
  EXPECT_EQ(zones->draw, style::DrawKind::Fill);
  EXPECT_EQ(zones->geometry, style::GeometryKind::Polygon);
  EXPECT_EQ(zones->source, "zones");
  EXPECT_EQ(styles.find("routes")->draw, style::DrawKind::Line);
  EXPECT_EQ(styles.find("patrol")->draw, style::DrawKind::Symbol);
  EXPECT_TRUE(styles.find("patrol")->visible);
  auto* informants = styles.find("informants");
  EXPECT_TRUE(informants->sensitive);
  EXPECT_FALSE(informants->visible);
  EXPECT_EQ(informants->draw, style::DrawKind::Counts);
  EXPECT_EQ(informants->counts_per, "blocks");
  // Without a counts layer to follow, a sensitive layer is still hidden and marked.
  auto alone = ui::default_layer_style(layers[4], style::StyleSet{});
  EXPECT_TRUE(alone.sensitive);
  EXPECT_FALSE(alone.visible);
  EXPECT_EQ(alone.draw, style::DrawKind::Symbol);
}

TEST_F(Dialogs, OnlyImportedLayersGetDefaultStyles) {
  auto store = store::open_spatialite(dir_ / "ws.sqlite", store::OpenMode::Create);
  LayerInfo made;
  made.name = "addresses";
  made.fields = {{"label", FieldType::Text}};
  store->write([&](store::Writer& w) { w.create_layer(made); });
  ui::ImportForm f;
  f.layer = "patrol";
  io::import_file(*store, points_csv("p.csv", 2), ui::import_options(f));
  auto imported = ui::imported_layers(*store);
  ASSERT_EQ(imported.size(), 1u);
  EXPECT_EQ(imported[0].name, "patrol");
  style::StyleSet styles;
  ui::add_default_styles(styles, imported);
  EXPECT_TRUE(styles.find("patrol"));
  EXPECT_FALSE(styles.find("addresses"));
}

TEST_F(Dialogs, ExportFormMapsToOptions) {
  ui::ExportForm f;
  f.layer = "cameras";
  f.out = "/tmp/x/cameras.gpkg";
  f.format = 2;
  f.offset = 2;
  f.dst_srs = "EPSG:4549";
  io::ExportOptions o = ui::export_options(f);
  EXPECT_EQ(o.format, "GeoJSON");
  EXPECT_EQ(o.offset, io::MapOffset::Bd09);
  EXPECT_EQ(o.dst_srs, "EPSG:4549");
  EXPECT_EQ(o.where, "");
  EXPECT_EQ(io::export_driver(o.format, f.out), "GeoJSON");
  f.feature_id = 42;
  f.selection_only = true;
  EXPECT_EQ(ui::export_options(f).where, "id = 42");
  EXPECT_EQ(ui::with_export_extension("/a/b/cameras.gpkg", 1), "/a/b/cameras.shp");
  EXPECT_EQ(ui::with_export_extension("cameras", 4), "cameras.xlsx");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(io::export_driver(ui::kExportFormats[i], "x").empty());
}

TEST_F(Dialogs, ExportFormRefusesMissingParts) {
  ui::ExportForm f;
  f.layer = "cameras";
  EXPECT_THROW(ui::export_options(f), Error);  // no output
  f.out = "a.gpkg";
  f.selection_only = true;
  try {
    ui::export_options(f);
    FAIL() << "selection export without a selection accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no feature of layer 'cameras'"), std::string::npos) << e.what();
  }
  f.selection_only = false;
  f.format = 5;
  EXPECT_THROW(ui::export_options(f), Error);
}

TEST_F(Dialogs, SelectionExportWritesOneFeatureAndSensitiveIsRefused) {
  fs::path csv = points_csv("pts.csv", 5);
  fs::path db = dir_ / "ws.sqlite";
  auto ws = services::Workspace::open(db, store::OpenMode::Create);
  auto* store = &ws->store();
  ui::ImportForm f;
  f.file = csv.string();
  f.layer = "pts";
  services::import_any(*ws, ui::import_request(f));
  f.layer = "secret";
  f.kind = 1;
  services::Workspace duty(store::open_spatialite(db, store::OpenMode::ReadWrite),
                           access::Principal{"duty", access::Role::Duty, false},  // may import, not export
                           access::DataKey::generate());
  services::import_any(duty, ui::import_request(f));
  int64_t id = store->features("pts").at(2).id;

  ui::ExportForm e;
  e.layer = "pts";
  e.format = 3;
  e.out = (dir_ / "one.csv").string();
  e.feature_id = id;
  e.selection_only = true;
  auto r = services::export_layer(*ws, {e.layer, e.out, ui::export_options(e)});
  EXPECT_EQ(r.written, 1);
  std::ifstream in(e.out);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(all.find("点2"), std::string::npos) << all;
  EXPECT_EQ(all.find("点1"), std::string::npos) << all;

  e.layer = "secret";
  e.selection_only = false;
  e.out = (dir_ / "secret.csv").string();
  // The window's worker: the refusal in the window's language, naming the layer by its title, and no file.
  ui::BackgroundJob job;
  job.start([&](ui::BackgroundJob& j) {
    return ui::export_on_worker(db, {}, {e.layer, e.out, ui::export_options(e)}, j);
  });
  job.wait();
  EXPECT_NE(job.error().find("「pts」是受限图层"), std::string::npos) << job.error();  // titled by the file
  EXPECT_EQ(job.error().find("sensitive"), std::string::npos) << job.error();
  EXPECT_FALSE(fs::exists(e.out));
  EXPECT_EQ(ui::export_refusal(*ws, "secret", "特殊人员"),
            "「特殊人员」是受限图层：导出需由经审查的用户登录（登录…）后进行，当前用户没有此权限。");
  EXPECT_EQ(ui::export_refusal(*ws, "pts", "点位"), "");
}

// The command line and the window import a file to the same content: both build a services::ImportRequest
// (from flags, from the form) and call services::import_any.
TEST_F(Dialogs, DialogAndCommandImportTheSameContent) {
  fs::path csv = points_csv("巡查点.csv", 120);
  auto command = services::Workspace::open(dir_ / "command.sqlite", store::OpenMode::Create);
  io::ImportOptions flags;  // `sitmap import command.sqlite 巡查点.csv --layer patrol`
  flags.layer = "patrol";
  services::import_any(*command, {csv, flags});

  services::Workspace::open(dir_ / "window.sqlite", store::OpenMode::Create);
  ui::ImportForm form;
  ui::fill_form(form, services::preview_any({csv, {}}, 10));
  form.layer = "patrol";
  ui::BackgroundJob job;
  std::vector<std::string> written;
  job.start([&](ui::BackgroundJob& j) {
    return ui::import_on_worker(dir_ / "window.sqlite", {}, ui::import_request(form), j, written);
  });
  job.wait();
  ASSERT_EQ(job.error(), "");
  auto window = store::open_spatialite(dir_ / "window.sqlite", store::OpenMode::ReadOnly);
  EXPECT_EQ(window->layer("patrol").count, 120);
  EXPECT_EQ(window->content_hash(), command->store().content_hash());
}

// The dialogs in real ImGui frames: opaque over the map, the source-layer picker of a multi-layer file, and
// the result line inside the window without scrolling.
class DialogFrames : public Dialogs {
 protected:
  void SetUp() override {
    Dialogs::SetUp();
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1920, 1080};
    // The dashboard's font and text size at scale 1: the CJK font's lines are what made the result fall
    // below the window's edge.
    render::FontFile file = render::find_cjk_font();
    ImFontConfig font;
    font.FontNo = file.face;
    font.OversampleH = font.OversampleV = 1;
    ImFontGlyphRangesBuilder ranges;
    ranges.AddText((dialog_glyphs_ + "完成图层写入条跳过修复转换秒要素导出是受限").c_str());
    ranges.AddRanges(io.Fonts->GetGlyphRangesDefault());
    ranges.BuildRanges(&ranges_);
    io.Fonts->AddFontFromFileTTF(file.path.c_str(), 17, &font, ranges_.Data);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    ImGuiStyle& style = ImGui::GetStyle();  // the dashboard's spacing, and a see-through panel background
    style.WindowPadding = {12, 10};
    style.ItemSpacing = {8, 6};
    style.Colors[ImGuiCol_WindowBg].w = 0.6f;
  }
  void TearDown() override {
    ImGui::DestroyContext(context_);
    Dialogs::TearDown();
  }
  template <class Draw>
  void frames(Draw draw, int n = 3) {
    for (int i = 0; i < n; ++i) {
      ImGui::GetIO().DeltaTime = 1.0f / 60;
      ImGui::NewFrame();
      draw();
      ImGui::Render();
    }
  }
  // Opaque, and everything it holds visible without scrolling.
  void expect_opaque_and_unscrolled(const char* title) {
    ImGuiWindow* w = ImGui::FindWindowByName(title);
    ASSERT_TRUE(w) << title;
    ASSERT_FALSE(w->DrawList->VtxBuffer.empty());
    EXPECT_EQ((w->DrawList->VtxBuffer[0].col >> IM_COL32_A_SHIFT) & 0xFF, 0xFFu) << "background of " << title;
    EXPECT_EQ(w->ScrollMax.y, 0.0f) << title << " needs scrolling";
  }
  ImGuiContext* context_ = nullptr;
  ImVector<ImWchar> ranges_;  // alive as long as the atlas
  std::string dialog_glyphs_ = ui::ImportDialog().glyph_text() + ui::ExportDialog().glyph_text();
};

TEST_F(DialogFrames, ImportDialogPicksASourceLayerAndShowsTheResult) {
  // A GeoPackage of two layers: sitmap's own export of points, then a line layer added by GDAL's ogr2ogr.
  fs::path db = dir_ / "ws.sqlite";
  auto ws = services::Workspace::open(db, store::OpenMode::Create);
  services::import_any(*ws, {points_csv("posts.csv", 4), {}});
  write("roads.csv", "wkt,name\n\"LINESTRING (121.47 31.22,121.48 31.23)\",淮海中路\n");
  fs::path gpkg = dir_ / "district.gpkg";
  services::export_layer(*ws, {"posts", gpkg, {}});
  {
    std::string cmd = "ogr2ogr -update -nln roads '" + gpkg.string() + "' '" + (dir_ / "roads.csv").string() +
                      "' -oo GEOM_POSSIBLE_NAMES=wkt -a_srs EPSG:4326 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  ui::ImportDialog dialog;
  dialog.open(*ws, gpkg);
  EXPECT_EQ(dialog.form().source_layer, "district");
  dialog.choose_source_layer("roads");
  EXPECT_EQ(dialog.form().source_layer, "roads");
  EXPECT_EQ(dialog.form().layer, "district_roads");
  bool committed = false;
  frames([&] { committed |= dialog.draw(1); });
  dialog.start_import();
  dialog.wait();
  frames([&] { committed |= dialog.draw(1); });
  EXPECT_TRUE(committed);
  EXPECT_EQ(dialog.imported_layer(), "district_roads");
  EXPECT_NE(dialog.message().find("图层 district_roads 写入 1 条"), std::string::npos) << dialog.message();
  expect_opaque_and_unscrolled("导入数据");
  auto after = store::open_spatialite(db, store::OpenMode::ReadOnly);
  EXPECT_EQ(after->layer("district_roads").geom_type, GeomType::LineString);
}

TEST_F(DialogFrames, ExportDialogRefusesSensitiveLayersInChineseAndShowsTheResult) {
  fs::path db = dir_ / "ws.sqlite";
  auto ws = services::Workspace::open(db, store::OpenMode::Create);
  io::ImportOptions o;
  o.layer = "special_persons";
  o.kind = LayerKind::Sensitive;
  services::Workspace duty(store::open_spatialite(db, store::OpenMode::ReadWrite),
                           access::Principal{"duty", access::Role::Duty, false},  // may import, not export
                           access::DataKey::generate());
  services::import_any(duty, {points_csv("persons.csv", 3), o});
  o.layer = "posts";
  o.kind = LayerKind::Operational;
  services::import_any(*ws, {points_csv("posts.csv", 3), o});
  std::vector<std::pair<std::string, std::string>> layers = {{"special_persons", "特殊人员"}, {"posts", "岗亭"}};

  ui::ExportDialog dialog;
  dialog.open(*ws, layers, "special_persons", std::nullopt, dir_);
  frames([&] { dialog.draw(1); });
  EXPECT_EQ(dialog.message(), ui::export_refusal(*ws, "special_persons", "特殊人员"));
  dialog.start_export();  // what a click would do if the button were there: nothing
  dialog.wait();
  EXPECT_FALSE(fs::exists(dir_ / "special_persons.gpkg"));

  dialog.open(*ws, layers, "posts", std::nullopt, dir_);
  frames([&] { dialog.draw(1); });  // laid out before there is a result line
  EXPECT_EQ(dialog.message(), "");
  dialog.start_export();
  dialog.wait();
  frames([&] { dialog.draw(1); });
  EXPECT_EQ(dialog.message().rfind("完成: 写入 3 条要素", 0), 0u) << dialog.message();
  EXPECT_TRUE(fs::exists(dir_ / "posts.gpkg"));
  expect_opaque_and_unscrolled("导出");
}

}  // namespace
