// Draws a Scene with OpenGL 3.3 through one renderer per layer kind (fill, line, symbol; labels, heatmap
// and basemap apart). Each layer's renderer builds its GPU buffers once from an immutable input (the
// layer's snapshot, style and world geometry, the rows shown, fill colours overriding the style's) and is
// replaced whole when one of them changes; per frame only the view-dependent parts (labels, clusters) are
// recomputed. Needs a current GL context; creates none.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "sitmap/render/camera.hpp"
#include "sitmap/render/heatmap.hpp"
#include "sitmap/render/raster_layer.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::render {

struct FrameInfo {
  size_t labels_placed = 0;
  size_t clusters = 0;
};

class MapRenderer {
 public:
  // Loads the programs in `shader_dir` and the CJK font; throws Error naming the file on failure.
  explicit MapRenderer(const std::filesystem::path& shader_dir);
  ~MapRenderer();
  MapRenderer(const MapRenderer&) = delete;
  MapRenderer& operator=(const MapRenderer&) = delete;

  // Builds every layer's renderer, with the rows in each layer's `shown` and the style's colours. The scene
  // must outlive the renderer's use of it: its layers' visibility and opacity are read every frame.
  void set_scene(const Scene& scene, style::Theme theme);
  // New rows shown for layer `layer` (ascending; null: every row): rebuilds that layer's renderer only. Pass
  // the same value as the layer's SceneLayer::shown, so picking and tooltips see the rows drawn.
  void set_rows(size_t layer, std::shared_ptr<const std::vector<uint32_t>> rows);
  // Per-row fill colours of layer `layer` overriding its style's (one per row; null: the style's):
  // rebuilds that layer's renderer only. set_scene starts every layer with its style's colours.
  void set_fill_colors(size_t layer, std::shared_ptr<const std::vector<style::Color>> colors);
  // A heatmap drawn after the last fill or line layer and before point layers and labels, so symbols stay
  // readable over it; null or nullopt switches it off. The layer must outlive the renderer's use of it.
  void set_heatmap(const HeatmapLayer* layer, std::optional<HeatmapParams> params);
  // Draws into the bound framebuffer, in a camera.width x camera.height viewport whose bottom-left corner
  // is (x, y) in GL framebuffer pixels, clearing that rectangle to `background`.
  FrameInfo draw(const Camera& camera, style::Color background, int x = 0, int y = 0);
  // A raster basemap under every layer, re-fetched only when the view needs it (raster_layer.hpp), on a
  // worker thread: `fetch` is called there, one call at a time, and the map keeps the previous image until
  // the new one has arrived. An empty function removes it. A fetch that throws switches the basemap off with
  // a warning.
  void set_basemap(BasemapFetch fetch);
  // Blocks until a basemap fetch in flight has arrived, so the next draw() shows it (screenshots and
  // benchmarks, which draw a frame or two).
  void wait_for_basemap() const;
  bool basemap_fetching() const;  // a fetch in flight: the window draws again until it has arrived
  void set_basemap_look(bool visible, float opacity);
  size_t gpu_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sitmap::render
