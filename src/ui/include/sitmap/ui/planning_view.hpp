// The 规划 workspace (#12): a plan's blocks coloured by their deviation from the target, the summary and each
// block's figures, the problems GEOS finds, and the planner's edits (drag a vertex with snapping, split, merge,
// reshape a shared boundary, a new block in a gap, undo/redo), the diff against the published blocks, publish
// and the rebalance assistant. Every figure and edit comes from services/planning.hpp, which `sitmap plan` and
// `sitmap validate` call too.
#pragma once
#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sitmap/render/camera.hpp"
#include "sitmap/render/tessellate.hpp"
#include "sitmap/services/planning.hpp"

struct ImDrawList;

namespace sitmap::ui {

// Five classes of deviation from the target: 偏少 (< -10 %), 略少, 均衡 (±5 %), 略多, 偏多 (> +10 %).
int deviation_class(double deviation);  // 0..4
uint32_t deviation_color(int cls);      // 0xRRGGBB, a diverging blue-grey-red palette
const char* deviation_label(int cls);

class PlanningView {
 public:
  // Opens the workspace's plans as `who` (a handle of its own: drafts are written as they are edited). The
  // published blocks are shown until a plan is chosen; `plan` picks one at once (screenshots, tests).
  void load(const std::filesystem::path& database, const access::Principal& who, const std::string& plan = {});
  void select_plan(std::string plan);  // "" for the published blocks (a copy: callers pass names from the list it refreshes)
  void set_diff(bool on);
  void select_block(int64_t block_no) { selected_ = block_no; }

  void draw_panel(float x, float y, float w, float h, float scale);
  void draw_map(ImDrawList* dl, const render::Camera& camera, float map_x, float map_y, float scale);
  // Mouse over the map (pixels from the map's corner); true when the planning tools used it, so the map
  // does not pan or pick. Also the keys: Ctrl+Z, Ctrl+Y, Esc.
  bool map_input(const render::Camera& camera, XY mouse, float scale);
  std::optional<BBox> take_fly();  // Web Mercator: a problem or block to zoom to
  bool busy() const { return rebalance_.valid(); }
  std::string glyph_text() const;
  bool glyphs_changed() { return std::exchange(glyphs_changed_, false); }

  // Screenshots of a drag in progress: the draft's vertex nearest `from` (within 5 m) held at `to` (snapped),
  // its block selected and the touched blocks' figures live, as the mouse would leave it. Nothing is saved.
  void preview_drag(XY from, XY to);
  void refresh();

 private:
  enum class Tool { Select, Split, Merge, Reshape, Draw };
  const std::vector<analysis::PlanBlock>& shown() const { return blocks_; }
  void edit(const std::function<std::vector<int>(analysis::BlockTopology&)>& fn);
  int block_at(XY lonlat) const;
  void poll_rebalance();
  void editor_figures();  // blocks, figures and fills from the open draft (a drag's step: no validation)

  std::unique_ptr<services::Workspace> ws_;
  std::unique_ptr<services::PlanSession> session_;
  std::vector<services::PlanInfo> plans_;
  std::string plan_;  // "" = published
  std::string published_block_reason_;
  std::vector<analysis::PlanBlock> blocks_;
  std::vector<analysis::BlockMetrics> metrics_;
  analysis::PlanSummary summary_;
  std::vector<analysis::Problem> problems_;
  std::optional<services::PlanDiff> diff_;
  std::vector<analysis::PlanBlock> published_;
  std::vector<render::Triangles> fills_;
  std::vector<XY> label_at_;  // where each block's number goes (lon/lat)
  bool show_diff_ = false;
  int64_t selected_ = -1;
  Tool tool_ = Tool::Select;
  std::vector<XY> line_;  // the split line being drawn (lon/lat)
  int32_t hover_vertex_ = -1;
  std::optional<analysis::SnapResult> snap_;
  std::optional<BBox> fly_;
  std::string message_;
  std::string new_name_;
  bool glyphs_changed_ = false;
  std::future<services::RebalanceResult> rebalance_;
  std::shared_ptr<std::atomic<double>> progress_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::filesystem::path database_;
  access::Principal who_;
};

}  // namespace sitmap::ui
