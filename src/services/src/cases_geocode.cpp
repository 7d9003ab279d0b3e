// Geocoding of addresses against the door plates (the `addresses` layer): the reception form's type-ahead and
// `sitmap case add --address`.
#include <algorithm>
#include <cmath>

#include "cases_internal.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::services {

namespace {

std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::u32string digits(const std::u32string& s) {
  std::u32string out;
  for (char32_t c : s) out += (c >= U'0' && c <= U'9') ? c : U' ';
  return out;
}

}  // namespace

std::string normalise_address(std::string_view text) {
  std::string out;
  for (char32_t cp : code_points(text)) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII forms
    if (cp == U' ' || cp == U'\t' || cp == 0x3000) continue;
    if (cp == U'號') cp = U'号';
    if (cp >= U'a' && cp <= U'z') cp -= 32;
    append_utf8(out, cp);
  }
  // The door plate ends at 号: a room (…号302室) is inside it, and a missing final 号 names the same plate.
  if (auto hao = out.rfind("号"); hao != std::string::npos) out.resize(hao);
  return out;
}

namespace detail {

DoorPlates::DoorPlates(const Workspace& ws) {
  auto snap = ws.snapshot("addresses");
  const Column* address = snap->column("address");
  const Column* block = snap->column("block_no");
  if (!address) throw Error(ErrorKind::NotFound, "layer addresses has no field 'address'");
  for (size_t i = 0; i < snap->size(); ++i) {
    DoorPlate p{snap->ids[i], address->text(i), snap->lon.empty() ? NAN : snap->lon[i],
                snap->lat.empty() ? NAN : snap->lat[i], block && block->valid[i] ? static_cast<int64_t>(block->number(i)) : 0};
    std::string key = normalise_address(p.address);
    exact_.emplace(key, plates_.size());
    keys_.push_back(code_points(key));
    plates_.push_back(std::move(p));
  }
}

std::vector<DoorPlate> DoorPlates::candidates(std::string_view text, size_t limit) const {
  std::string key = normalise_address(text);
  std::u32string q = code_points(key);
  // Exact, then door plates that begin with the text (typing ahead), then contain it, then by edit distance.
  std::vector<std::tuple<int, size_t, size_t>> ranked;
  for (size_t i = 0; i < plates_.size(); ++i) {
    const std::u32string& k = keys_[i];
    int rank = k == q ? 0 : k.compare(0, q.size(), q) == 0 ? 1 : k.find(q) != std::u32string::npos ? 2 : 3;
    ranked.emplace_back(rank, rank == 3 ? edit_distance(q, k) : k.size(), i);
  }
  size_t n = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), ranked.end());
  std::vector<DoorPlate> out;
  for (size_t i = 0; i < n; ++i) out.push_back(plates_[std::get<2>(ranked[i])]);
  return out;
}

DoorPlate DoorPlates::geocode(std::string_view text) const {
  std::string key = normalise_address(text);
  if (key.empty()) throw Error(ErrorKind::BadInput, "address: empty");
  if (auto it = exact_.find(key); it != exact_.end()) return plates_[it->second];
  // A typo in the street name is forgiven when the numbers agree and one door plate alone is that close;
  // a different number is a different door, never guessed.
  std::u32string q = code_points(key);
  size_t best = SIZE_MAX, found = 0, count = 0;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (digits(keys_[i]) != digits(q)) continue;
    size_t d = edit_distance(q, keys_[i]);
    if (d < best) best = d, found = i, count = 1;
    else if (d == best) ++count;
  }
  if (best <= 1 && count == 1) return plates_[found];
  std::string list;
  for (auto& c : candidates(text, 5)) list += (list.empty() ? "" : "; ") + c.address;
  throw Error(ErrorKind::NotFound, "address '" + std::string(text) + "' matches no door plate (门牌); closest: " + list);
}

DoorPlate DoorPlates::nearest(XY p) const {
  double k = std::cos(p.y * M_PI / 180), best = INFINITY;
  size_t found = SIZE_MAX;
  for (size_t i = 0; i < plates_.size(); ++i) {
    double dx = (plates_[i].lon - p.x) * k, dy = plates_[i].lat - p.y, d = dx * dx + dy * dy;
    if (d < best) best = d, found = i;
  }
  if (found == SIZE_MAX) throw Error(ErrorKind::NotFound, "the addresses layer has no door plate");
  return plates_[found];
}

}  // namespace detail

std::vector<DoorPlate> address_candidates(const Workspace& ws, std::string_view text, size_t limit) {
  return detail::DoorPlates(ws).candidates(text, limit);
}

DoorPlate geocode(const Workspace& ws, std::string_view text) { return detail::DoorPlates(ws).geocode(text); }

DoorPlate nearest_door_plate(const Workspace& ws, XY lonlat) { return detail::DoorPlates(ws).nearest(lonlat); }

}  // namespace sitmap::services
