#include "sitmap/render/map_renderer.hpp"

#include <algorithm>

#include "basemap_renderer.hpp"
#include "fill_renderer.hpp"
#include "label_renderer.hpp"
#include "line_renderer.hpp"
#include "sitmap/core/error.hpp"
#include "symbol_renderer.hpp"

namespace sitmap::render {

using style::DrawKind;

bool LayerInput::row_shown(size_t row) const {
  return !rows || std::binary_search(rows->begin(), rows->end(), static_cast<uint32_t>(row));
}

std::unique_ptr<LayerRenderer> make_layer_renderer(const gpu::Programs& gl, const LayerInput& input) {
  switch (input.layer.style.draw) {
    case DrawKind::Fill:
      return std::make_unique<FillRenderer>(gl, input);
    case DrawKind::Line:
      return std::make_unique<LineRenderer>(gl, input);
    case DrawKind::Symbol:
    case DrawKind::Cluster:
    case DrawKind::Counts:
      return std::make_unique<SymbolRenderer>(gl, input);
  }
  throw Error(ErrorKind::Internal, "layer '" + input.layer.style.name + "': no renderer for its draw kind");
}

namespace {

// One layer as drawn: its renderer and label candidates, and the immutable values they were built from.
struct Slot {
  std::shared_ptr<const std::vector<uint32_t>> rows;
  std::shared_ptr<const std::vector<style::Color>> fill_colors;
  std::unique_ptr<LayerRenderer> renderer;
  LabelSet labels;
};

}  // namespace

struct MapRenderer::Impl {
  explicit Impl(const std::filesystem::path& shader_dir) : gl(shader_dir), labels(gl) {}

  gpu::Programs gl;
  LabelRenderer labels;
  const Scene* scene = nullptr;
  style::Theme theme = style::Theme::Dark;
  std::vector<Slot> slots;  // one per scene layer, in its order
  std::unique_ptr<BasemapRenderer> basemap;
  bool basemap_visible = true;
  float basemap_opacity = 1;
  const HeatmapLayer* heatmap = nullptr;
  std::optional<HeatmapParams> heatmap_params;

  void build(size_t i) {
    Slot& s = slots[i];
    LayerInput input{scene->layers[i], s.rows, s.fill_colors, scene->origin, theme};
    s.renderer = make_layer_renderer(gl, input);
    s.labels = make_label_set(input, int(i));
    labels.add_glyphs(s.labels);
    glBindVertexArray(0);
  }

  Slot& slot(size_t layer) {
    if (!scene || layer >= slots.size())
      throw Error(ErrorKind::Internal, "layer " + std::to_string(layer) + " is not in the scene drawn");
    return slots[layer];
  }
};

MapRenderer::MapRenderer(const std::filesystem::path& shader_dir) : impl_(std::make_unique<Impl>(shader_dir)) {}

MapRenderer::~MapRenderer() = default;

void MapRenderer::set_scene(const Scene& scene, style::Theme theme) {
  Impl& m = *impl_;
  m.scene = &scene;
  m.theme = theme;
  m.slots.clear();
  m.slots.resize(scene.layers.size());
  for (size_t i = 0; i < scene.layers.size(); ++i) {
    m.slots[i].rows = scene.layers[i].shown;
    m.build(i);
  }
}

void MapRenderer::set_rows(size_t layer, std::shared_ptr<const std::vector<uint32_t>> rows) {
  impl_->slot(layer).rows = std::move(rows);
  impl_->build(layer);
}

void MapRenderer::set_fill_colors(size_t layer, std::shared_ptr<const std::vector<style::Color>> colors) {
  impl_->slot(layer).fill_colors = std::move(colors);
  impl_->build(layer);
}

void MapRenderer::set_heatmap(const HeatmapLayer* layer, std::optional<HeatmapParams> params) {
  impl_->heatmap = params ? layer : nullptr;
  impl_->heatmap_params = layer ? std::move(params) : std::nullopt;
}

FrameInfo MapRenderer::draw(const Camera& cam, style::Color bg, int x, int y) {
  Impl& m = *impl_;
  glViewport(x, y, cam.width, cam.height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(x, y, cam.width, cam.height);
  glClearColor(bg.r, bg.g, bg.b, bg.a);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  FrameInfo info;
  if (m.basemap && m.basemap_visible && m.basemap_opacity > 0) m.basemap->draw(m.gl, cam, m.basemap_opacity);
  if (!m.scene) return info;
  const auto& layers = m.scene->layers;
  // The heatmap goes over the areas and streets but under every symbol and label, so those stay readable.
  size_t heat_after = 0;  // drawn before layer `heat_after`
  for (size_t li = 0; li < layers.size(); ++li)
    if (layers[li].style.draw == DrawKind::Fill || layers[li].style.draw == DrawKind::Line) heat_after = li + 1;
  auto draw_heatmap = [&] {
    if (m.heatmap) m.heatmap->draw(cam, *m.heatmap_params, x, y);
  };
  std::vector<LabelRenderer::Layer> labelled;
  for (size_t li = 0; li < layers.size(); ++li) {
    if (li == heat_after) draw_heatmap();
    const SceneLayer& l = layers[li];
    if (!l.visible || !in_zoom_range(l.style, cam.zoom)) continue;
    if (m.heatmap && hidden_under_heatmap(l.style, cam.zoom)) continue;
    Slot& s = m.slots[li];
    s.renderer->draw(m.gl, cam, l.opacity);
    info.clusters += s.renderer->clusters().size();
    labelled.push_back({&s.labels, s.renderer->clusters()});
  }
  if (heat_after == layers.size()) draw_heatmap();
  info.labels_placed = m.labels.draw(m.gl, cam, labelled);
  glBindVertexArray(0);
  return info;
}

void MapRenderer::set_basemap(BasemapFetch fetch) {
  impl_->basemap = fetch ? std::make_unique<BasemapRenderer>(impl_->gl, std::move(fetch)) : nullptr;
}

void MapRenderer::wait_for_basemap() const {
  if (impl_->basemap) impl_->basemap->wait();
}

bool MapRenderer::basemap_fetching() const { return impl_->basemap && impl_->basemap->fetching(); }

void MapRenderer::set_basemap_look(bool visible, float opacity) {
  impl_->basemap_visible = visible;
  impl_->basemap_opacity = opacity;
}

size_t MapRenderer::gpu_bytes() const {
  size_t n = impl_->basemap ? impl_->basemap->gpu_bytes() : 0;
  for (auto& s : impl_->slots) n += s.renderer->gpu_bytes();
  return n;
}

}  // namespace sitmap::render
