#include "sitmap/access/audit.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <vector>

#include "sitmap/core/error.hpp"
#include "sitmap/core/time.hpp"
#include "keywrap.hpp"

namespace sitmap::access {

namespace fs = std::filesystem;
using detail::init_sodium;

namespace {

std::string workspace_id(const store::Store& store) {
  auto id = store.metadata("workspace_id");
  if (!id || id->empty()) throw Error(ErrorKind::Internal, "workspace has no workspace_id (schema before 4?)");
  return *id;
}

std::string to_hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

// Length-prefixed fields: no two different rows encode to the same bytes.
void add_field(std::string& message, std::string_view field) {
  uint64_t n = field.size();
  message.append(reinterpret_cast<const char*>(&n), sizeof n);
  message.append(field);
}

std::string mac_of(const AuditKey& key, std::string_view kind, const std::vector<std::string_view>& fields) {
  std::string message;
  add_field(message, kind);
  for (auto f : fields) add_field(message, f);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(message.data()), message.size(), key.bytes.data());
  return to_hex(mac, sizeof mac);
}

std::string row_mac(const AuditKey& key, const std::string& id, const store::AuditEntry& e,
                    std::string_view previous_mac) {
  std::string seq = std::to_string(e.seq);
  return mac_of(key, "row", {id, seq, e.at, e.user, e.action, e.object, e.outcome, previous_mac});
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "seq:mac:MAC(seq, mac)" of the newest row: deleting the newest rows is seen, and the next row chains
// from the mark rather than from whatever row is last now, so a later append cannot paper over a cut.
std::string head_mark(const AuditKey& key, const std::string& id, int64_t seq, std::string_view mac) {
  std::string s = std::to_string(seq);
  return s + ":" + std::string(mac) + ":" + mac_of(key, "head", {id, s, mac});
}

// Where the next row goes and what it chains to. A mark that does not hold (edited, or removed while rows
// remain) makes the next row chain to nothing, so verification reports the break there, forever.
std::pair<int64_t, std::string> chain_end(const store::Store& store, const AuditKey& key, const std::string& id) {
  auto last = store.last_audit();
  auto head = store.metadata("audit_head");
  int64_t last_seq = last ? last->seq : 0;
  if (!head) return {last_seq + 1, last ? "unmarked" : ""};
  auto colon = head->find(':');
  auto second = colon == std::string::npos ? colon : head->find(':', colon + 1);
  if (second != std::string::npos) {
    std::string seq_text = head->substr(0, colon), mac = head->substr(colon + 1, second - colon - 1);
    int64_t seq = std::strtoll(seq_text.c_str(), nullptr, 10);
    if (seq > 0 && same(*head, head_mark(key, id, seq, mac))) return {std::max(seq, last_seq) + 1, mac};
  }
  return {last_seq + 1, "unmarked"};
}

}  // namespace

fs::path key_directory() {
  if (const char* dir = std::getenv("SITMAP_KEY_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return fs::path(xdg) / "sitmap" / "keys";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".config" / "sitmap" / "keys";
}

namespace {

fs::path key_file(const store::Store& store) { return key_directory() / (workspace_id(store) + ".audit.key"); }

// O_EXCL: two processes creating the key at once must not end up with different keys. False if it exists.
bool write_key_file(const fs::path& file, const AuditKey& key) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  fs::permissions(file.parent_path(), fs::perms::owner_all, ec);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw Error(ErrorKind::Internal, file.string() + ": cannot create the audit key");
  }
  bool written = ::write(fd, key.bytes.data(), key.bytes.size()) == static_cast<ssize_t>(key.bytes.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written) {
    fs::remove(file, ec);
    throw Error(ErrorKind::Internal, file.string() + ": cannot write the audit key");
  }
  return true;
}

std::string wrapped_key_name(std::string_view user) { return "wrapped_audit_key:" + std::string(user); }

}  // namespace

AuditKey audit_key(const store::Store& store) {
  init_sodium();
  fs::path file = key_file(store);
  AuditKey key;
  std::ifstream in(file, std::ios::binary);
  if (in) {
    in.read(reinterpret_cast<char*>(key.bytes.data()), key.bytes.size());
    if (in.gcount() != static_cast<std::streamsize>(key.bytes.size()))
      throw Error(ErrorKind::Denied, file.string() + ": audit key is damaged");
    return key;
  }
  if (store.last_audit() || store.metadata("audit_head"))
    throw Error(ErrorKind::Denied, "this workspace's audit key is not on this workstation (" + file.string() +
                                       "): an admin's sign-in here restores it, or copy it from another workstation");
  crypto_auth_keygen(key.bytes.data());
  return write_key_file(file, key) ? key : audit_key(store);
}

void wrap_audit_key(store::Writer& writer, const store::Store& store, const AuditKey& key, std::string_view admin,
                    std::string_view password) {
  writer.set_metadata(wrapped_key_name(admin),
                      detail::wrap_secret(key.bytes, workspace_id(store) + ":" + std::string(admin), password));
}

void drop_wrapped_audit_key(store::Writer& writer, std::string_view admin) {
  writer.set_metadata(wrapped_key_name(admin), "");
}

bool restore_audit_key(const store::Store& store, std::string_view admin, std::string_view password) {
  fs::path file = key_file(store);
  if (fs::exists(file)) return false;
  AuditKey key;
  std::string copy = store.metadata(wrapped_key_name(admin)).value_or("");
  // A wrong password or a tampered copy: the key file stays missing.
  if (!detail::unwrap_secret(copy, workspace_id(store) + ":" + std::string(admin), password, key.bytes)) return false;
  write_key_file(file, key);
  return true;
}

void append_audit(store::Writer& writer, const store::Store& store, const AuditKey& key, std::string_view user,
                  std::string_view action, std::string_view object, std::string_view outcome) {
  init_sodium();
  std::string id = workspace_id(store);
  auto [seq, previous] = chain_end(store, key, id);
  store::AuditEntry e;
  e.seq = seq;
  e.at = format_iso_time(static_cast<int64_t>(std::time(nullptr))) + "Z";
  e.user = std::string(user.substr(0, 64));  // a name typed at sign-in is attacker-chosen text: bounded
  e.action = action;
  e.object = object;
  e.outcome = outcome;
  e.mac = row_mac(key, id, e, previous);
  writer.append_audit(e);
  writer.set_metadata("audit_head", head_mark(key, id, e.seq, e.mac));
}

void audit_event(store::Store& store, std::string_view user, std::string_view action, std::string_view object,
                 std::string_view outcome) {
  try {
    AuditKey key = audit_key(store);
    store.write([&](store::Writer& w) { append_audit(w, store, key, user, action, object, outcome); });
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::ReadOnly) throw;
  }
}

