// The audit log: an append-only chain in table audit_log. Each row carries an HMAC (libsodium crypto_auth,
// HMAC-SHA-512-256) of its fields and the previous row's MAC, and sitmap_meta's `audit_head` a MAC of the
// last row, so an edited, deleted, reordered or cut-off row breaks the chain whether or not the table's
// triggers are still there. The key is kept outside the database (key_directory(), one file per workspace,
// mode 0600): whoever copies or edits the file cannot recompute the chain.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/access/policy.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::access {

struct AuditKey {
  std::array<unsigned char, 32> bytes{};
};

// $SITMAP_KEY_DIR, else $XDG_CONFIG_HOME/sitmap/keys, else ~/.config/sitmap/keys.
std::filesystem::path key_directory();

// The workspace's key (by its workspace_id). Created on first use while the log is still empty; a log
// without its key (the file was copied to another workstation) throws Error(Denied) naming the key's path.
AuditKey audit_key(const store::Store& store);

// Each admin keeps a copy of the key in the database (sitmap_meta), sealed with XChaCha20-Poly1305 under a
// key derived from their password (Argon2id, its own salt), so an admin's sign-in on another workstation
// restores the key file there. Nobody without an admin's password can open a copy.
void wrap_audit_key(store::Writer& writer, const store::Store& store, const AuditKey& key, std::string_view admin,
                    std::string_view password);
void drop_wrapped_audit_key(store::Writer& writer, std::string_view admin);  // a disabled admin's
// Writes the key file from `admin`'s copy when the file is missing; false when it is there already, or
// there is no copy, or it does not open (wrong password, tampered copy).
bool restore_audit_key(const store::Store& store, std::string_view admin, std::string_view password);

// Appends one row inside the caller's write, so it commits or rolls back with the action it records.
void append_audit(store::Writer& writer, const store::Store& store, const AuditKey& key, std::string_view user,
                  std::string_view action, std::string_view object, std::string_view outcome);
// The same in a write of its own, for refusals (whose action wrote nothing) and actions that write no
// rows. A read-only store is left as it is (the refusal still stands); other failures throw.
void audit_event(store::Store& store, std::string_view user, std::string_view action, std::string_view object,
                 std::string_view outcome);

struct AuditCheck {
  bool ok = true;
  int64_t rows = 0;
  int64_t first_bad_seq = -1;  // the first row whose MAC or position does not hold (-1: none, or the head)
  std::string problem;         // what broke, in English, without any row's content
};
AuditCheck verify_audit(const store::Store& store, const AuditKey& key);

// For admins (Permission::ManageUsers); throws Error(Denied) otherwise.
std::vector<store::AuditEntry> read_audit(const store::Store& store, const Principal& who);
AuditCheck verify_audit(const store::Store& store, const Principal& who);

}  // namespace sitmap::access
