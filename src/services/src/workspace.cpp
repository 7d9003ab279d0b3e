#include "sitmap/services/workspace.hpp"

#include "sitmap/services/users.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::services {

Workspace::Workspace(std::unique_ptr<store::Store> store, access::Principal principal)
    : store_(std::move(store)), principal_(std::move(principal)) {}

std::unique_ptr<Workspace> Workspace::open(const std::filesystem::path& file, store::OpenMode mode,
                                           access::Principal principal) {
  return std::make_unique<Workspace>(store::open_spatialite(file, mode), std::move(principal));
}

void Workspace::sign_in(std::string_view user, std::string_view password) {
  principal_ = services::sign_in(*store_, user, password);
  invalidate();
}

std::shared_ptr<const Snapshot> Workspace::snapshot(std::string_view layer) const {
  std::lock_guard lock(mutex_);
  if (auto it = snapshots_.find(layer); it != snapshots_.end()) return it->second;
  store::SnapshotOptions options;  // named: a defaulted temporary trips GCC 12's -Wmaybe-uninitialized
  auto snap = store::load_snapshot(*store_, layer, options);
  snapshots_.emplace(std::string(layer), snap);
  return snap;
}

void Workspace::invalidate(std::string_view layer) {
  std::lock_guard lock(mutex_);
  if (layer.empty())
    snapshots_.clear();
  else if (auto it = snapshots_.find(layer); it != snapshots_.end())
    snapshots_.erase(it);
}

}  // namespace sitmap::services