AuditCheck verify_audit(const store::Store& store, const AuditKey& key) {
  init_sodium();
  std::string id = workspace_id(store);
  AuditCheck check;
  std::string previous;
  int64_t expected = 1;
  for (const auto& e : store.audit_log()) {
    ++check.rows;
    if (e.seq != expected) {
      check = {false, check.rows, e.seq, "row " + std::to_string(e.seq) + " follows row " +
                                             std::to_string(expected - 1) + ": rows are missing"};
      return check;
    }
    if (!same(e.mac, row_mac(key, id, e, previous))) {
      check = {false, check.rows, e.seq,
               "row " + std::to_string(e.seq) + " does not match its MAC: it, or the row before it, was changed"};
      return check;
    }
    previous = e.mac;
    ++expected;
  }
  std::string head = store.metadata("audit_head").value_or("");
  std::string want = check.rows ? head_mark(key, id, expected - 1, previous) : "";
  if (!same(head, want)) {
    check.ok = false;
    check.problem = "the log's end does not match its head mark: its newest rows were removed or the mark edited";
  }
  return check;
}

std::vector<store::AuditEntry> read_audit(const store::Store& store, const Principal& who) {
  require(who, Permission::ManageUsers, "audit log");
  return store.audit_log();
}

AuditCheck verify_audit(const store::Store& store, const Principal& who) {
  require(who, Permission::ManageUsers, "audit log");
  return verify_audit(store, audit_key(store));
}

}  // namespace sitmap::access
