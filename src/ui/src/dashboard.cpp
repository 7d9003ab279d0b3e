#include "sitmap/ui/dashboard.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <span>

#include "sitmap/analysis/timebin.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/paths.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/io/raster_source.hpp"
#include "sitmap/render/glyphs.hpp"
#include "sitmap/ui/map_scene.hpp"

namespace sitmap::ui {

using render::Camera;
using style::Color;
using style::DrawKind;

namespace {

ImVec4 im(Color c) { return {c.r, c.g, c.b, c.a}; }
ImU32 im32(Color c, float alpha = 1) { return ImGui::ColorConvertFloat4ToU32({c.r, c.g, c.b, c.a * alpha}); }

const char* kWorkspaces[] = {"态势", "分析", "规划", "汇报", "受理"};
constexpr const char* kBlocksLayer = "blocks";
constexpr double kBriefingPollSeconds = 2;  // how soon the wall screen shows rows another program wrote

// Every fixed string the panels show, so their glyphs are in the font atlas.
const char* kUiText =
    "淮海中路街道综治中心 · 态势图 态势 分析 规划 汇报 图层 图例 详情 统计 受限 离线 在线 个 户 起 米 % "
    "底图 (影像) "
    "全域 定位 上移 下移 导入… 导出… 透明度 点击地图要素查看详情 经度 纬度 缩放 重新加载样式 样式错误 聚合 按网格计数 "
    "热点分析 无网格图层 热力图 千米 近30天 共 未整改 仅计数 处 人 — 点击放大查看 "
    "单起 视野 放大后显示 ≥<–、 "
    "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,:;!?()[]{}<>+-*/=_#@&|'\"~ ↑→←↓▲▼·…°×";

BBox to_world(const BBox& lonlat) {
  BBox b;
  b.expand(geo::to_web_mercator(XY{lonlat.minx, lonlat.miny}));
  b.expand(geo::to_web_mercator(XY{lonlat.maxx, lonlat.maxy}));
  return b;
}

std::string layer_summary(const render::SceneLayer& l) {
  std::string s = l.style.title + "  " + std::to_string(l.total);
  if (l.restricted) s += " (受限)";
  if (l.dimmed > 0 && !l.style.dim_label.empty()) s += " (" + std::to_string(l.dimmed) + " " + l.style.dim_label + ")";
  return s;
}

}  // namespace

const char* workspace_name(Workspace w) {
  const char* names[] = {"overview", "analysis", "planning", "briefing", "cases"};
  return names[int(w)];
}

Workspace parse_workspace(std::string_view name) {
  for (int i = 0; i < 5; ++i)
    if (name == workspace_name(Workspace(i))) return Workspace(i);
  throw Error(ErrorKind::BadInput,
              "workspace '" + std::string(name) + "': expected overview, analysis, planning, briefing or cases");
}

Dashboard::Dashboard(const DashboardConfig& config) : config_(config) {
  if (config_.layers_dir.empty()) config_.layers_dir = resource_path("layers");
  ws_ = services::Workspace::open(config_.database, store::OpenMode::ReadOnly, config_.principal);
  styles_ = style::load_styles(config_.layers_dir);
  add_default_styles(styles_, imported_layers(ws_->store()));  // imported layers without a style file still draw
  theme_ = config_.theme.value_or(styles_.dashboard.theme);
  for (auto& name : config_.layers)
    if (!styles_.find(name)) {
      std::string known;
      for (auto& l : styles_.layers) known += (known.empty() ? "" : ", ") + l.name;
      throw Error(ErrorKind::NotFound,
                  "no layer '" + name + "' in " + styles_.dashboard.file.string() + " (layers: " + known + ")");
    }
  SceneOptions so;
  so.only = config_.layers;
  auto t0 = std::chrono::steady_clock::now();
  auto ms = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
  scene_ = load_scene(*ws_, styles_, so);
  // Layers named on purpose (--layers) are shown, a sensitive one too: as its counts per block.
  if (!config_.layers.empty())
    for (auto& l : scene_.layers) l.visible = true;
  spdlog::info("{} layers loaded in {:.0f} ms", scene_.layers.size(), ms());
  renderer_ = std::make_unique<render::MapRenderer>(resource_path("shaders"));
  build_map();
  if (!config_.basemap.empty()) {
    auto source = std::make_shared<io::RasterSource>(config_.basemap);  // throws naming the file
    basemap_extent_ = source->extent();
    renderer_->set_basemap(
        [source](const BBox& world, int width, int height) { return source->render(world, width, height); });
  }
  spdlog::info("GPU buffers and label glyphs built, {:.0f} ms since start of loading", ms());
  load_analysis();
  if (!config_.select_layer.empty()) select(config_.select_layer, config_.select_id);
  if (!config_.period.empty()) analysis_.set_period(config_.period);  // throws naming the period
  if (config_.weekday >= 0 || config_.hour >= 0) {
    analysis::IncidentFilter f = analysis_.filter();
    f.weekday = config_.weekday;
    f.hour = config_.hour;
    analysis_.set_filter(f);
  }
  analysis_.set_heatmap(config_.heatmap);
  analysis_.set_compare(config_.compare);
  // The 汇报 scenes; a file named in the config must parse, a broken default only costs the briefing its scenes.
  try {
    auto file = config_.briefing.empty() ? config_.layers_dir / "briefing.toml" : config_.briefing;
    if (!config_.briefing.empty() || std::filesystem::exists(file)) {
      briefing_.load(file, 0);
      briefing_.set_scale(config_.briefing_scale);
      briefing_.go(long(config_.briefing_scene), 0);
    }
  } catch (const Error& e) {
    if (!config_.briefing.empty()) throw;
    message_ = e.what();
  }
  enter_workspace(config_.workspace);
}

void Dashboard::load_analysis() {
  const render::SceneLayer* incidents = scene_.find("incidents");
  try {
    analysis_.set_data(incidents ? incidents->data : nullptr);
  } catch (const Error& e) {  // e.g. too many categories to filter: the other workspaces still open
    message_ = e.what();
    spdlog::warn("analysis panel: {}", e.what());
    analysis_.set_data(nullptr);
  }
  heat_points_set_ = false;
  shown_revision_ = 0;
  load_hotspots();
}

void Dashboard::load_hotspots() {
  hotspot_error_.clear();
  try {
    hotspots_.set_data(scene_, "incidents", "blocks");
    // Blocks start in their usual colours: the heatmap already shows where incidents concentrate, and Gi* classes
    // painted under it would say the same twice in other colours. The 热点分析 section switches them on.
    HotspotSettings settings = hotspots_.settings();
    settings.display = HotspotDisplay::None;
    hotspots_.set_settings(settings);
  } catch (const Error& e) {
    hotspot_error_ = e.what();  // e.g. a workspace without blocks: the section says why
    spdlog::warn("hot spot view: {}", e.what());
  }
}

void Dashboard::select(std::string_view layer, int64_t id) {
  const render::SceneLayer* l = scene_.find(layer);
  if (!l) throw Error(ErrorKind::NotFound, "cannot select in layer '" + std::string(layer) + "': it is not shown");
  if (!l->data) throw Error(ErrorKind::Denied, "layer '" + std::string(layer) + "' is shown as counts only");
  if (std::find(l->data->ids.begin(), l->data->ids.end(), id) == l->data->ids.end())
    throw Error(ErrorKind::NotFound,
                "layer '" + std::string(layer) + "' has no feature with id " + std::to_string(id));
  selection_ = FeatureRef{std::string(layer), id};
}

std::optional<render::Pick> Dashboard::selected() const {
  if (!selection_) return std::nullopt;
  auto i = layer_index(selection_->layer);
  if (!i || !scene_.layers[*i].data) return std::nullopt;
  const auto& ids = scene_.layers[*i].data->ids;
  auto it = std::find(ids.begin(), ids.end(), selection_->id);
  if (it == ids.end()) return std::nullopt;
  return render::Pick{*i, static_cast<size_t>(it - ids.begin())};
}

void Dashboard::select_pick(std::optional<render::Pick> pick) {
  selection_.reset();
  if (pick && scene_.layers[pick->layer].data)
    selection_ = FeatureRef{scene_.layers[pick->layer].style.name, scene_.layers[pick->layer].data->ids[pick->row]};
}

std::vector<std::pair<std::string, std::string>> Dashboard::selection_details() const {
  auto pick = selected();
  if (!pick) return {};
  const auto& l = scene_.layers[pick->layer];
  std::vector<std::pair<std::string, std::string>> out = {{"", render::feature_title(l, pick->row)}};
  for (auto& kv : render::feature_attributes(l, pick->row)) out.push_back(kv);
  if (l.style.source == kBlocksLayer)
    for (auto& kv : block_contents(pick->row)) out.push_back(kv);
  return out;
}

std::vector<std::pair<std::string, std::string>> Dashboard::block_contents(size_t block) const {
  if (!block_figures_) {  // once per load: every point layer located in the blocks
    try {
      block_figures_ = services::block_figures(*ws_, kBlocksLayer);
    } catch (const Error& e) {
      spdlog::warn("block figures: {}", e.what());
      block_figures_.emplace();
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : block_figures_->layers) {
    if (block >= f.total.size()) continue;
    std::string unit = "个";
    for (const auto& st : styles_.layers)
      if (st.source == f.layer) unit = st.unit;
    auto n = [&](int64_t v) { return std::to_string(v) + " " + unit; };
    std::string text;
    if (!f.recent.empty()) text = "近30天 " + n(f.recent[block]) + " · 共 " + n(f.total[block]);
    else if (!f.open.empty()) text = "未整改 " + n(f.open[block]) + " · 共 " + n(f.total[block]);
    else if (!f.offline.empty()) text = n(f.total[block]) + " · 离线 " + n(f.offline[block]);
    else text = n(f.total[block]);
    if (f.restricted) text += " (受限, 仅计数)";
    out.emplace_back(f.title, text);
  }
  return out;
}

void Dashboard::move_layer(std::string_view layer, int step) {
  auto i = layer_index(layer);
  if (!i) return;
  size_t to = size_t(std::clamp<long>(long(*i) + step, 0, long(scene_.layers.size()) - 1));
  if (to == *i) return;
  std::swap(scene_.layers[*i], scene_.layers[to]);
  hover_.reset();  // a pick holds a position in the list; the selection holds the feature itself
  hover_cluster_.reset();
  build_map();     // draw order is part of the buffers' bookkeeping
}

bool Dashboard::heatmap_shown() const { return workspace_ == Workspace::Analysis && analysis_.heatmap_on(); }

bool Dashboard::busy() const {
  // The analysis panel's workers deliver only while its workspace is shown (it takes their results per frame).
  bool analysis = workspace_ == Workspace::Analysis &&
                  (analysis_.playing() || analysis_.scale_busy() || hotspots_.clusters_busy());
  if (workspace_ == Workspace::Planning && planning_.busy()) return true;  // the rebalance's progress
  return fly_ || analysis || import_dialog_.busy() || export_dialog_.busy() || renderer_->basemap_fetching();
}

Dashboard::~Dashboard() = default;

Color Dashboard::background() const { return styles_.dashboard.background.get(theme_); }

void Dashboard::rebuild_scene() {
  // Keep what the user changed (visibility, opacity) across a reload.
  std::vector<std::pair<std::string, std::pair<bool, float>>> kept;
  for (auto& l : scene_.layers) kept.push_back({l.style.name, {l.visible, l.opacity}});
  SceneOptions so;
  so.only = config_.layers;
  scene_ = load_scene(*ws_, styles_, so);
  for (auto& [name, state] : kept)
    if (auto* l = scene_.find(name)) std::tie(l->visible, l->opacity) = state;
  hover_.reset();  // the selection names its feature and stays while the feature is still there
  hover_cluster_.reset();
  block_figures_.reset();
  build_map();
  load_analysis();
  fonts_dirty_ = true;
}

void Dashboard::reload_styles() {
  try {
    styles_ = style::load_styles(config_.layers_dir);
    add_default_styles(styles_, imported_layers(ws_->store()));
    rebuild_scene();
    message_.clear();
    spdlog::info("styles reloaded from {}", config_.layers_dir.string());
  } catch (const Error& e) {
    message_ = std::string("样式错误: ") + e.what();  // keep the map as it was
    spdlog::warn("style reload failed: {}", e.what());
  }
}

void Dashboard::reload_layers() {
  try {
    ws_ = services::Workspace::open(config_.database, store::OpenMode::ReadOnly,
                                    ws_ ? ws_->principal() : access::Principal{},
                                    ws_ ? ws_->data_key() : nullptr);  // still signed in, key and all
  } catch (const Error& e) {
    message_ = e.what();
    return;
  }
  reload_styles();
  if (auto* l = scene_.find(import_dialog_.imported_layer()); l && l->visible) fly_to(l->extent, now_);
}

void Dashboard::open_import(const std::filesystem::path& file) {
  import_dialog_.open(*ws_, file);
  fonts_dirty_ = true;  // file names and preview rows bring new glyphs
}

void Dashboard::open_export(std::string_view layer) {
  if (scene_.layers.empty()) return;
  // The selected feature's layer, with the feature offered as the selection; else the top layer.
  std::vector<std::pair<std::string, std::string>> layers;
  for (size_t i = scene_.layers.size(); i-- > 0;)
    layers.push_back({scene_.layers[i].style.source, scene_.layers[i].style.title});
  std::string name(layer);
  std::optional<int64_t> id;
  if (auto pick = selected()) {
    const auto& l = scene_.layers[pick->layer];
    if (name.empty()) name = l.style.source;
    if (l.style.source == name) id = selection_->id;
  }
  std::error_code ec;
  export_dialog_.open(*ws_, std::move(layers), name, id, std::filesystem::current_path(ec));
  fonts_dirty_ = true;
}

void Dashboard::set_theme(style::Theme theme) {
  if (theme == theme_) return;
  theme_ = theme;
  build_map();
  apply_theme();
}

void Dashboard::setup_imgui(float dpi_scale) {
  scale_ = dpi_scale;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // panels are laid out by code, not remembered
  io.Fonts->Clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
  builder.AddText(kUiText);
  builder.AddText(styles_.dashboard.title.c_str());
  builder.AddText(import_dialog_.glyph_text().c_str());
  builder.AddText(export_dialog_.glyph_text().c_str());
  builder.AddText(SignInDialog::glyph_text());
  builder.AddText(analysis_.glyph_text().c_str());
  builder.AddText(hotspots_.glyph_text().c_str());
  builder.AddText(planning_.glyph_text().c_str());
  builder.AddText(cases_.glyph_text().c_str());
  // The reception form takes names and matters typed in: the common characters, only while it is shown.
  if (workspace_ == Workspace::Cases) builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  builder.AddText(hotspot_error_.c_str());
  builder.AddText(BriefingView::editor_text());
  for (auto& l : scene_.layers) {
    builder.AddText(layer_summary(l).c_str());
    for (auto& c : l.style.categories) builder.AddText(c.value.c_str());
    builder.AddText(l.style.ramp_label.c_str());  // the legend's
    for (auto& f : l.style.field_labels) builder.AddText(f.second.c_str());
    if (!l.data || l.restricted) continue;
    for (auto& col : l.data->columns) {
      builder.AddText(col.def.name.c_str());
      if (col.def.type != FieldType::Text) continue;
      for (size_t i = 0; i < col.texts.size(); ++i) builder.AddText(col.texts[i].c_str());
    }
  }
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);
  glyph_ranges_.assign(ranges.begin(), ranges.end());
  render::FontFile font = render::find_cjk_font();
  ImFontConfig cfg;
  cfg.FontNo = font.face;
  cfg.OversampleH = 1;  // CJK glyphs are dense already; oversampling would quadruple the atlas
  cfg.OversampleV = 1;
  io.Fonts->AddFontFromFileTTF(font.path.c_str(), std::round(17 * dpi_scale), &cfg, glyph_ranges_.data());
  io.Fonts->AddFontFromFileTTF(font.path.c_str(), std::round(24 * dpi_scale), &cfg, glyph_ranges_.data());
  if (briefing_shown())  // the wall screen's type, sized from the screen's height
    briefing_.add_fonts(io.Fonts, font, fb_h_ > 0 ? fb_h_ : 1080, *ws_);
  else
    briefing_.clear_fonts();
  auto t0 = std::chrono::steady_clock::now();
  io.Fonts->Build();
  spdlog::info("UI font atlas: {} glyph ranges, {}x{} px, {:.0f} ms", glyph_ranges_.size() / 2, io.Fonts->TexWidth,
               io.Fonts->TexHeight,
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  apply_theme();
  fonts_dirty_ = false;
}

void Dashboard::apply_theme() {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  if (theme_ == style::Theme::Dark)
    ImGui::StyleColorsDark(&st);
  else
    ImGui::StyleColorsLight(&st);
  const auto& d = styles_.dashboard;
  Color panel = d.panel.get(theme_), text = d.text.get(theme_), accent = d.accent.get(theme_),
        bg = d.background.get(theme_);
  st.Colors[ImGuiCol_WindowBg] = im(panel);
  st.Colors[ImGuiCol_ChildBg] = im(panel);
  // Lists and menus open over other widgets: opaque and outlined, or the panel's text shows through them.
  Color popup = panel;
  popup.a = 1;
  st.Colors[ImGuiCol_PopupBg] = im(popup);
  st.Colors[ImGuiCol_Text] = im(text);
  st.Colors[ImGuiCol_Border] = im(style::mix(panel, text, 0.15f));
  st.Colors[ImGuiCol_CheckMark] = im(accent);
  st.Colors[ImGuiCol_SliderGrab] = im(accent);
  st.Colors[ImGuiCol_Header] = im(style::mix(panel, accent, 0.35f));
  st.Colors[ImGuiCol_HeaderHovered] = im(style::mix(panel, accent, 0.5f));
  st.Colors[ImGuiCol_Button] = im(style::mix(panel, accent, 0.2f));
  st.Colors[ImGuiCol_ButtonHovered] = im(style::mix(panel, accent, 0.45f));
  st.Colors[ImGuiCol_FrameBg] = im(style::mix(bg, text, 0.08f));
  st.Colors[ImGuiCol_TableRowBgAlt] = im(style::mix(panel, text, 0.04f));
  st.WindowRounding = 0;
  st.WindowBorderSize = 0;
  st.PopupBorderSize = 1;
  st.FrameRounding = 3;
  st.GrabMinSize = 5;  // a narrow handle, so the value printed in the slider stays readable under it
  st.WindowPadding = {12, 10};
  st.ItemSpacing = {8, 6};
  st.ScaleAllSizes(scale_);
}

void Dashboard::fit_view(int fb_width, int fb_height) {
  layout(fb_width, fb_height);
  BBox target;
  if (config_.view_lonlat)
    target = to_world(*config_.view_lonlat);
  else if (auto* b = scene_.find("boundary"))
    target = b->extent;
  if (target.empty()) target = scene_.extent;
  camera_.fit(target, 24 * scale_);
}

void Dashboard::layout(int fb_width, int fb_height) {
  fb_w_ = fb_width;
  fb_h_ = fb_height;
  bool panels = !map_only_ && workspace_ != Workspace::Briefing;
  bool analysis = !map_only_ && workspace_ == Workspace::Analysis;
  float top = map_only_ ? 0 : std::round(50 * scale_);
  float left = panels ? std::round(310 * scale_) : 0;
  float right = panels ? std::round((analysis ? 400 : workspace_ == Workspace::Cases ? 480 : 320) * scale_) : 0;
  float bottom = analysis ? std::round(260 * scale_) : 0;  // the charts under the map
  map_x_ = left;
  map_y_ = top;
  camera_.width = std::max(1, int(fb_width - left - right));
  camera_.height = std::max(1, int(fb_height - top - bottom));
  if (briefing_shown()) {  // the wall screen puts the map beside its tiles and charts
    Rect r = briefing_.map_rect(fb_width, fb_height);
    map_x_ = r.x;
    map_y_ = r.y;
    camera_.width = std::max(1, int(r.w));
    camera_.height = std::max(1, int(r.h));
  }
}

void Dashboard::fly_to(const BBox& world, double now) {
  if (world.empty()) return;
  render::Camera target = camera_;
  target.fit(world, 40 * scale_);
  fly_ = render::FlyTo{camera_, target, 0.6};
  fly_start_ = now;
}

bool Dashboard::wants_fullscreen_toggle() { return std::exchange(fullscreen_request_, false); }

void Dashboard::build_ui(int fb_width, int fb_height, double now) {
  now_ = now;
  layout(fb_width, fb_height);
  if (std::exchange(recentre_, false)) {
    const auto* boundary = scene_.find("boundary");
    fly_to(boundary ? boundary->extent : scene_.extent, now);
  }
  if (fly_) {
    int w = camera_.width, h = camera_.height;
    camera_ = fly_->at(now - fly_start_);
    camera_.width = w;
    camera_.height = h;
    if (fly_->done(now - fly_start_)) fly_.reset();
  }
  handle_input(now);
  if (workspace_ == Workspace::Analysis) analysis_.tick(now);
  if (!map_only_) {
    if (!briefing_shown()) top_bar();
    if (workspace_ != Workspace::Briefing) layer_panel();
    if (workspace_ == Workspace::Analysis) {
      analysis_panel();
      analysis_strip();
    } else if (workspace_ == Workspace::Cases) {
      cases_.draw(*ws_, config_.database, map_x_ + camera_.width, map_y_, fb_w_ - map_x_ - camera_.width,
                  fb_h_ - map_y_, scale_);
    } else if (workspace_ == Workspace::Planning) {
      planning_.draw_panel(map_x_ + camera_.width, map_y_, fb_w_ - map_x_ - camera_.width, fb_h_ - map_y_, scale_);
    } else if (workspace_ != Workspace::Briefing) {
      details_panel();
    }
  }
  if (workspace_ == Workspace::Analysis) sync_analysis();
  if (map_only_) return;
  if (briefing_shown()) {
    briefing_frame(now);
  } else {
    legend();
    map_overlays();
  }
  if (workspace_ == Workspace::Planning) {
    planning_.draw_map(ImGui::GetBackgroundDrawList(), camera_, map_x_, map_y_, scale_);
    if (auto b = planning_.take_fly()) fly_to(*b, now);
  }
  if (workspace_ == Workspace::Cases) cases_.draw_map(ImGui::GetBackgroundDrawList(), camera_, map_x_, map_y_, scale_);
  if (import_dialog_.draw(scale_)) reload_layers();
  export_dialog_.draw(scale_);
  if (auto who = sign_in_dialog_.draw(scale_)) {
    // What the map may show depends on who is signed in: every layer is read again as them.
    ws_ = services::Workspace::open(config_.database, store::OpenMode::ReadOnly, who->principal, who->key);
    reload_styles();
  }
  if (import_dialog_.glyphs_changed()) fonts_dirty_ = true;
  if (analysis_.glyphs_changed()) fonts_dirty_ = true;
  if (hotspots_.glyphs_changed()) fonts_dirty_ = true;
  if (planning_.glyphs_changed()) fonts_dirty_ = true;
}

void Dashboard::draw_map() {
  // GL's y axis points up: the map rectangle's bottom edge is at fb_h - (map_y + height).
  int gl_y = fb_h_ - int(map_y_) - camera_.height;
  renderer_->set_basemap_look(basemap_visible_, basemap_opacity_);
  renderer_->draw(camera_, background(), int(map_x_), gl_y);
}

void Dashboard::handle_input(double now) {
  ImGuiIO& io = ImGui::GetIO();
  XY mouse{io.MousePos.x - map_x_, io.MousePos.y - map_y_};
  bool over_map =
      mouse.x >= 0 && mouse.y >= 0 && mouse.x < camera_.width && mouse.y < camera_.height && io.MousePos.x > -1e6;
  if (over_map && !io.WantCaptureMouse && !(workspace_ == Workspace::Planning && planning_.map_input(camera_, mouse, scale_))) {
    if (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2)) {
      camera_.pan_pixels(io.MouseDelta.x, io.MouseDelta.y);
      fly_.reset();
    }
    if (io.MouseWheel != 0) {
      camera_.zoom_around(mouse, io.MouseWheel * 0.5);
      fly_.reset();
    }
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
      render::Camera target = camera_;
      target.zoom_around(mouse, 1);
      fly_ = render::FlyTo{camera_, target, 0.3};
      fly_start_ = now;
    } else if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
               ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2).x == 0 &&
               ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 2).y == 0) {
      if (auto c = render::pick_cluster(scene_, camera_, mouse, heatmap_shown()); c && c->cluster.count > 1) {
        // A cluster is no feature to describe: open it up, to where its members are told apart.
        BBox e = c->cluster.extent;
        double pad = 60 * camera_.resolution();
        fly_to({e.minx - pad, e.miny - pad, e.maxx + pad, e.maxy + pad}, now);
      } else if (workspace_ == Workspace::Cases && cases_.wants_map_click()) {
        cases_.map_click(*ws_, geo::from_web_mercator(camera_.screen_to_world(mouse)));
        fonts_dirty_ = true;  // the door plate's name
      } else if (c) {
        select_pick(render::Pick{c->layer, c->cluster.first});
      } else {
        select_pick(render::pick(scene_, camera_, mouse));
      }
    }
    hover_cluster_ = render::pick_cluster(scene_, camera_, mouse, heatmap_shown());
    hover_ = hover_cluster_ ? std::nullopt : render::pick(scene_, camera_, mouse);
  } else {
    hover_.reset();
    hover_cluster_.reset();
  }
  std::vector<Key> keys = std::exchange(pressed_, {});
  if (!io.WantCaptureKeyboard) {
    double step = 120 * scale_;
    for (Key k : keys) switch (k) {
        case Key::Left: briefing_shown() ? briefing_.previous(now) : camera_.pan_pixels(step, 0); break;
        case Key::Right: briefing_shown() ? briefing_.next(now) : camera_.pan_pixels(-step, 0); break;
        case Key::Up: camera_.pan_pixels(0, step); break;
        case Key::Down: camera_.pan_pixels(0, -step); break;
        case Key::Escape:  // cancels what is current: the selection, else the briefing screen
          if (selection_)
            selection_.reset();
          else if (workspace_ == Workspace::Briefing)
            enter_workspace(Workspace::Overview);
          break;
      }
    for (ImWchar c : io.InputQueueCharacters) {
      XY centre{camera_.width / 2.0, camera_.height / 2.0};
      if (c == '+' || c == '=') camera_.zoom_around(centre, 0.5);
      if (c == '-' || c == '_') camera_.zoom_around(centre, -0.5);
      if (c == 'f' || c == 'F') fullscreen_request_ = true;
      if (c == 'b' || c == 'B')
        enter_workspace(workspace_ == Workspace::Briefing ? Workspace::Overview : Workspace::Briefing);
      if (c == 'r' || c == 'R') reload_styles();
      if (c == ' ' && briefing_shown()) briefing_.toggle_pause(now);
      if ((c == 'e' || c == 'E') && briefing_shown()) briefing_.toggle_editor();
      if (c == 't' || c == 'T') set_theme(theme_ == style::Theme::Dark ? style::Theme::Light : style::Theme::Dark);
    }
  }
}

