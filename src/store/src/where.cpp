#include "where.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "sitmap/core/error.hpp"
#include "sqlite_util.hpp"

namespace sitmap::store::detail {

namespace {

const std::array<const char*, 11> kKeywords = {"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "TRUE", "FALSE", "ESCAPE"};

bool is_ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

std::string compile_where(const std::string& expr, const LayerInfo& layer) {
  auto fail = [&](const std::string& why) -> std::string {
    throw Error(ErrorKind::BadInput, "invalid filter '" + expr + "' on layer '" + layer.name + "': " + why);
  };
  auto field_sql = [&](const std::string& name) {
    if (name != "id" && layer.field_index(name) < 0) fail("unknown field '" + name + "'");
    return quote_ident(name);
  };
  std::string out;
  int depth = 0;
  size_t i = 0;
  while (i < expr.size()) {
    unsigned char c = expr[i];
    if (std::isspace(c)) { out += ' '; ++i; continue; }
    if (c == '\'') {  // string literal, '' escapes a quote
      size_t j = i + 1;
      while (true) {
        if (j >= expr.size()) fail("unterminated string");
        if (expr[j] == '\'') {
          if (j + 1 < expr.size() && expr[j + 1] == '\'') { j += 2; continue; }
          break;
        }
        ++j;
      }
      out.append(expr, i, j - i + 1);
      i = j + 1;
      continue;
    }
    if (c == '"') {  // quoted field name
      size_t j = expr.find('"', i + 1);
      if (j == std::string::npos) fail("unterminated quoted field name");
      out += field_sql(expr.substr(i + 1, j - i - 1));
      i = j + 1;
      continue;
    }
    if (std::isdigit(c) || (c == '.' && i + 1 < expr.size() && std::isdigit(static_cast<unsigned char>(expr[i + 1])))) {
      size_t j = i;
      while (j < expr.size() && (std::isdigit(static_cast<unsigned char>(expr[j])) || expr[j] == '.' || expr[j] == 'e' ||
                                 expr[j] == 'E'))
        ++j;
      out.append(expr, i, j - i);
      i = j;
      continue;
    }
    if (is_ident_char(c)) {
      size_t j = i;
      while (j < expr.size() && is_ident_char(static_cast<unsigned char>(expr[j]))) ++j;
      std::string word = expr.substr(i, j - i);
      std::string up = upper(word);
      if (std::find(kKeywords.begin(), kKeywords.end(), up) != kKeywords.end())
        out += up;
      else
        out += field_sql(word);
      i = j;
      continue;
    }
    static const std::array<const char*, 12> ops = {"<=", ">=", "!=", "<>", "=", "<", ">", "(", ")", ",", "-", "+"};
    bool matched = false;
    for (const char* op : ops) {
      std::string_view o(op);
      if (expr.compare(i, o.size(), o) == 0) {
        if (o == "(") ++depth;
        if (o == ")" && --depth < 0) fail("unbalanced ')'");
        out += o;
        out += ' ';  // keeps "--" from ever reaching SQL as a comment
        i += o.size();
        matched = true;
        break;
      }
    }
    if (!matched) fail(std::string("unexpected character '") + static_cast<char>(c) + "'");
  }
  if (depth != 0) fail("unbalanced '('");
  return out;
}

}  // namespace sitmap::store::detail
