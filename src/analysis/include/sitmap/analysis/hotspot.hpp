// Getis-Ord Gi* hot spot statistics with binary spatial weights, as ArcGIS's Hot Spot Analysis reports them.
//
// Units (grid blocks or the cells of a regular grid) are given by a representative point in ground metres
// (LocalFrame::ground_points) and one value each (a count or a rate).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sitmap/analysis/grid.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

// Neighbour lists in compressed rows: unit i's neighbours are neighbours[offsets[i] .. offsets[i+1]), each
// with its weight. Gi* includes the unit itself (w_ii = 1).
struct SpatialWeights {
  std::vector<size_t> offsets{0};
  std::vector<uint32_t> neighbours;
  std::vector<double> weights;
  size_t size() const { return offsets.size() - 1; }
};

// Each unit's k nearest other units by distance (ties broken by the lower index) and itself, weight 1.
SpatialWeights knn_weights(std::span<const XY> points, int k);
// Every unit within `distance` (inclusive, same units as the points) and itself, weight 1.
SpatialWeights distance_weights(std::span<const XY> points, double distance);

struct GiStar {
  double z = 0;  // Gi* z-score
  double p = 1;  // two-sided p-value from the standard normal
};

// Gi*_i = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1))), with
// x̄ = Σ x / n and S = √(Σ x² / n − x̄²) (Getis & Ord 1995; ArcGIS). When S is 0 (all values equal) or a
// unit's neighbourhood is everything, z is 0 and p is 1. Throws Error(BadInput) for fewer than 3 units,
// non-finite values or weights of another size.
std::vector<GiStar> getis_ord_gi_star(std::span<const double> values, const SpatialWeights& w);

double normal_two_sided_p(double z);

// Benjamini-Hochberg adjusted p-values (q-values): q_(i) = min over k >= i of n·p_(k)/k, at most 1.
// A test is significant at false discovery rate α when q <= α.
std::vector<double> benjamini_hochberg(std::span<const double> p);

enum class HotspotClass { Hot99, Hot95, Hot90, NotSignificant, Cold90, Cold95, Cold99 };
const char* hotspot_class_name(HotspotClass c);  // "hot_99" ... "not_significant" ... "cold_99"
int hotspot_bin(HotspotClass c);                 // ArcGIS's Gi_Bin: 3, 2, 1, 0, -1, -2, -3
// Chinese class names as ArcGIS's Hot Spot Analysis reports them: "热点 99%" ... "不显著" ... "冷点 99%";
// nullopt (a unit without a value) is "无数据".
const char* hotspot_class_label(std::optional<HotspotClass> c);

// Classes by confidence 99/95/90 % (p < 0.01 / 0.05 / 0.10) and the sign of z. With fdr, the p-values are
// first adjusted by Benjamini-Hochberg over all units (ArcGIS's "Apply False Discovery Rate correction").
std::vector<HotspotClass> classify_hotspots(std::span<const GiStar> gi, bool fdr);

// The units of a hot spot analysis as the command line and the window build them (all vectors one per unit).
struct HotspotUnits {
  std::vector<int64_t> ids;
  std::vector<XY> centres;  // Web Mercator metres
  std::vector<int64_t> counts;
  std::vector<double> rates;  // per 100 households; NaN where unknown
};

struct HotspotOptions {
  int knn = 8;            // k nearest units by centre (and the unit itself); 0: use `distance`
  double distance = 0;    // ground metres; used when knn == 0
  bool use_rate = false;  // the statistic's value: rates instead of counts
  bool fdr = false;       // Benjamini-Hochberg correction of the classes
};

struct HotspotRow {
  int64_t id = 0;
  int64_t count = 0;
  double rate = 0;                  // NaN when unknown
  double z = 0, p = 0;              // NaN when the unit has no value
  std::optional<HotspotClass> cls;  // nullopt: no_data
};

// Gi* over the units that have a value (a finite rate with use_rate; every unit for counts), with weights
// from their centres in ground metres (LocalFrame::around the centres); the other units come back with z, p
// NaN and no class. One row per unit, in the units' order. Throws Error(BadInput) for vectors of different
// lengths, bad options or fewer than 3 units with a value.
std::vector<HotspotRow> hotspot_table(const HotspotUnits& units, const HotspotOptions& options);

// Block units: centres are the blocks' centroids in Web Mercator, counts the selected incidents inside each
// block, rates per 100 households. `polygons` (Polygon or MultiPolygon, one per id) are in lon/lat when
// `lonlat` (as stored), else Web Mercator metres; `households` has one value per block (NaN unknown) or is
// empty (rates all unknown). block_of_row gives each incident row's block index or -1 (locate_blocks);
// rows lists the selected rows (nullopt: every entry of block_of_row counts).
HotspotUnits block_hotspot_units(std::span<const int64_t> ids, std::span<const Geometry> polygons, bool lonlat,
                                 std::span<const double> households, std::span<const int32_t> block_of_row,
                                 std::optional<std::span<const uint32_t>> rows = std::nullopt);
// The block index (into polygons) of each listed row of the points x, y (in the polygons' coordinates), -1
// for none; one entry per listed row, or per point when rows is nullopt. Multi-threaded.
std::vector<int32_t> locate_blocks(std::span<const Geometry> polygons, std::span<const double> x,
                                   std::span<const double> y,
                                   std::optional<std::span<const uint32_t>> rows = std::nullopt);

// Grid units: one per cell of `grid` (id = row · nx + col, centre = the cell's centre), counts the selected
// points (Web Mercator x, y; rows as in count_per_unit) in each cell; rates unknown.
HotspotUnits grid_hotspot_units(const GridSpec& grid, std::span<const double> x, std::span<const double> y,
                                std::span<const uint32_t> rows);

}  // namespace sitmap::analysis