void Dashboard::enter_workspace(Workspace w) {
  if (workspace_ == Workspace::Analysis && w != Workspace::Analysis) leave_analysis();
  if (briefing_shown() && w != Workspace::Briefing) {  // the scenes' period, colours, sizes and big type
    for (size_t i = 0; i < scene_.layers.size(); ++i) {
      if (scene_.layers[i].shown) show_rows(i, nullptr);
      if (const auto* original = styles_.find(scene_.layers[i].style.name)) scene_.layers[i].style = *original;
    }
    build_map();
    fonts_dirty_ = true;
  }
  if (w == Workspace::Cases) {  // the cases as now, and the blocks coloured by open cases per 100 households
    cases_.load(*ws_, services::local_now());
    if (auto i = layer_index(kBlocksLayer)) renderer_->set_fill_colors(*i, cases_.block_colors(*ws_));
    fonts_dirty_ = true;
  } else if (workspace_ == Workspace::Cases) {
    if (auto i = layer_index(kBlocksLayer)) renderer_->set_fill_colors(*i, nullptr);
  }
  if (w == Workspace::Planning) {  // the plans as they are now, with a handle that saves each edit
    planning_.load(config_.database, ws_->principal(), config_.plan);
    planning_.set_diff(config_.plan_diff);
    if (config_.plan_drag) planning_.preview_drag(config_.plan_drag->first, config_.plan_drag->second);
    fonts_dirty_ = true;
  }
  workspace_ = w;
  // Each workspace opens on its considered layers and their opacity (dashboard.toml [workspaces]); layers named on
  // the command line (--layers) and imported layers outside `order` keep theirs.
  const auto& order = styles_.dashboard.order;
  if (const auto* ws = styles_.dashboard.workspace(workspace_name(w)); ws && config_.layers.empty())
    for (auto& l : scene_.layers) {
      if (std::find(order.begin(), order.end(), l.style.name) == order.end()) continue;
      l.visible = std::find(ws->layers.begin(), ws->layers.end(), l.style.name) != ws->layers.end();
      l.opacity = l.style.opacity;
      for (auto& [name, opacity] : ws->opacity)
        if (name == l.style.name) l.opacity = opacity;
    }
  if (w != Workspace::Briefing) return;
  // The shared wall screen never shows what the access policy keeps out of briefings.
  for (auto& l : scene_.layers)
    if (l.restricted) l.visible = false;
  if (!briefing_.loaded()) {
    recentre_ = true;  // on the whole district, once the briefing's larger map is laid out
    return;
  }
  fonts_dirty_ = true;  // the wall screen's type is sized from the screen
  if (theme_ != style::Theme::Dark) {  // the wall theme
    theme_ = style::Theme::Dark;
    build_map();
  }
  briefing_.go(long(briefing_.scene()), now_);  // its layers, view and colours in the next frame
}

