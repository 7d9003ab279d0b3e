// Grid-block planning: a shared-edge topology of the blocks, the edits a planner makes on it, the figures of
// each block (households, compactness, deviation from the target) and the checks of a plan with GEOS.
//
// Coordinates are lon/lat as stored, so a block that no edit touched is written back bit for bit; lengths,
// areas and tolerances are in metres through a local equirectangular scale (LocalMetres), whose error over
// a 2 km sub-district is far below a metre.
//
// Topology: every corner of every block is one vertex, shared by all blocks that have it (exactly equal or
// within the build tolerance, and a corner lying on another block's side is inserted into that side), and a
// block is a counter-clockwise ring of vertex ids. Moving a shared vertex therefore moves it in every block
// that has it, and an edit that keeps each ring simple can open no gap and make no overlap. Each segment
// knows the block on its left and on its right (edges()).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

// Metres per degree around a latitude.
struct LocalMetres {
  double kx = 1, ky = 1;
  static LocalMetres at(double lat_deg);
  double distance(XY a, XY b) const;
};

// One block of a plan as the store keeps it.
struct PlanBlock {
  int64_t block_no = 0;
  std::string leader;  // empty for a new block until one is named
  Geometry polygon;    // Polygon, lon/lat
};

// Door plates (the addresses layer): position, households, compound (index, -1 for none).
struct AddressPoints {
  std::vector<XY> at;
  std::vector<int64_t> households;
  std::vector<int32_t> compound;
  std::vector<std::string> compound_names;  // by compound index
};

struct BlockMetrics {
  int64_t block_no = 0;
  int64_t households = 0;
  int64_t addresses = 0;
  double area_m2 = 0;
  double perimeter_m = 0;
  double compactness = 0;     // Polsby-Popper 4πA/P²: 1 for a circle, about 0.785 for a square
  double deviation = 0;       // households / target - 1
  int64_t compounds_split = 0;  // compounds with door plates both in this block and in another
};

struct PlanSummary {
  int64_t blocks = 0, within = 0;  // blocks, and those within ±tolerance of the target
  int64_t households = 0;          // in some block
  int64_t unassigned = 0;          // door plates in no block
  double worst_deviation = 0;      // largest |deviation|
};

inline constexpr double kDefaultTarget = 250;
inline constexpr double kBalanceTolerance = 0.10;

// Figures of every block (in the given order). Door plates go to blocks by PolygonLocator's half-open rule,
// as every count in sitmap does. block_of (optional out) receives each door plate's block index or -1.
std::vector<BlockMetrics> block_metrics(std::span<const PlanBlock> blocks, const AddressPoints& addresses,
                                        double target = kDefaultTarget, std::vector<int32_t>* block_of = nullptr);
PlanSummary summarize(std::span<const BlockMetrics> metrics, int64_t unassigned,
                      double tolerance = kBalanceTolerance);

enum class ProblemType { Invalid, Overlap, Gap, Outside };
const char* problem_type_name(ProblemType t);      // "invalid", "overlap", "gap", "outside"
const char* problem_type_title_zh(ProblemType t);  // 无效几何, 重叠, 缝隙, 越界

struct Problem {
  ProblemType type = ProblemType::Invalid;
  std::vector<int64_t> blocks;  // block numbers involved (sorted)
  XY location;                  // a point inside the problem area (lon/lat)
  BBox extent;                  // of the problem area, for zooming to it
  double area_m2 = 0;
  std::string detail;           // GEOS's reason for invalid geometry
};

// Problems smaller than this are floating-point slivers of shared edges, not planning errors.
inline constexpr double kMinProblemArea = 0.05;  // m²

// Invalid blocks, overlaps between blocks, gaps inside `boundary` (when given) and area outside it, with GEOS.
std::vector<Problem> validate_blocks(std::span<const PlanBlock> blocks, const std::optional<Geometry>& boundary);

// Rebalancing: the blocks cut into units, the Voronoi cells of their door plates clipped to the block (a block
// without plates is one unit), and a local search that moves whole units between neighbouring blocks, the
// move that most reduces Σ max(0, |deviation| - tolerance)² + 0.01·deviation² first (shorter new boundary
// breaking ties), never one that leaves a block in pieces, until every block is within tolerance or no move
// helps. Blocks no move touched keep their polygons exactly; the others become the union of their units.
struct RebalanceOptions {
  double target = kDefaultTarget;
  double tolerance = kBalanceTolerance;
};
struct RebalanceOutcome {
  std::vector<PlanBlock> blocks;  // in the input's order
  int64_t moves = 0;              // units moved
  int64_t units = 0;
  bool balanced = false;          // every block within tolerance
};
// progress gets 0..1 (share of the initial excess removed); a set cancel flag throws Error(Cancelled).
RebalanceOutcome rebalance_blocks(std::span<const PlanBlock> blocks, const AddressPoints& addresses,
                                  const RebalanceOptions& options, const std::function<void(double)>& progress = {},
                                  const std::atomic<bool>* cancel = nullptr);

// What snapping may hold on to, besides the plan's own vertices and sides.
enum class SnapKind { None, Vertex, Edge, Line };
struct SnapResult {
  SnapKind kind = SnapKind::None;
  XY at;                 // the snapped point (the input point when None)
  int32_t vertex = -1;   // Vertex: the topology's vertex
  int32_t a = -1, b = -1;  // Edge: the segment's vertices
  double distance_m = 0;
};

