#include "keywrap.hpp"

#include <sodium.h>

#include <array>
#include <vector>

#include "sitmap/core/error.hpp"

namespace sitmap::access::detail {

namespace {

constexpr size_t kSalt = crypto_pwhash_SALTBYTES, kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                 kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

using WrappingKey = std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_KEYBYTES>;

WrappingKey wrapping_key(std::string_view password, const unsigned char* salt) {
  WrappingKey k{};
  if (crypto_pwhash(k.data(), k.size(), password.data(), password.size(), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error(ErrorKind::Internal, "out of memory deriving a key");
  return k;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

void init_sodium() {
  if (sodium_init() < 0) throw Error(ErrorKind::Internal, "libsodium failed to initialise");
}

std::string wrap_secret(std::span<const unsigned char> secret, std::string_view bound, std::string_view password) {
  init_sodium();
  std::vector<unsigned char> out(kSalt + kNonce + secret.size() + kTag);
  unsigned char* salt = out.data();
  unsigned char* nonce = salt + kSalt;
  randombytes_buf(salt, kSalt + kNonce);
  WrappingKey k = wrapping_key(password, salt);
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, nullptr, secret.data(), secret.size(), bytes(bound),
                                             bound.size(), nullptr, nonce, k.data());
  sodium_memzero(k.data(), k.size());
  std::string hex(out.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

bool unwrap_secret(std::string_view hex, std::string_view bound, std::string_view password,
                   std::span<unsigned char> secret) {
  init_sodium();
  std::vector<unsigned char> in(hex.size() / 2);
  size_t n = 0;
  if (hex.empty() || sodium_hex2bin(in.data(), in.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 ||
      n != kSalt + kNonce + secret.size() + kTag)
    return false;
  const unsigned char* salt = in.data();
  const unsigned char* nonce = salt + kSalt;
  const unsigned char* box = nonce + kNonce;
  WrappingKey k = wrapping_key(password, salt);
  unsigned long long got = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(secret.data(), &got, nullptr, box, n - kSalt - kNonce,
                                                      bytes(bound), bound.size(), nonce, k.data());
  sodium_memzero(k.data(), k.size());
  return rc == 0 && got == secret.size();
}

}  // namespace sitmap::access::detail
