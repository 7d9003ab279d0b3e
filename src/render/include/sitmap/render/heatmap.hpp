// The heatmap layer on the GPU: kernel density in ground metres, recomputed for every frame from the points
// (no cached raster), so it follows pan, zoom and filter changes at once and never shows pixels.
//
// Pass 1 splats each point's kernel (analysis::Kernel, radius in ground metres, normalised to integrate to
// the point's weight) additively into a single-channel float framebuffer the size of the map; pass 2
// colours that density through a ramp, transparent at zero. The point attributes the incident filter reads
// (analysis::IncidentTable) are uploaded once in set_points(); the filter is applied in the vertex shader,
// so changing it changes only uniforms. analysis::kernel_density is the reference: tests read the density
// back (read_density) and compare it with the CPU surface on the same grid.
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/analysis/kde.hpp"
#include "sitmap/core/types.hpp"
#include "sitmap/render/camera.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::render {

struct HeatmapParams {
  analysis::Kernel kernel = analysis::Kernel::Quartic;
  double radius = 100;              // ground metres: the support radius, or σ for the Gaussian
  analysis::IncidentFilter filter;  // which points count
  bool weighted = false;            // use the weights given to set_points (else each point counts 1)
  // Colours from zero density to `scale_max` and above (values per km²); zero itself is transparent and the
  // opacity ramps in over the lowest fifth of the scale, so thin tails never wash over the district. Empty:
  // the incident colours, yellow → orange → red. At most kMaxRampColors entries are used.
  std::vector<style::Color> ramp;
  double scale_max = 1;
  float opacity = 0.85f;
  // Difference mode (two periods compared): points passing `minus` count negatively, and the colour pass
  // maps −scale_max .. 0 .. scale_max through `falling` (reversed: strongest fall at the end) .. transparent
  // .. `ramp`, so rising density shows in red and falling in blue.
  std::optional<analysis::IncidentFilter> minus;
  std::vector<style::Color> falling;  // empty: light to deep blue
  // Zoomed far out a kernel narrower than a few pixels would fall between pixel centres and flicker while
  // panning; its reach is widened to at least this many pixels (mass kept), so such views are smoother than
  // `radius` asks. Tests comparing with the CPU surface use views where this does not apply.
  double min_reach_px = 2;
  // Zoomed in, a kernel spanning hundreds of pixels costs its area in fragments per point (a million points
  // at 70 px reach are 2e10 fragments). The density is smooth at the kernel's scale, so draw() evaluates it
  // on a grid coarse enough that the reach spans at most this many of its cells and interpolates bilinearly
  // (error about (1/max_reach_px)²/2 of a single kernel's peak); 0: every screen pixel. read_density is
  // always per screen pixel.
  double max_reach_px = 12;
};

inline constexpr size_t kMaxRampColors = 16;

class HeatmapLayer {
 public:
  // Loads heat_splat.* and heat_color.* from `shader_dir`; throws Error naming the file. Needs a GL context.
  explicit HeatmapLayer(const std::filesystem::path& shader_dir);
  ~HeatmapLayer();
  HeatmapLayer(const HeatmapLayer&) = delete;
  HeatmapLayer& operator=(const HeatmapLayer&) = delete;

  // x, y in Web Mercator metres, one entry per row of `table`; weights empty or one per row (NaN: left out
  // when weighted). Positions are stored relative to `origin` so that floats stay precise.
  void set_points(std::span<const double> x, std::span<const double> y, std::span<const double> weights,
                  const analysis::IncidentTable& table, XY origin);
  size_t size() const;

  // Draws over the bound framebuffer's viewport (camera.width × camera.height at (x, y), GL pixels),
  // blending with what is there. The float framebuffer is kept between frames (re-made on a size change);
  // the caller's framebuffer binding, viewport, blend and scissor state are restored. Throws Error(BadInput) for
  // a non-positive radius or scale_max.
  void draw(const Camera& camera, const HeatmapParams& params, int x = 0, int y = 0) const;
  // The density (per km² of ground) at the centre of each pixel of the camera's view, row 0 at the top,
  // evaluated exactly there (max_reach_px does not apply).
  std::vector<float> read_density(const Camera& camera, const HeatmapParams& params) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sitmap::render
