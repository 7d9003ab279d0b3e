#include "sitmap/services/block_figures.hpp"

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/snapshot.hpp"

namespace sitmap::services {

namespace {

constexpr int64_t kRecentSeconds = 30 * 86400;

}  // namespace

BlockFigures block_figures(const Workspace& ws, std::string_view blocks_layer) {
  auto blocks = ws.snapshot(blocks_layer);
  BlockFigures out;
  if (const Column* hh = blocks->column("households"))
    for (size_t b = 0; b < blocks->size(); ++b) out.households.push_back(hh->number(b));
  for (const LayerInfo& info : ws.store().layers()) {
    if (info.geom_type != GeomType::Point && info.geom_type != GeomType::MultiPoint) continue;
    auto points = ws.snapshot(info.name);
    LayerFigures f;
    f.layer = info.name;
    f.title = info.title_zh.empty() ? info.name : info.title_zh;
    f.restricted = info.kind == LayerKind::Sensitive;
    const size_t n = blocks->size();
    f.total.assign(n, 0);
    const Column* status = points->column("status");
    const Column* online = points->column("online");
    if (status) f.open.assign(n, 0);
    if (online) f.offline.assign(n, 0);
    int64_t latest = INT64_MIN;
    for (int64_t t : points->time) latest = std::max(latest, t);
    if (latest != INT64_MIN) f.recent.assign(n, 0);
    auto block_of = analysis::locate_blocks(blocks->geometries, points->lon, points->lat);
    for (size_t r = 0; r < block_of.size(); ++r) {
      if (block_of[r] < 0) continue;
      auto b = static_cast<size_t>(block_of[r]);
      ++f.total[b];
      if (status && status->valid[r] && status->text(r) != "已整改") ++f.open[b];
      if (online && online->valid[r] && online->number(r) == 0) ++f.offline[b];
      if (!f.recent.empty() && points->time[r] != INT64_MIN && points->time[r] > latest - kRecentSeconds)
        ++f.recent[b];
    }
    out.layers.push_back(std::move(f));
  }
  return out;
}

}  // namespace sitmap::services
