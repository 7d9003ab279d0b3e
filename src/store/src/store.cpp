#include "sitmap/store/store.hpp"

#include "sitmap/core/error.hpp"

namespace sitmap::store {

LayerInfo Store::layer(std::string_view name) const {
  auto found = find_layer(name);
  if (!found) throw Error(ErrorKind::NotFound, "no layer '" + std::string(name) + "' in " + info().location);
  return *found;
}

std::vector<Feature> Store::features(std::string_view layer, const Query& query) const {
  std::vector<Feature> out;
  scan(layer, query, [&](Feature&& f) {
    out.push_back(std::move(f));
    return true;
  });
  return out;
}

}  // namespace sitmap::store
