#include "sitmap/access/sealed.hpp"

#include <sodium.h>

#include <new>

#include "keywrap.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::access {

namespace {

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(DataKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string wrapped_name(std::string_view user) { return "wrapped_data_key:" + std::string(user); }

// The workspace and the purpose are bound into every copy: an audit-key copy (same size, same password) put
// in a data-key slot, or a copy from another workspace, does not open.
std::string bound(const store::Store& store, std::string_view user) {
  auto id = store.metadata("workspace_id");
  if (!id || id->empty()) throw Error(ErrorKind::Internal, "workspace has no workspace_id (schema before 4?)");
  return *id + ":data:" + std::string(user);
}

}  // namespace

DataKey::DataKey() {
  detail::init_sodium();
  bytes_ = static_cast<unsigned char*>(sodium_malloc(kSize));
  if (!bytes_) throw std::bad_alloc();
}

DataKey::~DataKey() { sodium_free(bytes_); }  // zeroes it

std::shared_ptr<DataKey> DataKey::blank() { return std::shared_ptr<DataKey>(new DataKey()); }

std::shared_ptr<const DataKey> DataKey::generate() {
  auto key = blank();
  crypto_aead_xchacha20poly1305_ietf_keygen(key->bytes_);
  return key;
}

std::string DataKey::id() const {
  unsigned char digest[16];
  static const char label[] = "sitmap data key id";
  crypto_generichash(digest, sizeof digest, u8(label), sizeof label - 1, bytes_, kSize);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::vector<uint8_t> seal(const DataKey& key, std::string_view context, std::span<const uint8_t> plain) {
  std::vector<uint8_t> out(kNonce + plain.size() + kTag);
  randombytes_buf(out.data(), kNonce);  // random 192-bit nonces: no counter to keep, no collision to fear
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, nullptr, plain.data(), plain.size(), u8(context),
                                             context.size(), nullptr, out.data(), key.bytes());
  return out;
}

std::vector<uint8_t> seal(const DataKey& key, std::string_view context, std::string_view plain) {
  return seal(key, context, std::span<const uint8_t>(u8(plain), plain.size()));
}

std::vector<uint8_t> open(const DataKey& key, std::string_view context, std::span<const uint8_t> sealed,
                          std::string_view what) {
  std::vector<uint8_t> out(sealed.size() > kNonce + kTag ? sealed.size() - kNonce - kTag : 0);
  unsigned long long n = 0;
  if (sealed.size() < kNonce + kTag ||
      crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &n, nullptr, sealed.data() + kNonce,
                                                 sealed.size() - kNonce, u8(context), context.size(), sealed.data(),
                                                 key.bytes()) != 0)
    throw Error(ErrorKind::Denied, std::string(what) + " does not open: tampered with or sealed under another key");
  out.resize(n);
  return out;
}

bool holds_data_key(const Principal& who) {
  return who.role == Role::Admin || has(who, Permission::SeeSensitivePoints) ||
         has(who, Permission::SeeSensitiveAttributes) || has(who, Permission::Import);
}

void wrap_data_key(store::Writer& writer, const store::Store& store, const DataKey& key, std::string_view user,
                   std::string_view password) {
  writer.set_metadata(wrapped_name(user),
                      detail::wrap_secret(std::span<const unsigned char>(key.bytes(), DataKey::kSize),
                                          bound(store, user), password));
}

void drop_wrapped_data_key(store::Writer& writer, std::string_view user) { writer.set_metadata(wrapped_name(user), ""); }

std::shared_ptr<const DataKey> unwrap_data_key(const store::Store& store, std::string_view user,
                                               std::string_view password) {
  auto key = DataKey::blank();
  std::string copy = store.metadata(wrapped_name(user)).value_or("");
  if (!detail::unwrap_secret(copy, bound(store, user), password, std::span<unsigned char>(key->bytes_, DataKey::kSize)))
    return nullptr;
  return key;
}

std::string workspace_data_key_id(const store::Store& store) { return store.metadata("data_key_id").value_or(""); }

void adopt_data_key(store::Writer& writer, const DataKey& key) { writer.set_metadata("data_key_id", key.id()); }

std::shared_ptr<const DataKey> unlock_data_key(store::Store& store, const Principal& who, std::string_view password) {
  if (!holds_data_key(who)) return nullptr;
  if (auto key = unwrap_data_key(store, who.user, password)) {
    if (key->id() == workspace_data_key_id(store)) return key;
    spdlog::warn("{}'s copy of the data key is not the workspace's key; not used", who.user);
    return nullptr;
  }
  if (who.role != Role::Admin || !workspace_data_key_id(store).empty()) return nullptr;
  auto key = DataKey::generate();
  try {
    store.write([&](store::Writer& w) {
      adopt_data_key(w, *key);
      wrap_data_key(w, store, *key, who.user, password);
    });
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::ReadOnly) throw;
    return nullptr;  // a read-only file gets its key when opened writable
  }
  return key;
}

}  // namespace sitmap::access
