// Encryption at rest of personal data (the rows of sensitive layers, case reporters, ...).
//
// Each workspace has one random 32-byte data key. It is never stored in clear: every user who may hold it
// (roles that see sensitive rows once cleared, and every admin, whose copy is the recovery copy) keeps a copy
// in sitmap_meta sealed with XChaCha20-Poly1305 under an Argon2id key from their own password (the workspace,
// the purpose and the user bound in). A sign-in as such a user opens their copy into memory; everyone else
// (uncleared roles, the bare workstation) never holds the key and sees only what is kept in clear beside the
// sealed bytes (for a sensitive layer: each row's block and category, enough for counts). When every copy is
// lost (every admin and cleared user forgot their password), the sealed bytes are lost with them by design.
//
// Sealing any bytes, for modules that keep personal data of their own:
//   const access::DataKey& key = workspace.data_key("case reporters");   // Error(Denied) when not held
//   std::vector<uint8_t> box = access::seal(key, "case_reporters:" + std::to_string(case_id), plain);
//   std::vector<uint8_t> plain = access::open(key, "case_reporters:" + std::to_string(case_id), box, "reporter");
// The context names where the bytes belong (table and row) so a sealed value copied to another row does not
// open; open() throws Error(Denied) for a tampered value without saying anything of its content.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/access/policy.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::access {

// The data key in memory: sodium_malloc'd (locked out of swap, guard pages around it) and wiped when the last
// holder drops it. Shared read-only between the workspace, its snapshots' loaders and worker threads.
class DataKey {
 public:
  static constexpr size_t kSize = 32;
  static std::shared_ptr<const DataKey> generate();
  ~DataKey();
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  const unsigned char* bytes() const { return bytes_; }
  std::string id() const;  // a keyed digest naming the key (never the key): which key a workspace uses

 private:
  DataKey();
  static std::shared_ptr<DataKey> blank();
  friend std::shared_ptr<const DataKey> unwrap_data_key(const store::Store&, std::string_view, std::string_view);
  unsigned char* bytes_;
};

// nonce | ciphertext | tag, with `context` as associated data.
std::vector<uint8_t> seal(const DataKey& key, std::string_view context, std::span<const uint8_t> plain);
std::vector<uint8_t> seal(const DataKey& key, std::string_view context, std::string_view plain);
// Throws Error(Denied) "<what> does not open: tampered with or sealed under another key" for a changed value.
std::vector<uint8_t> open(const DataKey& key, std::string_view context, std::span<const uint8_t> sealed,
                          std::string_view what);

// Rows of sensitive layers (store::SealedRow): every value and the geometry sealed together, the layer, id,
// block and category bound in as associated data, so a row moved, swapped or re-labelled does not open.
store::SealedRow seal_row(const DataKey& key, const LayerInfo& layer, const Feature& feature);  // feature.id > 0
// Throws Error(Denied) naming the layer and row id only when the row does not open.
Feature open_row(const DataKey& key, const LayerInfo& layer, const store::SealedRow& row);
store::RowSealer row_sealer(std::shared_ptr<const DataKey> key);
// Every row of a sensitive layer opened in memory, in id order; `who` must be allowed to see its points
// (Error Denied otherwise, before anything is opened).
std::vector<Feature> open_layer(const store::Store& store, const DataKey& key, const Principal& who,
                                std::string_view layer);

// Whether `who` keeps a copy of the data key: admins (the recovery copy) and whoever may see sensitive rows.
bool holds_data_key(const Principal& who);

// The user's copy (replacing an older one), or none. Wrapping costs one Argon2id derivation.
void wrap_data_key(store::Writer& writer, const store::Store& store, const DataKey& key, std::string_view user,
                   std::string_view password);
void drop_wrapped_data_key(store::Writer& writer, std::string_view user);
// The key from `user`'s copy; null when they have none or it does not open (wrong password, tampered copy).
std::shared_ptr<const DataKey> unwrap_data_key(const store::Store& store, std::string_view user,
                                               std::string_view password);
// The id of the key the workspace's sealed data uses ("" before there is one).
std::string workspace_data_key_id(const store::Store& store);
// Records `key` as the workspace's key (when it has none yet: the first admin, `sitmap demo`).
void adopt_data_key(store::Writer& writer, const DataKey& key);

// After a successful sign-in: `who`'s key, opened from their copy. An admin of a workspace that has no key yet
// (an upgraded file) creates it and keeps the first copy. Null for everyone who holds no copy.
std::shared_ptr<const DataKey> unlock_data_key(store::Store& store, const Principal& who, std::string_view password);

}  // namespace sitmap::access
