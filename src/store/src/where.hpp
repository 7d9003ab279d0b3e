// The restricted filter language of Query::where, compiled to an SQL fragment for the layer's table.
#pragma once
#include <string>

#include "sitmap/core/types.hpp"

namespace sitmap::store::detail {

// Throws Error(BadInput) naming the offending token and the layer.
std::string compile_where(const std::string& expression, const LayerInfo& layer);

}  // namespace sitmap::store::detail
