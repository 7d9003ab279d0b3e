// Text encodings of attribute data. Chinese files come as UTF-8 (with or without a byte-order mark) or
// GBK/GB18030, and their declarations (a shapefile's .cpg, its DBF language id) are often missing or wrong.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sitmap::io {

bool is_valid_utf8(std::string_view bytes);
std::string strip_utf8_bom(std::string_view text);

// Canonical name of an encoding as users write it: "utf8" -> "UTF-8", "gbk"/"cp936"/"936"/"gb2312" -> "GBK",
// "gb18030" -> "GB18030". Other names pass through upper-cased (iconv decides whether it knows them).
std::string normalize_encoding_name(std::string_view name);

// Converts bytes in `encoding` to UTF-8. UTF-8 input is validated, not converted. Returns false (and leaves
// `out` unspecified) when the bytes are not valid in that encoding. Throws Error(BadInput) for an encoding
// iconv does not know.
bool decode_to_utf8(std::string_view bytes, const std::string& encoding, std::string& out);
std::string encode_from_utf8(std::string_view utf8, const std::string& encoding);  // throws Error(BadInput)

struct EncodingGuess {
  std::string encoding;         // "UTF-8", "GB18030", or the declared one
  std::string declared;         // what the file said ("" when nothing)
  bool declared_wrong = false;  // the declaration did not decode the sample and the guess did
};

// Picks the encoding of a sample of text values: the declared one when it decodes every value, else UTF-8
// when the bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312) when that decodes them.
// Throws Error(BadInput) naming `what` (the file) when nothing fits.
EncodingGuess guess_encoding(const std::vector<std::string>& sample, const std::string& declared,
                             const std::string& what);

}  // namespace sitmap::io
