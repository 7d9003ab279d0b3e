// Getis-Ord Gi* hot spot statistics with binary spatial weights, as ArcGIS's Hot Spot Analysis reports them.
//
// Units (grid blocks or the cells of a regular grid) are given by a representative point in ground metres
// (LocalFrame::ground_points) and one value each (a count or a rate).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

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

// Classes by confidence 99/95/90 % (p < 0.01 / 0.05 / 0.10) and the sign of z. With fdr, the p-values are
// first adjusted by Benjamini-Hochberg over all units (ArcGIS's "Apply False Discovery Rate correction").
std::vector<HotspotClass> classify_hotspots(std::span<const GiStar> gi, bool fdr);

}  // namespace sitmap::analysis
