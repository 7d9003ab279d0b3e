// Shared by the cases' sources: the door plates prepared once for many look-ups.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "sitmap/services/cases.hpp"

namespace sitmap::services::detail {

class DoorPlates {
 public:
  explicit DoorPlates(const Workspace& ws);  // Error(NotFound) without an `addresses` layer
  DoorPlate geocode(std::string_view text) const;
  std::vector<DoorPlate> candidates(std::string_view text, size_t limit) const;
  DoorPlate nearest(XY lonlat) const;

 private:
  std::vector<DoorPlate> plates_;
  std::vector<std::u32string> keys_;  // normalised, as code points
  std::unordered_map<std::string, size_t> exact_;
};

}  // namespace sitmap::services::detail
