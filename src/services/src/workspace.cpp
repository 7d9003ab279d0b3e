#include "sitmap/services/workspace.hpp"

#include "sitmap/core/error.hpp"
#include "sitmap/services/users.hpp"
#include "sitmap/store/snapshot.hpp"

namespace sitmap::services {

Workspace::Workspace(std::unique_ptr<store::Store> store, access::Principal principal,
                     std::shared_ptr<const access::DataKey> key)
    : store_(std::move(store)), principal_(std::move(principal)), key_(std::move(key)) {}

std::unique_ptr<Workspace> Workspace::open(const std::filesystem::path& file, store::OpenMode mode,
                                           access::Principal principal, std::shared_ptr<const access::DataKey> key) {
  return std::make_unique<Workspace>(store::open_spatialite(file, mode), std::move(principal), std::move(key));
}

void Workspace::sign_in(std::string_view user, std::string_view password) {
  principal_ = services::sign_in(*store_, user, password);
  key_ = access::unlock_data_key(*store_, principal_, password);
  invalidate();
}

const access::DataKey& Workspace::data_key(std::string_view what) const {
  if (!key_)
    throw Error(ErrorKind::Denied, std::string(what) + ": sealed; needs a signed-in cleared user (" +
                                       principal_.user + " holds no key)");
  return *key_;
}

std::shared_ptr<const Snapshot> Workspace::snapshot(std::string_view layer) const {
  std::lock_guard lock(mutex_);
  if (auto it = snapshots_.find(layer); it != snapshots_.end()) return it->second;
  LayerInfo info = store_->layer(layer);
  std::shared_ptr<const Snapshot> snap;
  if (info.kind == LayerKind::Sensitive && key_ && access::may_see_points(principal_, info)) {
    // Opened in memory only; everyone else reads the clear block and category (store::SealedRow).
    snap = store::snapshot_of(info, access::open_layer(*store_, *key_, principal_, layer));
  } else {
    store::SnapshotOptions options;  // named: a defaulted temporary trips GCC 12's -Wmaybe-uninitialized
    snap = store::load_snapshot(*store_, layer, options);
  }
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
