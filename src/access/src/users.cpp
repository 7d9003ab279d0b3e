#include "sitmap/access/users.hpp"

#include <sodium.h>

#include <cctype>
#include <ctime>

#include "sitmap/access/audit.hpp"
#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::access {

namespace {

const char* const kRefused = "sign-in refused: wrong user name or password, or the account is locked or disabled";

std::string hash_password(std::string_view password) {
  if (sodium_init() < 0) throw Error(ErrorKind::Internal, "libsodium failed to initialise");
  if (password.size() < kMinPasswordLength)
    throw Error(ErrorKind::BadInput,
                "password too short: at least " + std::to_string(kMinPasswordLength) + " characters");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error(ErrorKind::Internal, "out of memory hashing a password");
  return out;
}

bool password_matches(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// Unknown and disabled users cost a verification too, so timing does not tell them from a wrong password.
const std::string& decoy_hash() {
  static const std::string hash = hash_password("decoy password, never set");
  return hash;
}

store::UserRecord existing(const store::Store& store, std::string_view name) {
  auto u = store.find_user(name);
  if (!u) throw Error(ErrorKind::NotFound, "no user '" + std::string(name) + "'");
  return *u;
}

Role role_of(const store::UserRecord& u) { return parse_role(u.role).value_or(Role::Anonymous); }

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!(c >= 0x80 || std::isalnum(c) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

Principal sign_in(store::Store& store, std::string_view user, std::string_view password) {
  if (sodium_init() < 0) throw Error(ErrorKind::Internal, "libsodium failed to initialise");
  auto record = valid_user_name(user) ? store.find_user(user) : std::nullopt;
  const char* reason = "unknown user";
  if (record && !record->disabled && record->locked_until <= now()) {
    if (password_matches(record->password_hash, password)) reason = nullptr;
    else reason = "wrong password";
  } else {
    password_matches(decoy_hash(), password);
    if (record) reason = record->disabled ? "disabled" : "locked";
  }
  // An admin's password opens their copy of the audit key: the database moved here works again.
  if (!reason && role_of(*record) == Role::Admin) restore_audit_key(store, record->name, password);
  AuditKey key = audit_key(store);
  if (!reason) {
    store.write([&](store::Writer& w) {
      if (record->failures) {
        record->failures = 0;
        w.put_user(*record);
      }
      append_audit(w, store, key, record->name, "sign-in", record->name, "ok");
    });
    return Principal{record->name, role_of(*record), record->cleared};
  }
  try {
    store.write([&](store::Writer& w) {
      if (record && std::string_view(reason) == "wrong password") {
        if (++record->failures >= kMaxFailures) {
          record->failures = 0;
          record->locked_until = now() + kLockSeconds;
          reason = "wrong password, locked";
        }
        w.put_user(*record);
      }
      append_audit(w, store, key, user, "sign-in", user, reason);
    });
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::ReadOnly) throw;
  }
  throw Error(ErrorKind::Denied, kRefused);
}

void add_user(store::Store& store, const Principal& by, const NewUser& user, const DataKey* key) {
  bool first = store.users().empty();
  if (!first) require(by, Permission::ManageUsers, "users");
  if (first && user.role != Role::Admin)
    throw Error(ErrorKind::BadInput, "the first user of a workspace must be an admin");
  if (!valid_user_name(user.name))
    throw Error(ErrorKind::BadInput, "user name: 1-64 letters, digits, '_', '.', '-' or Chinese characters");
  if (user.role == Role::Anonymous) throw Error(ErrorKind::BadInput, "user " + user.name + ": no role");
  if (store.find_user(user.name)) throw Error(ErrorKind::BadInput, "user '" + user.name + "' exists already");
  store::UserRecord r;
  r.name = user.name;
  r.role = role_name(user.role);
  r.password_hash = hash_password(user.password);
  r.cleared = user.cleared;
  // The first admin of a workspace without a data key makes it theirs: the one given (sitmap demo sealed its
  // persons with it), or a new one.
  std::shared_ptr<const DataKey> created;
  const bool adopt = first && workspace_data_key_id(store).empty();
  if (adopt && !key) key = (created = DataKey::generate()).get();
  bool holds = holds_data_key(Principal{r.name, user.role, r.cleared});
  if (holds && !key) spdlog::warn("user {} gets no copy of the data key: the adding admin holds none", r.name);
  AuditKey audit = audit_key(store);
  store.write([&](store::Writer& w) {
    w.put_user(r);
    if (user.role == Role::Admin) wrap_audit_key(w, store, audit, r.name, user.password);
    if (adopt) adopt_data_key(w, *key);
    if (holds && key) wrap_data_key(w, store, *key, r.name, user.password);
    append_audit(w, store, audit, first ? user.name : by.user, "user-add", user.name,
                 std::string("ok: ") + r.role + (r.cleared ? ", cleared" : ""));
  });
}

void set_password(store::Store& store, const Principal& by, std::string_view name, std::string_view password,
                  const DataKey* key) {
  bool self = by.role != Role::Anonymous && by.user == name;
  if (!self) require(by, Permission::ManageUsers, "users");
  store::UserRecord r = existing(store, name);
  r.password_hash = hash_password(password);
  r.failures = 0;
  r.locked_until = 0;
  bool holds = holds_data_key(Principal{r.name, role_of(r), r.cleared});
  AuditKey audit = audit_key(store);
  store.write([&](store::Writer& w) {
    w.put_user(r);
    if (role_of(r) == Role::Admin) wrap_audit_key(w, store, audit, r.name, password);
    if (holds && key) wrap_data_key(w, store, *key, r.name, password);
    else drop_wrapped_data_key(w, r.name);
    append_audit(w, store, audit, by.user, "user-passwd", r.name, "ok");
  });
}

void disable_user(store::Store& store, const Principal& by, std::string_view name) {
  require(by, Permission::ManageUsers, "users");
  store::UserRecord r = existing(store, name);
  if (role_of(r) == Role::Admin && !r.disabled) {
    int enabled_admins = 0;
    for (auto& u : store.users()) enabled_admins += role_of(u) == Role::Admin && !u.disabled;
    if (enabled_admins <= 1)
      throw Error(ErrorKind::BadInput, "user '" + r.name + "' is the last enabled admin: add another admin first");
  }
  r.disabled = true;
  AuditKey key = audit_key(store);
  store.write([&](store::Writer& w) {
    w.put_user(r);
    if (role_of(r) == Role::Admin) drop_wrapped_audit_key(w, r.name);
    drop_wrapped_data_key(w, r.name);
    append_audit(w, store, key, by.user, "user-disable", r.name, "ok");
  });
}

std::vector<UserSummary> list_users(const store::Store& store, const Principal& by) {
  require(by, Permission::ManageUsers, "users");
  std::vector<UserSummary> out;
  for (auto& u : store.users())
    out.push_back({u.name, role_of(u), u.cleared, u.disabled, u.locked_until > now(), u.created_at});
  return out;
}

}  // namespace sitmap::access
