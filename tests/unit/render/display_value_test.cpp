// Values in the details panel and tooltips read as a person writes them, by the type of the value: coded values
// by the style's labels, stored times as date and minute, nothing as a dash.
#include <gtest/gtest.h>

#include "sitmap/render/scene.hpp"

using namespace sitmap;

namespace {

Column text_column(std::string name, std::vector<std::string> values) {
  Column c;
  c.def = {std::move(name), FieldType::Text};
  for (auto& v : values) {
    c.valid.push_back(!v.empty());
    c.texts.push_back(std::move(v));
  }
  return c;
}

TEST(DisplayValue, CodedValuesTimesAndNothingReadAsWritten) {
  style::LayerStyle s;
  s.value_labels = {{"online", {{"1", "在线"}, {"0", "离线"}}}};
  Column online;
  online.def = {"online", FieldType::Integer};
  online.ints = {1, 0, 7};
  online.valid = {1, 1, 1};
  EXPECT_EQ(render::display_value(s, online, 0), "在线");
  EXPECT_EQ(render::display_value(s, online, 1), "离线");
  EXPECT_EQ(render::display_value(s, online, 2), "7");  // a code without a label stays as it is

  Column when = text_column("occurred_at", {"2026-04-20T10:25:00", "2026-04-20T10:25:31", "2026-04-20", ""});
  EXPECT_EQ(render::display_value(s, when, 0), "2026-04-20 10:25");
  EXPECT_EQ(render::display_value(s, when, 1), "2026-04-20 10:25:31");  // seconds kept when there are some
  EXPECT_EQ(render::display_value(s, when, 2), "2026-04-20");
  EXPECT_EQ(render::display_value(s, when, 3), "—");

  // Text that only looks like a time at first glance is left alone.
  Column code = text_column("device", {"HH-CAM-0001T", "2026-13-45T99:99:99"});
  EXPECT_EQ(render::display_value(s, code, 0), "HH-CAM-0001T");
  EXPECT_EQ(render::display_value(s, code, 1), "2026-13-45T99:99:99");
}

}  // namespace
