#include "sitmap/ui/map_scene.hpp"

#include <algorithm>

#include "sitmap/access/policy.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/services/map_data.hpp"

namespace sitmap::ui {

render::Scene load_scene(const services::Workspace& ws, const style::StyleSet& styles, const SceneOptions& options) {
  std::vector<render::SceneLayer> layers;
  for (auto& st : styles.layers) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), st.name) == options.only.end())
      continue;
    auto info = ws.store().find_layer(st.source);
    if (!info) {
      spdlog::warn("layer '{}' (style {}) is not in the workspace; skipped", st.source, st.file.string());
      continue;
    }
    render::SceneLayer l;
    if (st.draw == style::DrawKind::Counts) {
      if (!ws.store().find_layer(st.counts_per)) {
        spdlog::warn("layer '{}' counts per '{}', which is not in the workspace; skipped", st.name, st.counts_per);
        continue;
      }
      auto counts = services::count_in_polygons(ws, st.source, st.counts_per);
      auto polygons = services::visible_snapshot(ws, st.counts_per);
      l = render::make_counts_layer(st, *polygons, std::move(counts.counts), counts.total);
    } else if (access::may_see_points(ws.principal(), *info)) {
      l = render::make_layer(st, services::visible_snapshot(ws, st.source));
    } else {
      spdlog::warn("layer '{}' is sensitive and style {} draws its points; skipped", st.source, st.file.string());
      continue;
    }
    l.restricted = !access::may_show_in_briefing(*info);
    layers.push_back(std::move(l));
  }
  return render::make_scene(std::move(layers));
}

}  // namespace sitmap::ui
