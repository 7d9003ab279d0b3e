// The map's layers as the window reads them through services: order, missing layers, the sensitive layer
// as counts only (restricted by its stored kind), counted by the block its sealed rows keep in clear.
#include "sitmap/ui/map_scene.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <numeric>

#include "../../render/fixture_district.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

class MapSceneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = fs::temp_directory_path() / ("sitmap_map_scene_test_" + std::to_string(::getpid()) + ".sqlite");
    fs::remove(path_);
    fixture::build_fixture_district(path_);
    // One more person, kept in the south-east block (HH-03).
    auto store = store::open_spatialite(path_, store::OpenMode::ReadWrite);
    store->write([](store::Writer& w) { w.insert_sealed("special_persons", {8, "HH-03", "社区矫正", {0}}); });
    store.reset();
    ws_ = services::Workspace::open(path_, store::OpenMode::ReadOnly).release();
    styles_ = new style::StyleSet(style::load_styles(fs::path(SITMAP_SOURCE_DIR) / "layers"));
    scene_ = new render::Scene(ui::load_scene(*ws_, *styles_));
  }
  static void TearDownTestSuite() {
    delete scene_;
    delete styles_;
    delete ws_;
    fixture::remove_database(path_);
  }
  static inline fs::path path_;
  static inline services::Workspace* ws_ = nullptr;
  static inline style::StyleSet* styles_ = nullptr;
  static inline render::Scene* scene_ = nullptr;
};

TEST_F(MapSceneTest, LoadsEveryStyledLayerInDashboardOrder) {
  ASSERT_EQ(scene_->layers.size(), styles_->dashboard.order.size());
  for (size_t i = 0; i < scene_->layers.size(); ++i)
    EXPECT_EQ(scene_->layers[i].style.name, styles_->dashboard.order[i]);
  EXPECT_TRUE(scene_->extent.contains(scene_->origin));
  // The map shares the workspace's snapshots rather than reading its own.
  EXPECT_EQ(scene_->find("incidents")->data, ws_->snapshot("incidents"));
}

TEST_F(MapSceneTest, MissingLayersAreSkipped) {
  style::StyleSet only = *styles_;
  only.layers.push_back(only.layers.front());
  only.layers.back().name = "ghost";
  only.layers.back().source = "ghost";
  render::Scene s = ui::load_scene(*ws_, only, {{"ghost", "streets"}});
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_EQ(s.layers[0].style.name, "streets");
}

TEST_F(MapSceneTest, SensitiveLayerKeepsOnlyCountsPerBlockAndIsRestrictedByItsKind) {
  const render::SceneLayer* persons = scene_->find("special_persons");
  ASSERT_TRUE(persons);
  EXPECT_EQ(persons->data, nullptr);  // no rows, no names, no points reach the map
  EXPECT_FALSE(persons->visible);
  EXPECT_TRUE(persons->restricted);
  EXPECT_EQ(persons->total, 8);
  ASSERT_EQ(persons->counts.size(), 4u);  // one per block
  EXPECT_EQ(std::accumulate(persons->counts.begin(), persons->counts.end(), int64_t(0)), 8);
  EXPECT_TRUE(render::feature_attributes(*persons, 0).empty());
  // The kind recorded in the store decides, not the style: an operational layer is not restricted even
  // when its style file calls it sensitive.
  style::StyleSet marked = *styles_;
  for (auto& l : marked.layers)
    if (l.name == "cameras") l.sensitive = true;
  render::Scene s = ui::load_scene(*ws_, marked, {{"cameras"}});
  ASSERT_EQ(s.layers.size(), 1u);
  EXPECT_FALSE(s.layers[0].restricted);
  EXPECT_FALSE(render::feature_attributes(s.layers[0], 0).empty());
}

TEST_F(MapSceneTest, SealedPersonsCountInTheBlockTheyKeepInClear) {
  const render::SceneLayer* persons = scene_->find("special_persons");
  ASSERT_TRUE(persons);
  auto points = ws_->snapshot("special_persons");  // the workstation's: no position at all
  for (double lon : points->lon) EXPECT_TRUE(std::isnan(lon));
  // Blocks SW (HH-01), NW, SE (HH-03), NE.
  EXPECT_EQ(persons->counts, (std::vector<int64_t>{7, 0, 1, 0}));
}

}  // namespace