void Dashboard::briefing_frame(double now) {
  // Live: rows another program commits (an import, a closed case) reach the screen without a restart.
  bool reread = false;
  if (now - polled_at_ >= kBriefingPollSeconds || now < polled_at_) {
    polled_at_ = now;
    int64_t version = ws_->store().data_version();
    if (data_version_ >= 0 && version != data_version_) {
      ws_->invalidate();
      rebuild_scene();
      briefing_.invalidate();
      reread = true;
    }
    data_version_ = version;
  }
  bool changed = briefing_.tick(now);
  briefing_.refresh(*ws_);
  if (briefing_.draw_editor(*ws_, scene_, scale_, now)) changed = true;
  if (changed || reread) apply_briefing_scene();
  if (!briefing_.fonts_ready(fb_h_)) {  // a new screen size: the type follows in the next frame
    fonts_dirty_ = true;
    return;
  }
  briefing_.draw(ImGui::GetBackgroundDrawList(), fb_w_, fb_h_, camera_, {map_x_, map_y_}, scene_, clock_text());
}

void Dashboard::apply_briefing_scene() {
  // The map's labels, symbols and lines are sized in pixels for a desk monitor; on the wall they grow with the
  // screen so that street and block labels stay above 1/60 of its height too. The styles' own sizes come back
  // when the briefing is left (build_map from the reloaded styles).
  const float k = 1.4f * std::max(1.0f, fb_h_ / 1080.0f) * briefing_.scale();
  for (auto& l : scene_.layers)
    if (const auto* original = styles_.find(l.style.name)) {
      l.style = *original;
      for (float* v : {&l.style.label_size, &l.style.size, &l.style.line_width, &l.style.casing_width,
                       &l.style.outline_width, &l.style.cluster_cell})
        *v *= k;
      for (auto& [value, width] : l.style.widths) width *= k;
    }
  build_map();
  BriefingMap m = briefing_.map_state(scene_);
  const auto* own = styles_.dashboard.workspace(workspace_name(Workspace::Briefing));
  const auto& shown = m.layers.empty() && own ? own->layers : m.layers;
  for (auto& l : scene_.layers)
    l.visible = !l.restricted && std::find(shown.begin(), shown.end(), l.style.name) != shown.end();
  // Incidents of the scene's period only, as its tiles count them.
  if (auto i = layer_index("incidents"); i && scene_.layers[*i].data && briefing_.figures())
    show_rows(*i, std::make_shared<const std::vector<uint32_t>>(
                      analysis::rows_in_range(scene_.layers[*i].data->time, briefing_.figures()->period)));
  if (auto i = layer_index(kBlocksLayer)) renderer_->set_fill_colors(*i, m.block_colors);
  if (auto i = layer_index("compounds")) renderer_->set_fill_colors(*i, m.compound_colors);
  block_colors_.reset();
  layout(fb_w_, fb_h_);
  BBox view = m.view;
  if (view.empty()) view = scene_.find("boundary") ? scene_.find("boundary")->extent : scene_.extent;
  fly_.reset();
  camera_.fit(view, fb_h_ * 0.02);
}