class BlockTopology;

// Street centrelines and compound or building outlines (lines and polygon rings, lon/lat), indexed once.
class SnapTargets {
 public:
  SnapTargets() = default;
  explicit SnapTargets(std::span<const Geometry> geometries);
  // The nearest vertex within tolerance, else the nearest point on a line.
  std::optional<XY> nearest(XY p, double tolerance_m, const LocalMetres& m) const;
  size_t segments() const { return segs_.size(); }

 private:
  struct Seg {
    XY a, b;
  };
  std::vector<Seg> segs_;
  BBox extent_;
  double cell_ = 1;
  int gx_ = 0, gy_ = 0;
  std::vector<std::vector<int32_t>> buckets_;
};

class BlockTopology {
 public:
  struct Face {
    int64_t block_no = 0;
    std::string leader;
    std::vector<int32_t> ring;  // vertex ids, counter-clockwise, not closed
  };
  struct Edge {
    int32_t a = -1, b = -1;        // a < b
    int32_t left = -1, right = -1;  // face indices on each side of a→b, -1 for none
  };

  BlockTopology() = default;
  // Throws Error(BadInput) naming the block for one that is not a single polygon without holes.
  static BlockTopology build(std::span<const PlanBlock> blocks, double tolerance_m = 0.01);

  const std::vector<XY>& vertices() const { return vertices_; }
  const std::vector<Face>& faces() const { return faces_; }
  const LocalMetres& metres() const { return metres_; }
  int face_index(int64_t block_no) const;      // -1 when absent
  std::vector<Edge> edges() const;
  std::vector<int> faces_of_vertex(int32_t v) const;
  Geometry face_polygon(size_t face) const;
  std::vector<PlanBlock> blocks() const;  // in face order
  int64_t next_block_no() const;

  // Snapping for an edit: the nearest vertex (other than `except`) within tolerance, else the nearest point
  // on a side (not one ending at `except`), else on `targets`.
  SnapResult snap(XY p, double tolerance_m, const SnapTargets* targets = nullptr, int32_t except = -1) const;
  // The vertex nearest to p within tolerance, -1 for none.
  int32_t vertex_near(XY p, double tolerance_m) const;

  // Edits. Each throws Error(BadInput) with the reason when it cannot be made, leaving the topology as it
  // was, and returns the indices of the faces it changed (after the edit).
  std::vector<int> move_vertex(int32_t v, XY to);
  // A new vertex at p on segment a-b (in every block that has the segment); returns its id.
  int32_t add_vertex(int32_t a, int32_t b, XY p);
  std::vector<int> delete_vertex(int32_t v);
  // Cuts a block in two along a line crossing its boundary twice; the new part gets next_block_no().
  std::vector<int> split(int64_t block_no, std::span<const XY> line);
  // Joins two blocks sharing one stretch of boundary; the result keeps the first one's number and leader.
  std::vector<int> merge(int64_t keep, int64_t absorb);
  // A new block from a drawn ring (in a gap: it may share sides with blocks but not overlap them).
  std::vector<int> add_block(std::span<const XY> ring, int64_t block_no, std::string leader);
  // Replaces the stretch of boundary between the line's ends that two blocks share with the line, so the
  // area between them changes sides. Both ends must lie on that shared boundary.
  std::vector<int> reshape(std::span<const XY> line);

 private:
  int32_t add_point(XY p);
  int32_t on_boundary_vertex(XY p, double tolerance_m, const std::vector<int32_t>& ring);
  void check_faces(std::span<const int> faces, const char* what) const;
  std::vector<int> faces_on_segment(int32_t a, int32_t b) const;

  std::vector<XY> vertices_;
  std::vector<Face> faces_;
  LocalMetres metres_;
  double tolerance_m_ = 0.01;
};

// A plan being edited: the topology, the figures of every block kept up to date, and undo/redo.
// Every edit is one step on the undo stack; a drag (begin_drag, drag_to..., end_drag) is one step, and
// cancel_drag puts the vertex back.
class PlanEditor {
 public:
  PlanEditor(BlockTopology topology, AddressPoints addresses, double target = kDefaultTarget);

  const BlockTopology& topology() const { return topo_; }
  const std::vector<BlockMetrics>& metrics() const { return metrics_; }  // parallel to topology().faces()
  const AddressPoints& addresses() const { return addresses_; }
  const std::vector<int32_t>& block_of() const { return block_of_; }  // each door plate's face or -1
  double target() const { return target_; }
  PlanSummary summary() const;

  // Runs an edit of the topology as one undoable step and updates the figures of the faces it returns.
  void apply(const std::function<std::vector<int>(BlockTopology&)>& edit);

  void begin_drag(int32_t vertex);
  // Moves the dragged vertex; only its blocks' figures are recomputed. Throws like move_vertex.
  void drag_to(XY p);
  void end_drag();
  void cancel_drag();
  bool dragging() const { return drag_vertex_ >= 0; }

  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  bool undo();
  bool redo();

 private:
  void recompute_all();
  void recompute(std::span<const int> faces, const BBox& region);

  BlockTopology topo_;
  AddressPoints addresses_;
  double target_;
  std::vector<BlockMetrics> metrics_;
  std::vector<int32_t> block_of_;
  std::vector<BlockTopology> undo_, redo_;
  int32_t drag_vertex_ = -1;
  std::optional<BlockTopology> drag_start_;
};

}  // namespace sitmap::analysis
