// What the map shows, prepared once per data or style load from snapshots the caller read (the window reads
// them through services: render never sees the store): each layer's rows with their geometry in Web
// Mercator, plus the derived figures (colours, counts per block, clusters, picking). GL-free, so it is
// unit-tested; the GL renderer (map_renderer.hpp) turns a Scene into GPU buffers.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sitmap/analysis/filter.hpp"
#include "sitmap/core/snapshot.hpp"
#include "sitmap/core/types.hpp"
#include "sitmap/render/camera.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::render {

struct SceneLayer {
  style::LayerStyle style;
  std::shared_ptr<const Snapshot> data;  // null for a counts layer (its rows never reach the map)
  std::vector<Geometry> world;           // lines and polygons in EPSG:3857 metres
  BBox extent;                           // EPSG:3857
  int64_t dimmed = 0;                    // rows drawn dimmed (e.g. offline cameras)
  // Counts layers: per feature of the `counts_per` layer, its anchor and how many points fall in it.
  std::vector<XY> count_anchors;
  std::vector<int64_t> counts;
  int64_t total = 0;  // rows in the source table
  // The stored layer kind keeps it off the briefing screen and its attributes out of details and tooltips
  // (access::may_show_in_briefing); the layer list marks it 受限. Set by whoever read the layer.
  bool restricted = false;
  bool visible = true;
  float opacity = 1;
  // Rows passing the incident filter, ascending (analysis::select_rows); null: every row. The layer draws
  // and picks only these. Replaced whole, never edited, with the same value given to MapRenderer::set_rows.
  std::shared_ptr<const std::vector<uint32_t>> shown;

  size_t size() const { return data ? data->size() : counts.size(); }
  bool row_shown(size_t row) const;  // binary search in `shown`
};

struct Scene {
  std::vector<SceneLayer> layers;  // bottom to top
  BBox extent;                     // of all layers, EPSG:3857
  XY origin;                       // GPU vertices are stored relative to this point (floats stay precise)
  const SceneLayer* find(std::string_view name) const;
  SceneLayer* find(std::string_view name);
};

// A layer drawn from its rows: lines and polygons projected to Web Mercator once, its extent and the rows
// drawn dimmed.
SceneLayer make_layer(style::LayerStyle style, std::shared_ptr<const Snapshot> data);
// A layer drawn only as counts per polygon (a sensitive layer, none of whose rows reach the map): counts[i]
// points fall in row i of `polygons` (anchored at its x, y); `total` rows in all.
SceneLayer make_counts_layer(style::LayerStyle style, const Snapshot& polygons, std::vector<int64_t> counts,
                             int64_t total);
// The layers bottom to top, with the extent of them all and the origin GPU vertices are relative to.
Scene make_scene(std::vector<SceneLayer> layers);

// Colour and width of one feature under its style; `fill_colors` (one per row: choropleths such as Gi*
// classes or rates per block), when given, override the style's colour.
style::Color feature_color(const SceneLayer& layer, size_t row, style::Theme theme,
                           const std::vector<style::Color>* fill_colors = nullptr);
float feature_width(const SceneLayer& layer, size_t row);
bool feature_dimmed(const SceneLayer& layer, size_t row);

// Points merged per screen-grid cell (anchored to world multiples so clusters do not shimmer while panning).
struct Cluster {
  XY world;  // mean position
  int64_t count;
  size_t first;  // a member row
  BBox extent;   // of its members
};
// The diameter a cluster of `count` points is drawn with (a lone point: the style's symbol size), in pixels.
float cluster_diameter_px(const style::LayerStyle& style, int64_t count);
// `only`: just these rows (ascending, as SceneLayer::shown); null: all.
std::vector<Cluster> screen_grid_clusters(const Snapshot& points, const Camera& camera, float cell_px,
                                          const std::vector<uint32_t>* only = nullptr);

// The top-most visible feature under a screen point, within `tolerance_px` for points and lines; rows
// hidden by a layer's `shown` are never picked.
struct Pick {
  size_t layer;
  size_t row;
};
std::optional<Pick> pick(const Scene& scene, const Camera& camera, XY screen, double tolerance_px = 4);
// The cluster drawn under a screen point, top-most visible clustered layer first: clicking it zooms to what it
// holds (its members' extent), since a cluster is no feature to describe. With the heatmap on, clusters it
// hides (hidden_under_heatmap) are not there to be picked.
struct ClusterPick {
  size_t layer;
  Cluster cluster;
};
std::optional<ClusterPick> pick_cluster(const Scene& scene, const Camera& camera, XY screen, bool heatmap_on,
                                        double tolerance_px = 2);
bool in_zoom_range(const style::LayerStyle& s, double zoom);

// What of a layer is drawn at a zoom, so the renderer, picking and the legend agree. A feature's own minimum zoom
// (its category's, e.g. closed cases only close up), 0 when it has none:
double feature_min_zoom(const SceneLayer& layer, size_t row);
bool draws_clusters(const style::LayerStyle& s, double zoom);  // a cluster layer below its cluster zoom
// A cluster layer's clusters give way to a heatmap (style cluster.under_heatmap = false).
bool hidden_under_heatmap(const style::LayerStyle& s, double zoom);
bool draws_wedges(const style::LayerStyle& s, double zoom);
// The colour of a cluster of `count` points under the style's cluster classes.
style::Color cluster_color(const style::LayerStyle& s, int64_t count, style::Theme theme);
// The index of the ramp class a value falls in (style ramp_classes), for colours and the legend.
size_t ramp_class(const style::LayerStyle& s, double value);

// A value as a person reads it: "—" for none, the style's label for a coded value (在线 for online 1), times
// as "2026-04-20 10:25".
std::string display_value(const style::LayerStyle& style, const Column& column, size_t row);
// "name: value" lines of a feature for the details panel and tooltips (never for counts or restricted layers).
std::vector<std::pair<std::string, std::string>> feature_attributes(const SceneLayer& layer, size_t row);
std::string feature_title(const SceneLayer& layer, size_t row);

// What the incident filter reads from a point layer (its times, the `category` text field, the numeric
// `severity` field), and the severities as numbers for weighting: NaN where missing, empty without the field.
struct IncidentColumns {
  analysis::IncidentTable table;
  std::vector<double> severity;
};
IncidentColumns incident_columns(const Snapshot& points);

}  // namespace sitmap::render