double Dashboard::seconds_to_next_tick(double now) const {
  if (!briefing_shown()) return 3600;
  return std::min(briefing_.seconds_to_next(now), std::max(0.0, polled_at_ + kBriefingPollSeconds - now));
}

std::string Dashboard::clock_text() const {
  if (!config_.clock.empty()) return config_.clock;
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

void Dashboard::top_bar() {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos({0, 0});
  ImGui::SetNextWindowSize({float(fb_w_), map_y_});
  ImGui::Begin("##top", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr);
  ImGui::SetCursorPosY((map_y_ - ImGui::GetFontSize()) / 2);
  ImGui::TextColored(im(styles_.dashboard.accent.get(theme_)), "%s", styles_.dashboard.title.c_str());
  ImGui::PopFont();
  ImGui::SameLine(fb_w_ * 0.5f - 160 * scale_);
  ImGui::SetCursorPosY((map_y_ - ImGui::GetFrameHeight()) / 2);
  for (int i = 0; i < 5; ++i) {
    if (i) ImGui::SameLine();
    bool active = int(workspace_) == i;
    if (ImGui::Selectable(kWorkspaces[i], active, 0, {56 * scale_, 0})) enter_workspace(Workspace(i));
  }
  std::string clock = clock_text();
  if (!message_.empty()) {
    ImGui::SameLine(fb_w_ * 0.5f + 140 * scale_);
    ImGui::TextColored({0.94f, 0.27f, 0.27f, 1}, "%s", message_.c_str());
  }
  float w = ImGui::CalcTextSize(clock.c_str()).x;
  ImGui::SameLine(fb_w_ - w - 16 * scale_);
  ImGui::TextUnformatted(clock.c_str());
  ImGui::End();
}

// A small swatch drawn like the layer is drawn on the map.
static void swatch(const style::LayerStyle& s, Color c, style::Theme theme, float size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImVec2 m{p.x + size / 2, p.y + size / 2};
  float r = size * 0.4f;
  ImU32 col = im32(c), halo = im32(s.halo.get(theme));
  switch (s.draw) {
    case DrawKind::Fill:
      dl->AddRectFilled({p.x + 2, p.y + 3}, {p.x + size - 2, p.y + size - 3}, col);
      if (s.outline_width > 0)
        dl->AddRect({p.x + 2, p.y + 3}, {p.x + size - 2, p.y + size - 3}, im32(s.outline.get(theme)));
      break;
    case DrawKind::Line:  // with its casing, as on the map, so a white street shows on a light panel
      if (s.casing_width > 0)
        dl->AddLine({p.x, m.y}, {p.x + size, m.y}, im32(s.casing.get(theme)), 4 + 2 * s.casing_width);
      dl->AddLine({p.x, m.y}, {p.x + size, m.y}, col, 4);
      break;
    default:
      if (s.symbol == style::Symbol::Triangle)
        dl->AddTriangleFilled({m.x, m.y - r}, {m.x - r, m.y + r * 0.8f}, {m.x + r, m.y + r * 0.8f}, col);
      else if (s.symbol == style::Symbol::House) {
        dl->AddTriangleFilled({m.x, m.y - r}, {m.x - r, m.y}, {m.x + r, m.y}, col);
        dl->AddRectFilled({m.x - r * 0.75f, m.y}, {m.x + r * 0.75f, m.y + r}, col);
      } else if (s.symbol == style::Symbol::Camera || s.symbol == style::Symbol::Square) {
        dl->AddRectFilled({m.x - r, m.y - r * 0.6f}, {m.x + r * 0.6f, m.y + r * 0.6f}, col, 2);
        if (s.symbol == style::Symbol::Camera)
          dl->AddRectFilled({m.x + r * 0.6f, m.y - r * 0.35f}, {m.x + r, m.y + r * 0.35f}, col);
      } else {
        dl->AddCircleFilled(m, r + 1, halo);
        dl->AddCircleFilled(m, r, col);
      }
  }
  ImGui::Dummy({size, size});
}

void Dashboard::layer_panel() {
  ImGui::SetNextWindowPos({0, map_y_});
  ImGui::SetNextWindowSize({map_x_, fb_h_ - map_y_});
  ImGui::Begin("图层", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoSavedSettings);
  float sw = ImGui::GetFontSize() * 1.2f;
  int move_from = -1, move_to = -1;
  for (size_t i = scene_.layers.size(); i-- > 0;) {  // top layer first, as drawn
    auto& l = scene_.layers[i];
    ImGui::PushID(int(i));
    ImGui::Checkbox("##v", &l.visible);
    ImGui::SameLine();
    Color c = l.style.draw == DrawKind::Fill   ? l.style.fill.get(theme_)
              : l.style.draw == DrawKind::Line ? l.style.line_color.get(theme_)
                                               : l.style.color.get(theme_);
    if (!l.style.ramp.empty()) c = l.style.ramp[l.style.ramp.size() / 2].color.get(theme_);  // a typical value
    swatch(l.style, c, theme_, sw);
    ImGui::SameLine();
    ImGui::TextUnformatted(layer_summary(l).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", l.style.file.filename().c_str());
    float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine(right - 3 * (ImGui::GetFrameHeight() + 4));
    if (ImGui::SmallButton("▲") && i + 1 < scene_.layers.size()) move_from = int(i), move_to = int(i) + 1;
    ImGui::SameLine();
    if (ImGui::SmallButton("▼") && i > 0) move_from = int(i), move_to = int(i) - 1;
    ImGui::SameLine();
    if (ImGui::SmallButton("定位")) fly_to(l.extent, now_);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##o", &l.opacity, 0, 1, "透明度 %.2f");
    ImGui::PopID();
    ImGui::Separator();
  }
  if (!basemap_extent_.empty()) {  // drawn under every layer, so listed last and never moved
    ImGui::PushID("basemap");
    ImGui::Checkbox("##v", &basemap_visible_);
    ImGui::SameLine();
    ImGui::TextUnformatted("底图 (影像)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", config_.basemap.filename().c_str());
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - (ImGui::GetFrameHeight() + 4));
    if (ImGui::SmallButton("定位")) fly_to(basemap_extent_, now_);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##o", &basemap_opacity_, 0, 1, "透明度 %.2f");
    ImGui::PopID();
    ImGui::Separator();
  }
  if (move_from >= 0) move_layer(scene_.layers[move_from].style.name, move_to - move_from);
  if (ImGui::Button("全域")) {
    const auto* b = scene_.find("boundary");
    fly_to(b ? b->extent : scene_.extent, now_);
  }
  ImGui::SameLine();
  if (ImGui::Button("重新加载样式 (R)")) reload_styles();
  if (ImGui::Button("导入…")) open_import({});
  ImGui::SameLine();
  if (ImGui::Button("导出…")) open_export({});
  ImGui::SameLine();
  if (ImGui::Button("登录…")) sign_in_dialog_.open(config_.database);
  const access::Principal& who = ws_->principal();
  if (who.role != access::Role::Anonymous)
    ImGui::Text("当前用户：%s（%s）", who.user.c_str(), access::role_title_zh(who.role));
  ImGui::End();
}

void Dashboard::legend() {
  float x = map_x_ + 12 * scale_, y = map_y_ + camera_.height - 12 * scale_;
  ImGui::SetNextWindowPos({x, y}, 0, {0, 1});
  ImGui::SetNextWindowBgAlpha(0.85f);
  ImGui::Begin("图例", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoFocusOnAppearing);
  // Exactly what this view draws, top layer first as in the layer list: one row per layer whose colours mean
  // something (classes with their ranges, statuses, offline, the view fan), the plain layers sharing a row; then
  // the heatmap's and hot spots' scales in 分析. Parts a zoom hides are named as shown when zoomed in.
  const float sw = ImGui::GetFontSize(), gap = 14 * scale_;
  const double zoom = camera_.zoom;
  const bool analysis = workspace_ == Workspace::Analysis;
  const bool heat = analysis && analysis_.heatmap_params().has_value();
  auto num = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return std::string(b);
  };
  bool first = true;
  auto item = [&](const style::LayerStyle& s, Color c, const std::string& text) {
    if (!first) ImGui::SameLine(0, gap);
    first = false;
    swatch(s, c, theme_, sw);
    ImGui::SameLine(0, 4 * scale_);
    ImGui::TextUnformatted(text.c_str());
  };
  auto later = [&](const std::string& what) {  // drawn only when zoomed in
    ImGui::SameLine(0, gap);
    ImGui::TextDisabled("(%s 放大后显示)", what.c_str());
  };
  auto row = [&](const std::string& header) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(header.c_str());
    ImGui::TableNextColumn();
    first = true;
  };
  std::vector<std::pair<const style::LayerStyle*, Color>> plain;
  if (ImGui::BeginTable("legend", 2, ImGuiTableFlags_SizingFixedFit)) {
    for (size_t i = scene_.layers.size(); i-- > 0;) {
      const auto& l = scene_.layers[i];
      const auto& s = l.style;
      if (!l.visible || l.opacity <= 0 || !render::in_zoom_range(s, zoom)) continue;
      if (heat && render::hidden_under_heatmap(s, zoom)) continue;  // the heatmap's scale below stands for them
      const bool hotspot_fill = analysis && s.name == "blocks" && block_colors_ && !block_colors_->empty();
      if (render::draws_clusters(s, zoom)) {
        row(s.title + " 聚合 (起)");
        for (size_t k = 0; k < s.cluster_classes.size(); ++k) {
          double lo = s.cluster_classes[k].value;
          item(s, s.cluster_classes[k].color.get(theme_),
               k + 1 < s.cluster_classes.size() ? num(lo) + "–" + num(s.cluster_classes[k + 1].value - 1)
                                                : "≥" + num(lo));
        }
        if (s.cluster_classes.empty()) item(s, s.color.get(theme_), "≥2");
      }
      if (s.draw == DrawKind::Fill && !s.ramp.empty() && !hotspot_fill) {
        row(s.title + " " + s.ramp_label);
        for (size_t k = 0; k < s.ramp.size(); ++k) {
          std::string range = !s.ramp_classes       ? num(s.ramp[k].value)
                              : k == 0              ? "<" + num(s.ramp[1].value)
                              : k + 1 < s.ramp.size() ? num(s.ramp[k].value) + "–" + num(s.ramp[k + 1].value)
                                                      : "≥" + num(s.ramp[k].value);
          item(s, s.ramp[k].color.get(theme_), range);
        }
      } else if (s.draw != DrawKind::Fill && s.draw != DrawKind::Line && !s.ramp.empty()) {
        // Points coloured by a number (incidents by severity): alone, or one by one when zoomed in.
        row(s.title + (render::draws_clusters(s, zoom) ? " 单起 " : " ") + s.ramp_label);
        for (auto& stop : s.ramp) item(s, stop.color.get(theme_), num(stop.value));
      } else if (!s.categories.empty()) {
        row(s.title);
        std::string hidden;
        for (auto& c : s.categories)
          if (zoom >= c.min_zoom)
            item(s, c.color.get(theme_), c.value);
          else
            hidden += (hidden.empty() ? "" : "、") + c.value;
        if (!hidden.empty()) later(hidden);
      } else if (!s.dim_label.empty() || s.has_wedge()) {
        row(s.title);
        item(s, s.color.get(theme_), "在线");
        if (!s.dim_label.empty()) item(s, s.dim_color.get(theme_), s.dim_label);
        if (render::draws_wedges(s, zoom)) {  // the field of view as a fan, as on the map
          ImGui::SameLine(0, gap);
          ImVec2 p = ImGui::GetCursorScreenPos();
          ImVec2 o{p.x + sw * 0.1f, p.y + sw * 0.9f};
          ImGui::GetWindowDrawList()->PathLineTo(o);
          ImGui::GetWindowDrawList()->PathArcTo(o, sw * 0.95f, -float(M_PI) / 2 + 0.1f, -0.1f, 8);
          Color w = s.wedge_color.get(theme_);
          w.a = std::max(w.a, 0.45f);  // the map's fan is faint over a large area; a small swatch needs more
          ImGui::GetWindowDrawList()->PathFillConvex(im32(w));
          ImGui::Dummy({sw, sw});
          ImGui::SameLine(0, 4 * scale_);
          ImGui::TextUnformatted("视野");
        } else if (s.has_wedge()) {
          later("视野");
        }
      } else if (s.draw == DrawKind::Counts) {
        row(s.title);
        item(s, s.color.get(theme_), "按网格计数");
      } else if (s.draw != DrawKind::Cluster) {
        Color c = s.draw == DrawKind::Fill   ? s.fill.get(theme_)
                  : s.draw == DrawKind::Line ? s.line_color.get(theme_)
                                             : s.color.get(theme_);
        plain.push_back({&s, c});
      }
    }
    if (!plain.empty()) {
      row("");
      for (auto& [s, c] : plain) item(*s, c, s->title);
    }
    ImGui::EndTable();
  }
  if (analysis) {
    analysis_.draw_legend(scale_);
    hotspots_.legend(scale_);
  }
  ImGui::End();
}

