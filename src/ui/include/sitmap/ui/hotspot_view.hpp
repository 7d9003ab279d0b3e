// Hot spot analysis in the 分析 workspace (热点分析): Getis-Ord Gi* by block, counts and rates per 100
// households as a choropleth on the blocks, DBSCAN clusters as hulls with their counts, the table of blocks and
// its export. Every figure and file comes from the services `sitmap hotspots` and `sitmap clusters` call
// (services/hotspots.hpp) on the incidents the analysis filter passes; this class only keeps the settings,
// caches the results and draws them.
// Everything but the draw_* / legend calls works without an ImGui frame, so it is unit-tested headless.
#pragma once
#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/types.hpp"
#include "sitmap/render/camera.hpp"
#include "sitmap/render/scene.hpp"
#include "sitmap/services/hotspots.hpp"
#include "sitmap/style/style.hpp"

struct ImDrawList;
struct ImVec2;

namespace sitmap::ui {

enum class HotspotDisplay { None, Count, Rate, GiStar };  // what colours the blocks
enum class HotspotColumn { Block, Count, Rate, Z, P, Class };

// ArcGIS's hot spot colours: hot 99/95/90 % dark to light red, cold 90/95/99 % light to dark blue; not significant
// is transparent (the map shows through), no data a faint grey.
style::Color hotspot_class_color(std::optional<analysis::HotspotClass> c, style::Theme theme);

// A choropleth of counts or rates in kChoroplethClasses equal classes from 0 to a round maximum at or above the
// largest value (1, 2, 2.5 or 5 × 10^k), so that the legend reads in round numbers.
inline constexpr int kChoroplethClasses = 5;
double choropleth_step(std::span<const double> values);      // class width; 1 when no value is positive
int choropleth_class(double value, double step);             // 0 .. kChoroplethClasses-1; -1 for NaN
style::Color choropleth_color(int cls, style::Theme theme);  // yellow to red (incidents and heat); -1: no data

// Indices of `rows` sorted by a column, NaN and no-data rows last in either direction, ties by block number.
std::vector<size_t> sorted_hotspot_rows(std::span<const analysis::HotspotRow> rows, HotspotColumn column,
                                        bool descending);

struct HotspotSettings {
  HotspotDisplay display = HotspotDisplay::GiStar;
  bool knn = true;  // weights: the k nearest blocks by centroid (and the block itself), else a distance band
  int k = 8;
  double distance_m = 400;  // ground metres
  bool use_rate = false;    // Gi* on counts per 100 households instead of counts
  bool fdr = false;         // false discovery rate correction of the classes
  bool clusters = false;    // DBSCAN hulls on the map
  double eps_m = 40;        // DBSCAN neighbourhood, ground metres
  int min_points = 25;
  bool operator==(const HotspotSettings&) const = default;
};

// Which block the table's row click asks the map to fly to.
struct FlyRequest {
  size_t block_row = 0;  // row of the blocks layer (its snapshot and SceneLayer::world)
  BBox world;            // the block's extent in Web Mercator metres
};

class HotspotView {
 public:
  // Once per data load: the blocks' numbers (block_no), households and polygons, and the incidents' positions,
  // each incident located in its block once. Throws Error naming the layer or field that is missing.
  void set_data(const render::Scene& scene, const std::string& incidents_layer, const std::string& blocks_layer);
  // The incidents passing the analysis filter (analysis::select_rows); results are recomputed lazily.
  void set_rows(std::span<const uint32_t> rows);
  // Settings as the controls edit them (tests and presets set them directly).
  const HotspotSettings& settings() const { return settings_; }
  void set_settings(const HotspotSettings& s);

  // Recomputes what is stale: the table at once (under a millisecond for the demo's 114 blocks); the clusters,
  // when shown, on a worker thread (DBSCAN over 60,000 incidents takes about half a second), keeping the
  // previous hulls until the new ones arrive. Errors of the analysis (too few blocks, bad options) are kept in
  // error() / cluster_error() rather than thrown. draw_controls and map_colors call it.
  void update();
  bool clusters_busy() const { return cluster_job_.valid(); }
  void wait_for_clusters();  // blocks until a running DBSCAN is done and takes its result
  bool has_data() const { return blocks_.has_value(); }
  const std::vector<analysis::HotspotRow>& rows() const { return table_; }  // one per block, in the layer's order
  const std::vector<services::ClusterInfo>& clusters() const { return clusters_.clusters; }
  const std::string& error() const { return error_; }
  const std::string& cluster_error() const { return cluster_error_; }
  // The table's order (indices into rows()) under the current sort, by z descending at first.
  const std::vector<size_t>& order() const { return order_; }
  void sort_by(HotspotColumn column, bool descending);
  // One colour per block for the current display (empty for HotspotDisplay::None or without results).
  std::vector<style::Color> block_colors(style::Theme theme) const;

