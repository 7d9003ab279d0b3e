#include "sitmap/access/sealed.hpp"

#include <sodium.h>

#include <cstring>
#include <new>

#include "keywrap.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"
#include "sitmap/core/wkb.hpp"

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

namespace {

// What a sealed row's value is bound to: everything about it that is kept in clear.
std::string row_context(const std::string& layer, int64_t id, const std::string& block_no,
                        const std::string& category) {
  std::string c = "row";
  for (const std::string& part : {layer, std::to_string(id), block_no, category}) {
    uint32_t n = static_cast<uint32_t>(part.size());
    c.append(reinterpret_cast<const char*>(&n), sizeof n).append(part);
  }
  return c;
}

// The plain bytes of a row: version 1, the number of values, each as tag (0 null, 1 integer, 2 real, 3 text)
// and payload, then the geometry's WKB (empty: none).
constexpr uint8_t kRowFormat = 1;

template <typename T>
void put(std::vector<uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}
void put_bytes(std::vector<uint8_t>& out, std::span<const uint8_t> b) {
  put(out, static_cast<uint32_t>(b.size()));
  out.insert(out.end(), b.begin(), b.end());
}

struct Reader {
  std::span<const uint8_t> in;
  size_t at = 0;
  bool ok = true;
  template <typename T>
  T get() {
    T v{};
    if (at + sizeof v > in.size()) return ok = false, v;
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::span<const uint8_t> bytes() {
    uint32_t n = get<uint32_t>();
    if (!ok || at + n > in.size()) return ok = false, std::span<const uint8_t>{};
    auto b = in.subspan(at, n);
    at += n;
    return b;
  }
};

// The text of a field kept in clear ("" when the layer has no such field or the value is null).
std::string clear_field(const LayerInfo& layer, const Feature& f, std::string_view field) {
  int i = layer.field_index(field);
  return i < 0 || static_cast<size_t>(i) >= f.values.size() ? "" : value_to_string(f.values[static_cast<size_t>(i)]);
}

}  // namespace

store::SealedRow seal_row(const DataKey& key, const LayerInfo& layer, const Feature& f) {
  if (f.id <= 0) throw Error(ErrorKind::Internal, "layer '" + layer.name + "': a row is sealed with its id");
  if (f.values.size() != layer.fields.size())
    throw Error(ErrorKind::BadInput, "layer '" + layer.name + "': feature has " + std::to_string(f.values.size()) +
                                         " values, the layer has " + std::to_string(layer.fields.size()) + " fields");
  std::vector<uint8_t> plain{kRowFormat};
  put(plain, static_cast<uint32_t>(f.values.size()));
  for (const Value& v : f.values) {
    plain.push_back(static_cast<uint8_t>(v.index()));
    if (auto* i = std::get_if<int64_t>(&v)) put(plain, *i);
    else if (auto* d = std::get_if<double>(&v)) put(plain, *d);
    else if (auto* t = std::get_if<std::string>(&v))
      put_bytes(plain, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(t->data()), t->size()));
  }
  put_bytes(plain, f.geometry.is_empty() ? std::vector<uint8_t>{} : to_wkb(f.geometry));
  store::SealedRow row{f.id, clear_field(layer, f, "block_no"), clear_field(layer, f, "category"), {}};
  row.sealed = seal(key, row_context(layer.name, row.id, row.block_no, row.category), plain);
  sodium_memzero(plain.data(), plain.size());
  return row;
}

Feature open_row(const DataKey& key, const LayerInfo& layer, const store::SealedRow& row) {
  std::string what = "layer '" + layer.name + "' row " + std::to_string(row.id);
  std::vector<uint8_t> plain = open(key, row_context(layer.name, row.id, row.block_no, row.category), row.sealed, what);
  Reader r{plain};
  Feature f;
  f.id = row.id;
  bool ok = r.get<uint8_t>() == kRowFormat && r.get<uint32_t>() == layer.fields.size();
  for (size_t i = 0; ok && i < layer.fields.size(); ++i) {
    switch (r.get<uint8_t>()) {
      case 0: f.values.emplace_back(); break;
      case 1: f.values.emplace_back(r.get<int64_t>()); break;
      case 2: f.values.emplace_back(r.get<double>()); break;
      case 3: {
        auto b = r.bytes();
        f.values.emplace_back(std::string(b.begin(), b.end()));
        break;
      }
      default: ok = false;
    }
    ok = ok && r.ok;
  }
  auto wkb = ok ? r.bytes() : std::span<const uint8_t>{};
  ok = ok && r.ok && r.at == plain.size();
  if (ok && !wkb.empty()) f.geometry = from_wkb(wkb);
  sodium_memzero(plain.data(), plain.size());
  if (!ok) throw Error(ErrorKind::BadInput, what + ": sealed with another layout of fields");
  return f;
}

store::RowSealer row_sealer(std::shared_ptr<const DataKey> key) {
  return [key = std::move(key)](const LayerInfo& layer, const Feature& f) { return seal_row(*key, layer, f); };
}

std::vector<Feature> open_layer(const store::Store& store, const DataKey& key, const Principal& who,
                                std::string_view layer) {
  LayerInfo info = store.layer(layer);
  require(who, Permission::SeeSensitivePoints, "layer '" + info.name + "'");
  std::vector<Feature> out;
  store.scan_sealed(info.name, [&](store::SealedRow&& row) {
    out.push_back(open_row(key, info, row));
    return true;
  });
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