void Dashboard::details_panel() {
  ImGui::SetNextWindowPos({float(fb_w_) - (fb_w_ - map_x_ - camera_.width), map_y_});
  ImGui::SetNextWindowSize({float(fb_w_ - map_x_ - camera_.width), fb_h_ - map_y_});
  ImGui::Begin("详情", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoSavedSettings);
  details_contents();
  ImGui::Separator();
  ImGui::TextUnformatted("统计");
  for (auto& l : scene_.layers)
    if (l.style.geometry == style::GeometryKind::Point) ImGui::BulletText("%s", layer_summary(l).c_str());
  ImGui::End();
}

void Dashboard::details_contents() {
  if (auto details = selection_details(); !details.empty()) {
    ImGui::TextColored(im(styles_.dashboard.accent.get(theme_)), "%s", details[0].second.c_str());
    if (ImGui::BeginTable("attrs", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
      for (auto& [k, v] : std::span(details).subspan(1)) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", v.c_str());
      }
      ImGui::EndTable();
    }
  } else {
    ImGui::TextDisabled("点击地图要素查看详情");
  }
}

void Dashboard::analysis_panel() {
  float w = float(fb_w_ - map_x_ - camera_.width);
  ImGui::SetNextWindowPos({float(fb_w_) - w, map_y_});
  ImGui::SetNextWindowSize({w, fb_h_ - map_y_});
  ImGui::Begin("分析", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoSavedSettings);
  ImGuiIO& io = ImGui::GetIO();
  analysis_.draw_controls(scale_, io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : nullptr);
  if (ImGui::CollapsingHeader("热点分析")) {
    if (hotspots_.has_data())
      hotspots_.draw_controls(scale_);
    else
      ImGui::TextWrapped("%s", hotspot_error_.empty() ? "无网格图层" : hotspot_error_.c_str());
  }
  if (auto fly = hotspots_.take_fly_request()) fly_to(fly->world, now_);
  // The selection's details stay one click away (open at first when something is selected).
  if (ImGui::CollapsingHeader("详情", selection_ ? ImGuiTreeNodeFlags_DefaultOpen : 0)) details_contents();
  ImGui::End();
}

