#include "sitmap/io/table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "io_fixtures.hpp"
#include "sitmap/core/error.hpp"

using namespace sitmap;
using namespace sitmap::io;
using sitmap::io::test::IoTest;
namespace fs = std::filesystem;

namespace {

class TableTest : public IoTest {
 protected:
  static Table sample() {
    Table t;
    t.columns = {"网格", "count", "rate", "note"};
    t.rows = {{int64_t{101}, int64_t{7}, 1.25, std::string("淮海中路 300 号（弄堂）")},
              {int64_t{102}, Value{}, Value{}, std::string("")},
              {int64_t{103}, int64_t{-2}, int64_t{3}, std::string("南昌路, \"quoted\"")}};
    return t;
  }
  std::string bytes(const fs::path& p) const {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  size_t files_in_dir() const { return std::distance(fs::directory_iterator(dir_), fs::directory_iterator()); }
};

TEST_F(TableTest, CsvStartsWithABomAndReadsBackWithChineseIntact) {
  write_table(path("t.csv"), sample(), false);
  std::string raw = bytes(path("t.csv"));
  ASSERT_GE(raw.size(), 3u);
  EXPECT_EQ(raw.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(raw.substr(3, raw.find('\n') - 3), "网格,count,rate,note");
  EXPECT_NE(raw.find("\n101,7,1.25,淮海中路 300 号（弄堂）\n"), std::string::npos) << raw;  // numbers unquoted
  Read back = read_back(path("t.csv"));
  ASSERT_EQ(back.fields, (std::vector<std::string>{"网格", "count", "rate", "note"}));
  ASSERT_EQ(back.values.size(), 3u);
  EXPECT_EQ(back.values[0], (std::vector<std::string>{"101", "7", "1.25", "淮海中路 300 号（弄堂）"}));
  EXPECT_EQ(back.values[1], (std::vector<std::string>{"102", "", "", ""}));
  EXPECT_EQ(back.values[2], (std::vector<std::string>{"103", "-2", "3", "南昌路, \"quoted\""}));
  EXPECT_EQ(files_in_dir(), 1u);  // no temporary folder left behind
}

TEST_F(TableTest, XlsxKeepsTypesAndChineseText) {
  write_table(path("表.xlsx"), sample(), false);
  Read back = read_back(path("表.xlsx"));
  ASSERT_EQ(back.fields, (std::vector<std::string>{"网格", "count", "rate", "note"}));
  ASSERT_EQ(back.values.size(), 3u);
  EXPECT_EQ(back.values[0][3], "淮海中路 300 号（弄堂）");
  EXPECT_EQ(back.values[0][2], "1.25");
  EXPECT_EQ(back.values[2][2], "3");
  EXPECT_EQ(back.values[1][1], "");
  EXPECT_EQ(back.types[0], OFTInteger);  // XLSX holds numbers; GDAL reads whole ones as integers
  EXPECT_EQ(back.types[2], OFTReal);
  EXPECT_EQ(back.types[3], OFTString);
  EXPECT_EQ(back.layer, "表");
}

TEST_F(TableTest, RefusesToOverwriteUnlessAsked) {
  write_bytes("t.csv", "old");
  try {
    write_table(path("t.csv"), sample(), false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find(path("t.csv").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bytes(path("t.csv")), "old");
  write_table(path("t.csv"), sample(), true);
  EXPECT_EQ(read_back(path("t.csv")).values.size(), 3u);
  EXPECT_EQ(files_in_dir(), 1u);
}

TEST_F(TableTest, BadPathsAndRowsAreNamed) {
  auto expect_error = [&](const fs::path& out, const Table& t, ErrorKind kind, const std::string& words) {
    try {
      write_table(out, t, false);
      FAIL() << out << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error(path("t.txt"), sample(), ErrorKind::BadInput, ".csv or .xlsx");
  expect_error(path("t"), sample(), ErrorKind::BadInput, ".csv or .xlsx");
  expect_error(path("missing/t.csv"), sample(), ErrorKind::NotFound, "no folder");
  Table bad = sample();
  bad.rows[1].pop_back();
  expect_error(path("t.csv"), bad, ErrorKind::BadInput, "row 2 has 3 values for 4 columns");
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(TableTest, HotspotRowsNameTheirClassesAndLeaveUnknownsEmpty) {
  std::vector<analysis::HotspotRow> rows = {
      {5, 12, 3.5, 2.8, 0.005, analysis::HotspotClass::Hot99},
      {6, 0, std::nan(""), std::nan(""), std::nan(""), std::nullopt},
      {7, 1, 0.5, -1.7, 0.09, analysis::HotspotClass::Cold90},
  };
  Table t = hotspot_rows_table(rows);
  EXPECT_EQ(t.columns,
            (std::vector<std::string>{"id", "count", "rate", "z", "p", "gi_bin", "class", "class_zh"}));
  write_table(path("h.csv"), t, false);
  Read back = read_back(path("h.csv"));
  ASSERT_EQ(back.values.size(), 3u);
  EXPECT_EQ(back.values[0], (std::vector<std::string>{"5", "12", "3.5", "2.8", "0.005", "3", "hot_99", "热点 99%"}));
  EXPECT_EQ(back.values[1], (std::vector<std::string>{"6", "0", "", "", "", "", "no_data", "无数据"}));
  EXPECT_EQ(back.values[2], (std::vector<std::string>{"7", "1", "0.5", "-1.7", "0.09", "-1", "cold_90", "冷点 90%"}));
}

}  // namespace
