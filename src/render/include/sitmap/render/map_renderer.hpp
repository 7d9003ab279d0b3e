// Draws a Scene with OpenGL 3.3: GPU buffers are built once per layer in set_scene() (data, style or theme
// change) and only drawn per frame; labels and clusters, which depend on the view, are recomputed when the
// camera moves. Needs a current GL context.
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

  // Builds every layer's buffers. The scene must outlive the renderer's use of it.
  void set_scene(const Scene& scene, style::Theme theme);
  // Rebuilds only layer `layer`'s buffers, after its `shown` rows or `fill_colors` changed. `scene` is the
  // one given to set_scene.
  void update_layer(const Scene& scene, size_t layer);
  // A heatmap drawn after the last fill or line layer and before point layers and labels, so symbols stay
  // readable over it; null or nullopt switches it off. The layer must outlive the renderer's use of it.
  void set_heatmap(const HeatmapLayer* layer, std::optional<HeatmapParams> params);
  // Draws into the bound framebuffer, in a camera.width x camera.height viewport whose bottom-left corner
  // is (x, y) in GL framebuffer pixels, clearing that rectangle to `background`.
  FrameInfo draw(const Camera& camera, style::Color background, int x = 0, int y = 0);
  // A raster basemap under every layer, re-fetched only when the view needs it (raster_layer.hpp); an empty
  // function removes it. A fetch that throws switches the basemap off with a warning.
  void set_basemap(BasemapFetch fetch);
  void set_basemap_look(bool visible, float opacity);
  size_t gpu_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sitmap::render