void Dashboard::analysis_strip() {
  ImGui::SetNextWindowPos({map_x_, map_y_ + camera_.height});
  ImGui::SetNextWindowSize({float(camera_.width), fb_h_ - map_y_ - camera_.height});
  ImGui::Begin("##analysis_strip", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoScrollWithMouse);
  analysis_.draw_strip(scale_);
  ImGui::End();
}

void Dashboard::build_map() {
  renderer_->set_scene(scene_, theme_);
  block_colors_.reset();  // set_scene starts with the style's colours; the next sync gives the hot spots' again
}

std::optional<size_t> Dashboard::layer_index(std::string_view name) const {
  for (size_t i = 0; i < scene_.layers.size(); ++i)
    if (scene_.layers[i].style.name == name) return i;
  return std::nullopt;
}

void Dashboard::show_rows(size_t layer, std::shared_ptr<const std::vector<uint32_t>> rows) {
  scene_.layers[layer].shown = rows;  // what picking and tooltips read
  renderer_->set_rows(layer, std::move(rows));
}

void Dashboard::sync_analysis() {
  if (analysis_.has_data() && analysis_.revision() != shown_revision_) {
    shown_revision_ = analysis_.revision();
    if (auto i = layer_index("incidents")) {
      show_rows(*i, analysis_.filter().passes_everything()
                        ? nullptr
                        : std::make_shared<const std::vector<uint32_t>>(analysis_.rows()));
      if (auto pick = selected(); pick && pick->layer == *i && !scene_.layers[*i].row_shown(pick->row))
        selection_.reset();
    }
    if (hotspots_.has_data()) hotspots_.set_rows(analysis_.rows());
  }
  auto params = analysis_.heatmap_params();
  if (params && !heat_) {
    try {
      heat_ = std::make_unique<render::HeatmapLayer>(resource_path("shaders"));
    } catch (const Error& e) {
      message_ = e.what();  // the rest of the workspace works without it
      analysis_.set_heatmap(false);
      params.reset();
    }
  }
  if (params && !heat_points_set_) {
    const Snapshot& s = *analysis_.snapshot();
    heat_->set_points(s.x, s.y, analysis_.weights(), analysis_.table(), scene_.origin);
    heat_points_set_ = true;
  }
  renderer_->set_heatmap(heat_.get(), params);
  if (hotspots_.has_data())
    if (auto colors = hotspots_.map_colors(theme_); colors != block_colors_)
      if (auto i = layer_index("blocks")) {
        block_colors_ = colors;
        renderer_->set_fill_colors(*i, std::move(colors));
      }
}

