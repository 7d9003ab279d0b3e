// Point clusters by DBSCAN, with each cluster's convex hull. Coordinates and eps in ground metres
// (LocalFrame::ground_points); hulls come back in the same coordinates.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

struct Cluster {
  int64_t count = 0;
  XY centroid;
  std::vector<XY> hull;  // counter-clockwise, closed (first == last); fewer points when all are collinear
};

struct DbscanResult {
  std::vector<int32_t> labels;  // per point: the cluster index, or -1 for noise
  std::vector<Cluster> clusters;
};

// A point with at least min_points points within eps (itself included) is a core point; clusters are the
// core points linked through eps and the border points they reach. Clusters are numbered in the order of
// their lowest-indexed core point; a border point reachable from two clusters joins the first.
DbscanResult dbscan(std::span<const XY> points, double eps, int min_points);

// Andrew's monotone chain; closed ring, counter-clockwise.
std::vector<XY> convex_hull(std::vector<XY> points);

}  // namespace sitmap::analysis
