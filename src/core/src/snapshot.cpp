#include "sitmap/core/snapshot.hpp"

namespace sitmap {

std::string Column::text(size_t row) const {
  if (!valid[row]) return {};
  switch (def.type) {
    case FieldType::Integer: return std::to_string(ints[row]);
    case FieldType::Real: return value_to_string(reals[row]);
    case FieldType::Text: return texts[row];
  }
  return {};
}

const Column* Snapshot::column(std::string_view name) const {
  for (auto& c : columns)
    if (c.def.name == name) return &c;
  return nullptr;
}

}  // namespace sitmap
