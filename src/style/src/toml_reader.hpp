// The TOML reading every style file shares (layers/*.toml, layers/briefing.toml): a table reader that reports
// unknown keys and names the file and dotted key in every error. Internal to src/style.
#pragma once
#include <toml++/toml.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sitmap/core/error.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::style::detail {

namespace fs = std::filesystem;

// Reads one TOML table, remembering which keys were used so that a misspelt key is reported instead of
// silently ignored. Every message names the file and the dotted key.
class Reader {
 public:
  Reader(const toml::table& table, const fs::path& file, std::string prefix)
      : table_(table), file_(file), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(std::string_view key, const std::string& why) const {
    throw Error(ErrorKind::BadInput, file_.string() + ": key '" + dotted(key) + "': " + why);
  }
  std::string dotted(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }
  bool has(std::string_view key) const { return table_.contains(key); }

  std::optional<std::string> text(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, "expected a string");
    return n->as_string()->get();
  }
  std::string required_text(std::string_view key) {
    auto v = text(key);
    if (!v || v->empty()) fail(key, "missing (required)");
    return *v;
  }
  std::optional<double> number(std::string_view key, double lo, double hi) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    double v = 0;
    if (n->is_integer())
      v = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point())
      v = n->as_floating_point()->get();
    else
      fail(key, "expected a number");
    if (!(v >= lo && v <= hi)) fail(key, "value " + fmt(v) + " out of range [" + fmt(lo) + ", " + fmt(hi) + "]");
    return v;
  }
  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, "expected true or false");
    return n->as_boolean()->get();
  }
  Color color_value(std::string_view key, const toml::node& n) const {
    if (!n.is_string()) fail(key, "expected a colour string like \"#22D3EE\"");
    auto c = parse_color(n.as_string()->get());
    if (!c) fail(key, "expected a colour like \"#22D3EE\" or \"#22D3EE80\", got \"" + n.as_string()->get() + "\"");
    return *c;
  }
  // `key` and optionally `key_light`.
  std::optional<ThemedColor> color(std::string_view key) {
    const toml::node* n = node(key);
    std::string light_key = std::string(key) + "_light";
    const toml::node* l = node(light_key);
    if (!n) {
      if (l) fail(light_key, "given without '" + std::string(key) + "'");
      return std::nullopt;
    }
    ThemedColor c;
    c.dark = c.light = color_value(key, *n);
    if (l) c.light = color_value(light_key, *l);
    return c;
  }
  template <typename E>
  std::optional<E> choice(std::string_view key, std::initializer_list<std::pair<const char*, E>> options) {
    auto v = text(key);
    if (!v) return std::nullopt;
    std::string names;
    for (auto& [name, value] : options) {
      if (*v == name) return value;
      names += names.empty() ? name : std::string(", ") + name;
    }
    fail(key, "unknown value \"" + *v + "\" (one of: " + names + ")");
  }
  const toml::array* array(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_array()) fail(key, "expected an array");
    return n->as_array();
  }
  std::optional<Reader> sub(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_table()) fail(key, "expected a table [" + dotted(key) + "]");
    return Reader(*n->as_table(), file_, dotted(key));
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (auto& [k, v] : table_) out.emplace_back(k.str());
    return out;
  }
  // Call when done: any key not read is a mistake in the file.
  void finish() const {
    for (auto& [k, v] : table_)
      if (!used_.count(std::string(k.str()))) fail(k.str(), "unknown key");
  }

 private:
  const toml::node* node(std::string_view key) {
    const toml::node* n = table_.get(key);
    if (n) used_.insert(std::string(key));
    return n;
  }
  static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  const toml::table& table_;
  const fs::path& file_;
  std::string prefix_;
  std::set<std::string> used_;
};

inline toml::table parse_toml(std::string_view text, const fs::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::BadInput,
                file.string() + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
}

inline std::string read_file(const fs::path& file) {
  FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw Error(ErrorKind::NotFound, file.string() + ": cannot open style file");
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

}  // namespace sitmap::style::detail
