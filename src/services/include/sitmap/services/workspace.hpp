// What both front ends hold while the centre works: the open store, the signed-in principal (access), and
// the snapshot cache, so that a layer is read once and shared by the map, the panels and every service.
// Services take a Workspace& and never open the store themselves.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "sitmap/access/policy.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/core/snapshot.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::services {

class Workspace {
 public:
  // `key`: the workspace's data key when the principal holds it (tests, `sitmap demo`); sign_in() opens it.
  explicit Workspace(std::unique_ptr<store::Store> store, access::Principal principal = {},
                     std::shared_ptr<const access::DataKey> key = nullptr);
  // store::open_spatialite(file, mode); throws its Errors (NotFound, NotSitmap, NewerSchema, Locked, ReadOnly).
  static std::unique_ptr<Workspace> open(const std::filesystem::path& file, store::OpenMode mode,
                                         access::Principal principal = {},
                                         std::shared_ptr<const access::DataKey> key = nullptr);

  store::Store& store() { return *store_; }
  const store::Store& store() const { return *store_; }
  const access::Principal& principal() const { return principal_; }
  // Signs `user` in (services::sign_in) and works as them from then on; on Error(Denied) the principal
  // stays as it was. Dropped snapshots: what the new principal may see differs. A user who keeps a copy of
  // the data key (access::holds_data_key) has it opened into memory; anyone else drops the previous one.
  void sign_in(std::string_view user, std::string_view password);
  // The data key while its holder is signed in, else null.
  const std::shared_ptr<const access::DataKey>& data_key() const { return key_; }
  // The same, for sealing or opening personal data (access/sealed.hpp); Error(Denied) naming `what` when
  // the signed-in principal holds no key.
  const access::DataKey& data_key(std::string_view what) const;
  LayerInfo layer(std::string_view name) const { return store_->layer(name); }  // throws Error(NotFound)

  // The whole layer as a snapshot (times from its `occurred_at` field where it has one), read on first use
  // and shared until invalidate(). Safe to call from worker threads. Throws Error(NotFound) for a missing layer.
  std::shared_ptr<const Snapshot> snapshot(std::string_view layer) const;
  // After a write to `layer` (every layer when empty): the next snapshot() reads it again. Snapshots already
  // handed out stay valid; they are immutable.
  void invalidate(std::string_view layer = {});

 private:
  std::unique_ptr<store::Store> store_;
  access::Principal principal_;
  std::shared_ptr<const access::DataKey> key_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_ptr<const Snapshot>, std::less<>> snapshots_;
};

}  // namespace sitmap::services
