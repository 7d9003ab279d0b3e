#include "sitmap/io/encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <map>
#include <memory>

#include "sitmap/core/error.hpp"

namespace sitmap::io {

namespace {

// One converter per (from, to) pair and thread: iconv_open is slow next to converting a short field.
iconv_t converter(const std::string& from, const std::string& to) {
  struct Cache {
    std::map<std::pair<std::string, std::string>, iconv_t> cds;
    ~Cache() {
      for (auto& [key, cd] : cds) iconv_close(cd);
    }
  };
  thread_local Cache cache;
  auto key = std::make_pair(from, to);
  if (auto it = cache.cds.find(key); it != cache.cds.end()) return it->second;
  iconv_t cd = iconv_open(to.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorKind::BadInput, "unknown text encoding '" + (from == "UTF-8" ? to : from) + "'");
  cache.cds.emplace(key, cd);
  return cd;
}

bool convert(std::string_view in, const std::string& from, const std::string& to, std::string& out) {
  iconv_t cd = converter(from, to);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  out.assign(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  while (src_left > 0) {
    if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1)) break;
    if (errno != E2BIG) return false;  // EILSEQ or EINVAL: not this encoding
    size_t used = out.size() - dst_left;
    out.resize(out.size() * 2);
    dst = out.data() + used;
    dst_left = out.size() - used;
  }
  out.resize(out.size() - dst_left);
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else
      return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string strip_utf8_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return std::string(text);
}

std::string normalize_encoding_name(std::string_view name) {
  std::string n;
  for (char c : name)
    if (c != '-' && c != '_' && c != ' ' && c != '\r' && c != '\n' && c != '\t')
      n += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (n.empty()) return "";
  if (n == "UTF8" || n == "65001") return "UTF-8";
  if (n == "GBK" || n == "CP936" || n == "936" || n == "GB2312" || n == "EUCCN" || n == "ANSI936" || n == "MS936")
    return "GBK";
  if (n == "GB18030" || n == "54936") return "GB18030";
  if (n == "ISO88591" || n == "LATIN1" || n == "LDID/87") return "ISO-8859-1";
  return std::string(name.substr(0, name.find_last_not_of(" \r\n\t") + 1));
}

bool decode_to_utf8(std::string_view bytes, const std::string& encoding, std::string& out) {
  bool ascii = true;
  for (char c : bytes)
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii || encoding == "UTF-8") {
    if (!ascii && !is_valid_utf8(bytes)) return false;
    out.assign(bytes);
    return true;
  }
  return convert(bytes, encoding, "UTF-8", out);
}

std::string encode_from_utf8(std::string_view utf8, const std::string& encoding) {
  if (encoding == "UTF-8") return std::string(utf8);
  std::string out;
  if (!convert(utf8, "UTF-8", encoding, out)) throw Error(ErrorKind::BadInput, "text cannot be written in " + encoding);
  return out;
}

EncodingGuess guess_encoding(const std::vector<std::string>& sample, const std::string& declared,
                             const std::string& what) {
  auto decodes_all = [&](const std::string& enc) {
    std::string tmp;
    for (auto& s : sample)
      if (!decode_to_utf8(s, enc, tmp)) return false;
    return true;
  };
  EncodingGuess g;
  g.declared = declared;
  if (!declared.empty() && decodes_all(declared)) {
    g.encoding = declared;
    return g;
  }
  for (const char* candidate : {"UTF-8", "GB18030"}) {
    if (decodes_all(candidate)) {
      g.encoding = candidate;
      g.declared_wrong = !declared.empty();
      return g;
    }
  }
  throw Error(ErrorKind::BadInput, what + ": text is neither " +
                                       (declared.empty() ? "" : declared + " (as declared), ") +
                                       "UTF-8 nor GB18030: name its encoding with --encoding");
}

}  // namespace sitmap::io
