// The packed copy of a point layer: its whole snapshot (ids, lon/lat, Web Mercator x/y, typed columns,
// parsed times) as a few arrays, kept in the workspace beside the layer so that loading a million points
// costs little more than reading the arrays. Plain bytes here; the store decides where they live.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/snapshot.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::store::detail {

// Parts are named "header", "ids", "lon", "lat", "x", "y", "column:<field>" and "time:<field>".
using PartWriter = std::function<void(std::string_view part, std::span<const uint8_t> bytes)>;

// Calls `write` with each part of `snap`, a whole point layer as load_snapshot builds it, one at a time (a
// part need not outlive the call). Text fields whose first value is a time get their parsed seconds too.
// `stamp` names what x/y were computed with (the PROJ version): a copy made with another is not used.
void pack_snapshot(const Snapshot& snap, std::string_view stamp, const PartWriter& write);

// Reads one part into the bytes `into(size)` returns for the part's size; false when the part is missing.
// `into` may throw, and the reader lets it pass.
using PartInto = std::function<std::span<uint8_t>(size_t size)>;
using PartReader = std::function<bool(std::string_view part, const PartInto& into)>;

// Fills the rows of `snap` (info, the wanted columns' definitions and time_field set as read_columns sets
// them) from a packed copy of a layer with `layer_fields`; lon/lat and ids only when `wanted` asks for them.
// False, leaving the rows as they were, when the copy does not fit: another format or stamp, other fields, a
// missing or truncated part, or a time field that is not text.
bool unpack_snapshot(Snapshot& snap, const std::vector<FieldDef>& layer_fields, std::string_view stamp,
                     const ColumnRead& wanted, const PartReader& read);

}  // namespace sitmap::store::detail
