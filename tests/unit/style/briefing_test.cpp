#include "sitmap/style/briefing.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "sitmap/core/error.hpp"
#include "sitmap/style/style.hpp"

namespace sitmap::style {
namespace {

namespace fs = std::filesystem;

const char* kHead = "title = \"汇报\"\n";

std::string parse_error(const std::string& text) {
  try {
    parse_briefing_text(text, "layers/briefing.toml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(Briefing, ShippedFileHasTheFourScenesTheCentreAsksForWithKnownLayers) {
  Briefing b = parse_briefing(fs::path(SITMAP_SOURCE_DIR) / "layers" / "briefing.toml");
  ASSERT_GE(b.scenes.size(), 4u);
  std::vector<std::string> ids;
  for (const auto& s : b.scenes) ids.push_back(s.id);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 4),
            (std::vector<std::string>{"overview", "trends", "rectification", "hotspots"}));
  EXPECT_FALSE(b.scenes[0].tiles.empty());
  EXPECT_EQ(b.scenes[1].charts.front(), "trend:burglary");
  EXPECT_NE(std::find(b.scenes[3].highlight.begin(), b.scenes[3].highlight.end(), "zero_incident_compounds"),
            b.scenes[3].highlight.end());
  StyleSet styles = load_styles(fs::path(SITMAP_SOURCE_DIR) / "layers");
  for (const auto& s : b.scenes)
    for (const auto& layer : s.layers) {
      ASSERT_TRUE(styles.find(layer)) << s.id << ": " << layer;
      // The wall screen never draws a sensitive layer's points: its scenes highlight counts instead.
      EXPECT_FALSE(styles.find(layer)->sensitive) << s.id << ": " << layer;
    }
}

TEST(Briefing, ViewsPeriodsAndIntervalsAreReadAndInherited) {
  Briefing b = parse_briefing_text(std::string(kHead) +
                                       "interval = 15\nperiod = \"this-year\"\n"
                                       "[[scene]]\nid = \"a\"\ntitle = \"甲\"\nview = { bbox = [121.46, 31.21, 121.49, 31.23] }\n"
                                       "[[scene]]\nid = \"b\"\ntitle = \"乙\"\nview = { center = [121.47, 31.22], zoom = 16 }\n"
                                       "interval = 40\nperiod = \"last-30-days\"\n",
                                   "b.toml");
  ASSERT_EQ(b.scenes.size(), 2u);
  EXPECT_EQ((*b.scenes[0].bbox)[2], 121.49);
  EXPECT_FALSE(b.scenes[0].center);
  EXPECT_EQ(b.scenes[1].zoom, 16);
  EXPECT_EQ(b.interval_of(b.scenes[0]), 15);
  EXPECT_EQ(b.interval_of(b.scenes[1]), 40);
  EXPECT_EQ(b.period_of(b.scenes[0]), "this-year");
  EXPECT_EQ(b.period_of(b.scenes[1]), "last-30-days");
}

TEST(Briefing, ErrorsNameTheFileAndTheKey) {
  std::string scene = "[[scene]]\nid = \"a\"\ntitle = \"甲\"\n";
  EXPECT_NE(parse_error(kHead).find("layers/briefing.toml: key 'scene': missing"), std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "charts = [\"pie\"]\n").find("key 'scene[1].charts': unknown chart \"pie\""),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "view = { zoom = 15 }\n").find("key 'scene[1].view.zoom'"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "view = { bbox = [121.5, 31.2, 121.4, 31.3] }\n")
                .find("key 'scene[1].view.bbox'"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "colour = 1\n").find("key 'scene[1].colour': unknown key"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + scene).find("key 'scene[2].id': \"a\" used twice"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + "[[scene]]\nid = \"a b\"\ntitle = \"甲\"\n").find("key 'scene[1].id'"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "highlight = [\"special_points\"]\n").find("scene[1].highlight"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string(kHead) + scene + "tiles = [1]\n").find("scene[1].tiles"), std::string::npos);
  EXPECT_NE(parse_error("title = \n").find("layers/briefing.toml:1"), std::string::npos);
}

TEST(Briefing, SavedFileReadsBackTheSame) {
  Briefing b = parse_briefing(fs::path(SITMAP_SOURCE_DIR) / "layers" / "briefing.toml");
  b.scenes[0].title = "改过的标题";
  b.scenes[0].interval = 30;
  b.scenes[1].center = std::array<double, 2>{121.47, 31.22};
  b.scenes[1].zoom = 15.5;
  fs::path file = fs::temp_directory_path() / ("sitmap_briefing_test_" + std::to_string(::getpid()) + ".toml");
  save_briefing(b, file);
  Briefing again = parse_briefing(file);
  fs::remove(file);
  ASSERT_EQ(again.scenes.size(), b.scenes.size());
  EXPECT_EQ(again.title, b.title);
  for (size_t i = 0; i < b.scenes.size(); ++i) {
    EXPECT_EQ(again.scenes[i].title, b.scenes[i].title);
    EXPECT_EQ(again.scenes[i].interval, b.scenes[i].interval);
    EXPECT_EQ(again.scenes[i].layers, b.scenes[i].layers);
    EXPECT_EQ(again.scenes[i].tiles, b.scenes[i].tiles);
    EXPECT_EQ(again.scenes[i].charts, b.scenes[i].charts);
    EXPECT_EQ(again.scenes[i].highlight, b.scenes[i].highlight);
    EXPECT_EQ(again.scenes[i].center, b.scenes[i].center);
    EXPECT_EQ(again.scenes[i].zoom, b.scenes[i].zoom);
  }
  EXPECT_THROW(save_briefing(b, "/nonexistent/dir/briefing.toml"), Error);
}

}  // namespace
}  // namespace sitmap::style
