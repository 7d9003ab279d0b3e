#include "packed.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

#include "sitmap/core/time.hpp"

namespace sitmap::store::detail {

namespace {

constexpr uint32_t kMagic = 0x4B504D53;      // "SMPK"
constexpr uint32_t kFormat = 1;              // bump when the layout below changes: older copies are then ignored
// Arrays are stored in host order, so a copy reads back with one memcpy; every Debian target sitmap
// builds for is little-endian.
static_assert(std::endian::native == std::endian::little);

struct Truncated {};

class Out {
 public:
  std::vector<uint8_t> bytes;
  void raw(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  template <class T>
  void put(T v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    put<uint32_t>(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
};

class In {
 public:
  explicit In(std::span<const uint8_t> b) : b_(b) {}
  const uint8_t* take(size_t n) {
    if (n > b_.size() - pos_) throw Truncated{};
    const uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  void raw(void* dst, size_t n) { std::memcpy(dst, take(n), n); }
  template <class T>
  T get() {
    T v;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    auto n = get<uint32_t>();
    return std::string(reinterpret_cast<const char*>(take(n)), n);
  }
  bool done() const { return pos_ == b_.size(); }
  size_t left() const { return b_.size() - pos_; }

 private:
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

// Integers as offsets from the smallest in the fewest whole bytes; width 0 when they count up by one
// (ids 1..n, the usual case, then cost nothing).
void put_ints(Out& o, const std::vector<int64_t>& v) {
  int64_t lo = v.empty() ? 0 : *std::min_element(v.begin(), v.end());
  int64_t hi = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  bool counting = true;
  for (size_t i = 0; i < v.size() && counting; ++i) counting = v[i] == lo + static_cast<int64_t>(i);
  uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  uint8_t width = counting ? 0 : range <= 0xff ? 1 : range <= 0xffff ? 2 : range <= 0xffffffffu ? 4 : 8;
  o.put(width);
  o.put(lo);
  size_t at = o.bytes.size();
  o.bytes.resize(at + v.size() * width);
  uint8_t* p = o.bytes.data() + at;
  for (size_t i = 0; i < v.size() && width; ++i, p += width) {
    uint64_t d = static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(lo);
    std::memcpy(p, &d, width);  // the low bytes: little-endian
  }
}

template <class U>
void widen(const uint8_t* p, int64_t lo, std::vector<int64_t>& out) {
  for (auto& x : out) {
    U d;
    std::memcpy(&d, p, sizeof d);
    p += sizeof d;
    x = static_cast<int64_t>(static_cast<uint64_t>(lo) + d);
  }
}

void get_ints(In& in, size_t n, std::vector<int64_t>& out) {
  auto width = in.get<uint8_t>();
  auto lo = in.get<int64_t>();
  out.resize(n);
  const uint8_t* p = in.take(n * width);
  switch (width) {
    case 0:
      for (size_t i = 0; i < n; ++i) out[i] = lo + static_cast<int64_t>(i);
      break;
    case 1: widen<uint8_t>(p, lo, out); break;
    case 2: widen<uint16_t>(p, lo, out); break;
    case 4: widen<uint32_t>(p, lo, out); break;
    case 8: widen<uint64_t>(p, lo, out); break;
    default: throw Truncated{};
  }
}

template <class T>
std::span<const uint8_t> bytes_of(const std::vector<T>& v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)};
}

// Where an array part of `n` values goes: straight into `out`, once its size is known to fit.
template <class T>
PartInto array_into(size_t n, std::vector<T>& out) {
  return [n, &out](size_t size) {
    if (size % sizeof(T) != 0 || size / sizeof(T) != n) throw Truncated{};
    out.resize(n);
    return std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), size);
  };
}

// A text column as a dictionary of its distinct values and one code per row: categories and statuses
// repeat, and each row then costs a byte or two. A column of mostly distinct values (times, names) is
// written row by row instead, as a dictionary of every row with codes that count up (which cost nothing):
// hashing a million distinct strings would cost more than it saves.
void put_texts(Out& o, const std::vector<std::string>& texts) {
  constexpr size_t kMaxDictionary = 4096;
  std::unordered_map<std::string_view, int64_t> codes;
  std::vector<std::string_view> dict;
  std::vector<int64_t> rows(texts.size());
  for (size_t i = 0; i < texts.size() && dict.size() <= kMaxDictionary; ++i) {
    auto [it, added] = codes.emplace(texts[i], static_cast<int64_t>(dict.size()));
    if (added) dict.push_back(texts[i]);
    rows[i] = it->second;
  }
  if (dict.size() > kMaxDictionary) {
    dict.assign(texts.begin(), texts.end());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  }
  o.put<uint64_t>(dict.size());
  for (auto s : dict) o.str(s);
  put_ints(o, rows);
}

void get_texts(In& in, size_t n, std::vector<std::string>& out) {
  auto size = in.get<uint64_t>();
  if (size > in.left() / sizeof(uint32_t)) throw Truncated{};  // each entry has at least its length
  In strings = in;  // the dictionary, read again below once the codes say how
  for (uint64_t i = 0; i < size; ++i) in.take(in.get<uint32_t>());
  In codes = in;
  bool row_by_row = codes.get<uint8_t>() == 0 && codes.get<int64_t>() == 0 && size == n;
  out.clear();
  out.reserve(n);
  if (row_by_row) {  // codes counting up from 0 take no bytes: each row's string is made straight from its own
    in = codes;
    for (size_t i = 0; i < n; ++i) {
      auto len = strings.get<uint32_t>();
      out.emplace_back(reinterpret_cast<const char*>(strings.take(len)), len);
    }
    return;
  }
  std::vector<int64_t> rows;
  get_ints(in, n, rows);
  std::vector<std::string_view> dict(size);
  for (auto& d : dict) {
    auto len = strings.get<uint32_t>();
    d = std::string_view(reinterpret_cast<const char*>(strings.take(len)), len);
  }
  for (size_t i = 0; i < n; ++i) {
    if (rows[i] < 0 || static_cast<uint64_t>(rows[i]) >= size) throw Truncated{};
    out.emplace_back(dict[static_cast<size_t>(rows[i])]);
  }
}

std::vector<uint8_t> column_bytes(const Column& c) {
  Out o;
  o.put(static_cast<uint8_t>(c.def.type));
  bool all_valid = std::all_of(c.valid.begin(), c.valid.end(), [](uint8_t v) { return v != 0; });
  o.put<uint8_t>(all_valid);
  if (!all_valid) o.raw(c.valid.data(), c.valid.size());
  switch (c.def.type) {
    case FieldType::Integer: put_ints(o, c.ints); break;
    case FieldType::Real: o.raw(c.reals.data(), c.reals.size() * sizeof(double)); break;
    case FieldType::Text: put_texts(o, c.texts); break;
  }
  return std::move(o.bytes);
}

void get_column(std::span<const uint8_t> b, size_t n, Column& c) {
  In in(b);
  if (in.get<uint8_t>() != static_cast<uint8_t>(c.def.type)) throw Truncated{};
  if (in.get<uint8_t>()) {
    c.valid.assign(n, 1);
  } else {
    const uint8_t* p = in.take(n);
    c.valid.assign(p, p + n);
  }
  switch (c.def.type) {
    case FieldType::Integer: get_ints(in, n, c.ints); break;
    case FieldType::Real:
      c.reals.resize(n);
      in.raw(c.reals.data(), n * sizeof(double));
      break;
    case FieldType::Text: get_texts(in, n, c.texts); break;
  }
  if (!in.done()) throw Truncated{};
}

std::vector<int64_t> parse_times(const std::vector<std::string>& texts) {
  std::vector<int64_t> t(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) t[i] = parse_iso_time(texts[i]).value_or(INT64_MIN);
  return t;
}

}  // namespace

void pack_snapshot(const Snapshot& snap, std::string_view stamp, const PartWriter& write) {
  Out header;
  header.put(kMagic);
  header.put(kFormat);
  header.str(stamp);
  header.put<uint64_t>(snap.size());
  header.put<uint32_t>(static_cast<uint32_t>(snap.info.fields.size()));
  for (auto& f : snap.info.fields) {
    header.put(static_cast<uint8_t>(f.type));
    header.str(f.name);
  }
  write("header", header.bytes);
  Out ids;
  put_ints(ids, snap.ids);
  write("ids", ids.bytes);
  write("lon", bytes_of(snap.lon));
  write("lat", bytes_of(snap.lat));
  write("x", bytes_of(snap.x));
  write("y", bytes_of(snap.y));
  for (auto& c : snap.columns) {
    write("column:" + c.def.name, column_bytes(c));
    if (c.def.type != FieldType::Text) continue;
    auto first = std::find(c.valid.begin(), c.valid.end(), 1);
    if (first != c.valid.end() && parse_iso_time(c.texts[static_cast<size_t>(first - c.valid.begin())]))
      write("time:" + c.def.name, bytes_of(parse_times(c.texts)));
  }
}

bool unpack_snapshot(Snapshot& snap, const std::vector<FieldDef>& layer_fields, std::string_view stamp,
                     const ColumnRead& wanted, const PartReader& read) {
  Snapshot s;
  s.info = snap.info;
  s.time_field = snap.time_field;
  s.columns = snap.columns;
  auto time_def = std::find_if(layer_fields.begin(), layer_fields.end(),
                               [&](const FieldDef& f) { return !s.time_field.empty() && f.name == s.time_field; });
  if (time_def != layer_fields.end() && time_def->type != FieldType::Text) return false;
  size_t n = 0;
  bool fits = false;
  std::vector<uint8_t> buffer;  // parts that are decoded rather than taken as they are
  auto into_buffer = [&](size_t size) {
    buffer.resize(size);
    return std::span<uint8_t>(buffer);
  };
  auto need = [&](std::string_view part, const PartInto& into) {
    if (!read(part, into)) throw Truncated{};
  };
  auto decode = [&](std::string_view part, const std::function<void(std::span<const uint8_t>)>& use) {
    need(part, into_buffer);
    use(buffer);
  };
  try {
    decode("header", [&](std::span<const uint8_t> b) {
      In in(b);
      if (in.get<uint32_t>() != kMagic || in.get<uint32_t>() != kFormat || in.str() != stamp) return;
      n = static_cast<size_t>(in.get<uint64_t>());
      std::vector<FieldDef> fields(in.get<uint32_t>());
      for (auto& f : fields) {
        f.type = static_cast<FieldType>(in.get<uint8_t>());
        f.name = in.str();
      }
      fits = fields == layer_fields && in.done();
    });
    if (!fits) return false;
    // x first: its size confirms the header's row count before anything is sized by it.
    need("x", array_into(n, s.x));
    if (wanted.ids)
      decode("ids", [&](std::span<const uint8_t> b) {
        In in(b);
        get_ints(in, n, s.ids);
        if (!in.done()) throw Truncated{};
      });
    need("y", array_into(n, s.y));
    if (wanted.lonlat) {
      need("lon", array_into(n, s.lon));
      need("lat", array_into(n, s.lat));
    }
    for (auto& c : s.columns) decode("column:" + c.def.name, [&](std::span<const uint8_t> b) { get_column(b, n, c); });
    if (time_def != layer_fields.end() && !read("time:" + s.time_field, array_into(n, s.time))) {
      // A text field that did not look like times when packed is parsed now, as the row path would.
      Column texts{*time_def, {}, {}, {}, {}};
      decode("column:" + s.time_field, [&](std::span<const uint8_t> b) { get_column(b, n, texts); });
      s.time = parse_times(texts.texts);
    }
  } catch (const Truncated&) {
    return false;
  }
  snap = std::move(s);
  return true;
}

}  // namespace sitmap::store::detail
