// Users of the centre: Argon2id password hashes (libsodium crypto_pwhash_str), a lockout after repeated
// failures, disabled accounts, and the sign-in that turns a name and password into a Principal. Every
// change and every failed sign-in appends an audit row in the same transaction.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/access/policy.hpp"
#include "sitmap/store/store.hpp"

namespace sitmap::access {

inline constexpr int64_t kMaxFailures = 5;        // consecutive failures before the account locks
inline constexpr int64_t kLockSeconds = 15 * 60;  // long enough to stop guessing, short enough not to need an admin
inline constexpr size_t kMinPasswordLength = 8;

struct NewUser {
  std::string name;
  Role role = Role::Analyst;
  std::string password;
  bool cleared = false;
};

// What `user list` shows: never the hash.
struct UserSummary {
  std::string name;
  Role role = Role::Analyst;
  bool cleared = false, disabled = false, locked = false;
  std::string created_at;
};

// Names are 1-64 bytes of letters, digits, '_', '.', '-' or any non-ASCII (Chinese) character.
bool valid_user_name(std::string_view name);

// Throws Error(Denied) with the same message for an unknown user, a wrong password, a disabled or a locked
// account, so a guesser learns nothing; the reason goes to the audit log. Needs a writable store.
Principal sign_in(store::Store& store, std::string_view user, std::string_view password);

class DataKey;

// Needs Permission::ManageUsers, except the first user of a workspace, who must be an admin. A user who
// holds the data key (access::holds_data_key) gets a copy of `key`, the signed-in admin's (sealed.hpp); the
// first admin of a workspace without a data key creates it. Without `key` such a user gets no copy (logged).
void add_user(store::Store& store, const Principal& by, const NewUser& user, const DataKey* key = nullptr);
// An admin for anyone, or a user for themself; clears a lockout. The user's copy of the data key is sealed
// again under the new password from `key` (the caller's), or dropped without it: a copy under the old
// password must not outlive it.
void set_password(store::Store& store, const Principal& by, std::string_view name, std::string_view password,
                  const DataKey* key = nullptr);
// Refuses to disable the last enabled admin (nobody could manage users afterwards). Drops their key copies.
void disable_user(store::Store& store, const Principal& by, std::string_view name);
std::vector<UserSummary> list_users(const store::Store& store, const Principal& by);

}  // namespace sitmap::access