void Dashboard::leave_analysis() {
  for (size_t i = 0; i < scene_.layers.size(); ++i)
    if (scene_.layers[i].shown) show_rows(i, nullptr);
  if (auto i = layer_index("blocks"); i && block_colors_) renderer_->set_fill_colors(*i, nullptr);
  block_colors_.reset();  // on return the hot spot view's colours differ from these and are shown again
  renderer_->set_heatmap(nullptr, std::nullopt);
  shown_revision_ = 0;
}

// The selected feature outlined in the accent colour over the map (screen space, clipped to the map).
void Dashboard::highlight_selection(ImDrawList* dl) const {
  auto pick = selected();
  if (!pick) return;
  const auto& l = scene_.layers[pick->layer];
  if (!l.data || !l.visible) return;
  ImU32 accent = im32(styles_.dashboard.accent.get(theme_));
  float w = 3 * scale_;
  auto screen = [&](XY world) {
    XY s = camera_.world_to_screen(world);
    return ImVec2{float(s.x) + map_x_, float(s.y) + map_y_};
  };
  dl->PushClipRect({map_x_, map_y_}, {map_x_ + camera_.width, map_y_ + camera_.height}, true);
  if (l.style.geometry == style::GeometryKind::Point) {
    dl->AddCircle(screen({l.data->x[pick->row], l.data->y[pick->row]}), l.style.size * 0.5f + 6 * scale_,
                  accent, 32, w);
  } else if (pick->row < l.world.size()) {
    std::vector<ImVec2> pts;
    auto stroke = [&](const std::vector<XY>& line, bool closed) {
      pts.clear();
      for (XY p : line) pts.push_back(screen(p));
      dl->AddPolyline(pts.data(), int(pts.size()), accent, closed ? ImDrawFlags_Closed : ImDrawFlags_None, w);
    };
    const Geometry& g = l.world[pick->row];
    for (auto& line : g.lines) stroke(line, false);
    for (auto& poly : g.polygons)
      for (auto& ring : poly.rings) stroke(ring, true);
  }
  dl->PopClipRect();
}