  // services::write_hotspots: the table as CSV or XLSX by the extension, or the blocks with the same fields as
  // polygons (GeoPackage, GeoJSON or Shapefile, lon/lat); services::write_clusters: the cluster hulls. The same
  // files `sitmap hotspots --out` and `sitmap clusters --out` write. Return the path written; throw Error naming
  // the file (the controls show the message).
  std::filesystem::path export_table(const std::filesystem::path& out, bool overwrite);
  std::filesystem::path export_layer(const std::filesystem::path& out, bool overwrite);
  std::filesystem::path export_clusters(const std::filesystem::path& out, bool overwrite);

  // ImGui widgets of the 热点分析 section of the right panel (the caller draws the heading).
  void draw_controls(float scale);
  // The blocks layer's fill colours for the map (block_colors, null for the style's) as one immutable value:
  // the same pointer while they do not change, so the caller rebuilds the layer (MapRenderer::set_fill_colors)
  // only when the pointer differs. Cheap to call every frame.
  std::shared_ptr<const std::vector<style::Color>> map_colors(style::Theme theme);
  // DBSCAN hulls with their counts and the block picked in the table, over the map rectangle at map_origin.
  void draw_overlay(ImDrawList* dl, const render::Camera& camera, ImVec2 map_origin, float scale) const;
  // Legend entries for what the blocks and hulls show; called inside the legend window.
  void legend(float scale) const;
  // One line on a block for the map's tooltip: "案件数 12 · 每百户 3.40 · z 2.81 · 热点 99%"; empty without results.
  std::string block_summary(size_t block_row) const;
  // A block picked in the table since the last call.
  std::optional<FlyRequest> take_fly_request() { return std::exchange(fly_request_, std::nullopt); }
  // Every string the section may show, for the CJK font atlas.
  std::string glyph_text() const;
  // True once after a message (a written path, an error) may have brought new glyphs: rebuild the atlas.
  bool glyphs_changed() { return std::exchange(glyphs_changed_, false); }

 private:
  void take_clusters();
  void draw_table(float scale);
  void draw_export(float scale);
  std::string weights_text() const;

  // Per data load.
  std::string blocks_layer_;
  std::optional<services::BlockLayer> blocks_;
  std::shared_ptr<const Snapshot> incidents_;
  std::vector<Geometry> world_;  // the blocks in Web Mercator, for the overlay and fly-to

  std::vector<uint32_t> rows_;
  bool all_rows_ = true;             // no set_rows yet: every incident counts
  HotspotSettings settings_, edit_;  // applied, and as the controls hold them before release
  bool table_stale_ = true, clusters_stale_ = true;
  std::vector<analysis::HotspotRow> table_;
  services::Clusters clusters_;
  int64_t clustered_ = 0;  // points in clusters
  std::future<services::Clusters> cluster_job_;
  std::string error_, cluster_error_;
  HotspotColumn sort_column_ = HotspotColumn::Z;
  bool sort_descending_ = true;
  std::vector<size_t> order_;

  // What map_colors last computed, so unchanged frames cost nothing.
  uint64_t results_version_ = 0, applied_version_ = ~0ull;
  HotspotDisplay applied_display_ = HotspotDisplay::None;
  style::Theme theme_ = style::Theme::Dark, applied_theme_ = style::Theme::Dark;
  bool applied_theme_set_ = false;
  std::shared_ptr<const std::vector<style::Color>> map_colors_;

  std::optional<size_t> picked_;  // block row chosen in the table
  std::optional<FlyRequest> fly_request_;
  std::string out_ = "热点分析", message_;
  int table_format_ = 0;  // 0 CSV, 1 XLSX
  bool overwrite_ = false, message_ok_ = false, glyphs_changed_ = false;
};

}  // namespace sitmap::ui
