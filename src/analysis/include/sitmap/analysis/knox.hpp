// Knox test for near repeats (as in the Near Repeat Calculator): are pairs of incidents close in space also
// close in time more often than chance? Chance is simulated by shuffling the times over the places (Monte
// Carlo, seeded, so a run can be repeated exactly).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::analysis {

struct KnoxOptions {
  std::vector<double>
      space_bands;  // upper edges, ascending, ground metres: band k is (edge[k-1], edge[k]], band 0 from 0
  std::vector<int64_t> time_bands;  // upper edges, ascending, seconds, the same way
  int permutations = 999;
  uint64_t seed = 1;
  int threads = 0;
};

struct KnoxResult {
  size_t space_count = 0, time_count = 0;
  // space_count × time_count tables, row-major by space band.
  std::vector<int64_t> observed;  // pairs in each space band and time band
  std::vector<double> expected;   // mean over the permutations
  std::vector<double> ratio;      // observed / expected (the Knox ratio); NaN when expected is 0
  std::vector<double> p;          // (1 + permutations with at least as many pairs) / (1 + permutations)
  size_t index(size_t s, size_t t) const { return s * time_count + t; }
};

// points in ground metres, times in seconds (rows with no time, INT64_MIN, are left out).
KnoxResult knox_test(std::span<const XY> points, std::span<const int64_t> times, const KnoxOptions& options);

}  // namespace sitmap::analysis
