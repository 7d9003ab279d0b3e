// Filling a Snapshot's typed columns, shared by the store's reads and snapshots built from features.
#pragma once
#include "sitmap/core/snapshot.hpp"

namespace sitmap::store::detail {

// A value as a Column stores it, whatever the source holds (its type may differ from the declared one):
// integers and reals convert, text in a numeric column is 0 but not null, numbers in a text column are
// their decimal text.
void append_value(Column& c, const Value& v);

}  // namespace sitmap::store::detail
