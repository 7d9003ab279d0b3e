#include "sitmap/io/encoding.hpp"

#include <gtest/gtest.h>

#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::io;

namespace {

const std::string kUtf8 = "淮海中路街道综治中心";

TEST(Encoding, Gb18030RoundTripsChineseText) {
  std::string gbk = encode_from_utf8(kUtf8, "GBK");
  EXPECT_NE(gbk, kUtf8);
  EXPECT_EQ(gbk.size(), 20u);  // two bytes a character
  EXPECT_FALSE(is_valid_utf8(gbk));
  std::string back;
  ASSERT_TRUE(decode_to_utf8(gbk, "GB18030", back));
  EXPECT_EQ(back, kUtf8);
}

TEST(Encoding, GuessPrefersAWorkingDeclaration) {
  auto g = guess_encoding({kUtf8, "abc"}, "UTF-8", "f.csv");
  EXPECT_EQ(g.encoding, "UTF-8");
  EXPECT_FALSE(g.declared_wrong);
  g = guess_encoding({encode_from_utf8(kUtf8, "GBK")}, "GBK", "f.shp");
  EXPECT_EQ(g.encoding, "GBK");
}

TEST(Encoding, GuessDetectsAWrongUtf8Declaration) {
  auto g = guess_encoding({encode_from_utf8(kUtf8, "GBK")}, "UTF-8", "f.shp");
  EXPECT_EQ(g.encoding, "GB18030");
  EXPECT_TRUE(g.declared_wrong);
}

TEST(Encoding, GuessWithoutDeclaration) {
  EXPECT_EQ(guess_encoding({kUtf8}, "", "f.csv").encoding, "UTF-8");
  EXPECT_EQ(guess_encoding({encode_from_utf8(kUtf8, "GB18030")}, "", "f.csv").encoding, "GB18030");
}

TEST(Encoding, NothingFitsNamesTheFile) {
  try {
    guess_encoding({std::string("\xff\xff\xff", 3)}, "", "bad.csv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("bad.csv"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--encoding"), std::string::npos);
  }
}

TEST(Encoding, Utf8ValidationAndNames) {
  EXPECT_TRUE(is_valid_utf8(kUtf8));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE6\xB7"));      // truncated
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBFname"), "name");
  EXPECT_EQ(normalize_encoding_name("cp936"), "GBK");
  EXPECT_EQ(normalize_encoding_name("utf8\r\n"), "UTF-8");
  EXPECT_EQ(normalize_encoding_name("936"), "GBK");
  EXPECT_THROW(encode_from_utf8("x", "NO-SUCH-ENCODING"), Error);
}

}  // namespace
