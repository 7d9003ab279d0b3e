// The offsets of Chinese web maps. GCJ-02 ("Mars coordinates": Amap, Tencent) is WGS84 shifted by a
// published, non-invertible formula; BD-09 (Baidu) is a further shift of GCJ-02. Files digitised on those
// maps carry the shift and must be brought back to WGS84 before they meet anything else.
#pragma once
#include <optional>
#include <string_view>

#include "sitmap/core/types.hpp"

namespace sitmap::io {

enum class MapOffset { None, Gcj02, Bd09 };
const char* map_offset_name(MapOffset o);                          // "none", "gcj02", "bd09"
std::optional<MapOffset> parse_map_offset(std::string_view name);  // case-insensitive; "" and "none" are None

// Outside China's bounding box the web maps apply no shift, and neither do these functions.
XY wgs84_to_gcj02(XY lonlat);
XY gcj02_to_bd09(XY lonlat);
XY bd09_to_gcj02(XY lonlat);  // closed form; the forward's own inverse to about 1e-6 degrees
XY wgs84_to_bd09(XY lonlat);

// Iterative inverses: they solve forward(x) = p to 1e-10 degrees (well under a millimetre).
XY gcj02_to_wgs84(XY lonlat);
XY bd09_to_wgs84(XY lonlat);

// WGS84 -> offset coordinates, and back; None is the identity.
XY apply_offset(MapOffset o, XY wgs84);
XY remove_offset(MapOffset o, XY shifted);
void apply_offset(MapOffset o, Geometry& g);
void remove_offset(MapOffset o, Geometry& g);

}  // namespace sitmap::io
