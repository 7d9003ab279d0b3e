// A secret sealed under a key derived from a password: how the audit key and the data key travel with the
// users who may hold them (sitmap_meta), so no key is ever stored in clear.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace sitmap::access::detail {

// hex(salt | nonce | XChaCha20-Poly1305(secret)), the key Argon2id(password, salt); `bound` is the associated
// data (workspace, purpose, user), so a copy moved to another row or workspace does not open.
std::string wrap_secret(std::span<const unsigned char> secret, std::string_view bound, std::string_view password);
// False when `hex` is empty or malformed, or the password or `bound` is wrong, or the copy was tampered with.
bool unwrap_secret(std::string_view hex, std::string_view bound, std::string_view password,
                   std::span<unsigned char> secret);

void init_sodium();

}  // namespace sitmap::access::detail
