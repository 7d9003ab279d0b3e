// ISO/OGC well-known binary, the neutral geometry encoding between modules and stores
// (SpatiaLite converts with GeomFromWKB/AsBinary; PostGIS speaks it natively).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap {

std::vector<uint8_t> to_wkb(const Geometry& g);   // little-endian, 2D
Geometry from_wkb(std::span<const uint8_t> wkb);  // throws Error(BadInput); Z/M are dropped

}  // namespace sitmap
