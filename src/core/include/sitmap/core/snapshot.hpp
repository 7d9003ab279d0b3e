// An immutable, columnar copy of one layer, built once per load or data change and shared read-only
// (std::shared_ptr<const Snapshot>) by worker threads, the UI and the renderer. Nothing re-reads the
// store per frame. Plain columns, so every module can read it; the store builds it (store/snapshot.hpp).
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap {

struct Column {
  FieldDef def;
  std::vector<int64_t> ints;        // FieldType::Integer
  std::vector<double> reals;        // FieldType::Real
  std::vector<std::string> texts;   // FieldType::Text
  std::vector<uint8_t> valid;       // 1 where the value is not null

  // Numeric value of a row (integers widened); NaN when null or text.
  double number(size_t row) const {
    if (!valid[row]) return std::nan("");
    if (def.type == FieldType::Integer) return static_cast<double>(ints[row]);
    if (def.type == FieldType::Real) return reals[row];
    return std::nan("");
  }
  std::string text(size_t row) const;  // any type as text; "" when null
};

struct Snapshot {
  LayerInfo info;
  std::vector<int64_t> ids;          // empty when the reader asked for none (store::SnapshotOptions::ids)
  std::vector<Geometry> geometries;  // lon/lat; empty for point layers (use lon/lat/x/y)
  std::vector<double> lon, lat;      // the point, or a representative point inside the feature; empty when
                                     // the reader asked for x/y only (store::SnapshotOptions::lonlat)
  std::vector<double> x, y;          // the same in Web Mercator metres (EPSG:3857)
  std::vector<int64_t> time;         // seconds (core/time.hpp) from `time_field`; empty when none; INT64_MIN if unparsable
  std::string time_field;
  std::vector<Column> columns;       // parallel to info.fields

  size_t size() const { return ids.empty() ? x.size() : ids.size(); }  // ids may be left out, x never is
  const Column* column(std::string_view name) const;
};

}  // namespace sitmap