void Dashboard::map_overlays() {
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  Color text = styles_.dashboard.text.get(theme_), bg = background();
  ImU32 fg = im32(text), shadow = im32(bg, 0.8f);
  float s = scale_;
  // Scale bar: a round number of ground metres about 120 px long.
  double lat = geo::from_web_mercator(camera_.center).y;
  double m_per_px = camera_.resolution() * geo::mercator_scale(lat);
  double target = 120 * s * m_per_px, nice = 1;
  for (double step : {1.0, 2.0, 5.0})
    for (double p = 1; p <= 1e5; p *= 10)
      if (step * p <= target) nice = std::max(nice, step * p);
  float len = float(nice / m_per_px);
  float x0 = map_x_ + camera_.width - len - 24 * s, y0 = map_y_ + camera_.height - 24 * s;
  dl->AddRectFilled({x0 - 8 * s, y0 - 26 * s}, {x0 + len + 8 * s, y0 + 8 * s}, shadow, 4);
  dl->AddLine({x0, y0}, {x0 + len, y0}, fg, 2 * s);
  dl->AddLine({x0, y0 - 6 * s}, {x0, y0}, fg, 2 * s);
  dl->AddLine({x0 + len, y0 - 6 * s}, {x0 + len, y0}, fg, 2 * s);
  std::string label = nice >= 1000 ? std::to_string(int(nice / 1000)) + " 千米" : std::to_string(int(nice)) + " 米";
  dl->AddText({x0 + len / 2 - ImGui::CalcTextSize(label.c_str()).x / 2, y0 - 24 * s}, fg, label.c_str());
  // North arrow (Web Mercator: north is always up).
  ImVec2 n{map_x_ + camera_.width - 40 * s, map_y_ + 40 * s};
  dl->AddCircleFilled(n, 22 * s, shadow);
  dl->AddTriangleFilled({n.x, n.y - 16 * s}, {n.x - 8 * s, n.y + 10 * s}, {n.x, n.y + 4 * s}, fg);
  dl->AddTriangle({n.x, n.y - 16 * s}, {n.x + 8 * s, n.y + 10 * s}, {n.x, n.y + 4 * s}, fg, 1.5f * s);
  dl->AddText({n.x - 5 * s, n.y - 40 * s + 2}, fg, "N");
  // Cursor coordinates (WGS84) and zoom.
  ImGuiIO& io = ImGui::GetIO();
  XY mouse{io.MousePos.x - map_x_, io.MousePos.y - map_y_};
  char buf[128];
  if (mouse.x >= 0 && mouse.y >= 0 && mouse.x < camera_.width && mouse.y < camera_.height) {
    XY ll = geo::from_web_mercator(camera_.screen_to_world(mouse));
    std::snprintf(buf, sizeof buf, "经度 %.5f°  纬度 %.5f°  缩放 %.1f", ll.x, ll.y, camera_.zoom);
  } else {
    std::snprintf(buf, sizeof buf, "缩放 %.1f", camera_.zoom);
  }
  if (workspace_ != Workspace::Briefing) {  // the wall screen is read from across the room, not pointed at
    ImVec2 ts = ImGui::CalcTextSize(buf);
    ImVec2 at{map_x_ + camera_.width - ts.x - 24 * s, y0 - 56 * s};
    dl->AddRectFilled({at.x - 6 * s, at.y - 3 * s}, {at.x + ts.x + 6 * s, at.y + ts.y + 3 * s}, shadow, 4);
    dl->AddText(at, fg, buf);
  }
  if (workspace_ == Workspace::Analysis) {
    dl->PushClipRect({map_x_, map_y_}, {map_x_ + camera_.width, map_y_ + camera_.height}, true);
    hotspots_.draw_overlay(dl, camera_, {map_x_, map_y_}, scale_);
    dl->PopClipRect();
  }
  highlight_selection(dl);
  // Hover tooltip.
  if (hover_cluster_ && hover_cluster_->layer < scene_.layers.size()) {
    const auto& l = scene_.layers[hover_cluster_->layer];
    ImGui::SetTooltip("%s %lld %s · 点击放大查看", l.style.title.c_str(),
                      static_cast<long long>(hover_cluster_->cluster.count), l.style.unit.c_str());
  }
  if (hover_ && hover_->layer < scene_.layers.size()) {
    const auto& l = scene_.layers[hover_->layer];
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(render::feature_title(l, hover_->row).c_str());
    auto attrs = render::feature_attributes(l, hover_->row);
    for (size_t i = 1; i < attrs.size() && i < 5; ++i)
      ImGui::TextDisabled("%s: %s", attrs[i].first.c_str(), attrs[i].second.c_str());
    if (workspace_ == Workspace::Analysis && l.style.name == "blocks")
      if (std::string line = hotspots_.block_summary(hover_->row); !line.empty()) ImGui::TextUnformatted(line.c_str());
    ImGui::EndTooltip();
  }
}

}  // namespace sitmap::ui
