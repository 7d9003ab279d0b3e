#include "sitmap/render/scene.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "../../render/fixture_district.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/geo/proj.hpp"
#include "sitmap/store/snapshot.hpp"

namespace fs = std::filesystem;
using namespace sitmap;
using namespace sitmap::render;

class SceneTest : public ::testing::Test {
 protected:
  // The fixture district's layers as the window shows them, read straight from the store here (in the
  // product ui::load_scene reads them through services; render only prepares what it is given).
  static void SetUpTestSuite() {
    path_ = fs::temp_directory_path() / ("sitmap_scene_test_" + std::to_string(::getpid()) + ".sqlite");
    fs::remove(path_);
    fixture::build_fixture_district(path_);
    auto store = store::open_spatialite(path_, store::OpenMode::ReadOnly);
    styles_ = new style::StyleSet(style::load_styles(fs::path(SITMAP_SOURCE_DIR) / "layers"));
    const store::SnapshotOptions all;
    std::vector<SceneLayer> layers;
    for (auto& st : styles_->layers)
      if (st.draw != style::DrawKind::Counts && store->find_layer(st.source))
        layers.push_back(make_layer(st, store::load_snapshot(*store, st.source, all)));
    scene_ = new Scene(make_scene(std::move(layers)));
  }
  static void TearDownTestSuite() {
    delete scene_;
    delete styles_;
    fixture::remove_database(path_);
  }
  static Camera camera_on(XY lonlat, double zoom) {
    Camera c;
    c.center = geo::to_web_mercator(lonlat);
    c.zoom = zoom;
    c.width = 1000;
    c.height = 800;
    return c;
  }
  static inline fs::path path_;
  static inline style::StyleSet* styles_ = nullptr;
  static inline Scene* scene_ = nullptr;
};

TEST_F(SceneTest, LayersKeepTheirOrderAndProjectToWebMercator) {
  ASSERT_FALSE(scene_->layers.empty());
  for (size_t i = 1; i < scene_->layers.size(); ++i)  // make_scene keeps the order it is given
    EXPECT_LT(
        std::find(styles_->dashboard.order.begin(), styles_->dashboard.order.end(), scene_->layers[i - 1].style.name),
        std::find(styles_->dashboard.order.begin(), styles_->dashboard.order.end(), scene_->layers[i].style.name));
  EXPECT_FALSE(scene_->extent.empty());
  EXPECT_TRUE(scene_->extent.contains(scene_->origin));
  const SceneLayer* streets = scene_->find("streets");
  ASSERT_TRUE(streets);
  ASSERT_EQ(streets->world.size(), 4u);
  // World geometry is Web Mercator metres.
  XY first = streets->world[0].lines[0][0];
  XY expected = geo::to_web_mercator(XY{121.460, 31.219});
  EXPECT_NEAR(first.x, expected.x, 1e-6);
  EXPECT_NEAR(first.y, expected.y, 1e-6);
  EXPECT_TRUE(streets->extent.contains(expected));
}

TEST_F(SceneTest, CountsLayerKeepsOnlyCountsAtThePolygonAnchors) {
  const SceneLayer* blocks = scene_->find("blocks");
  ASSERT_TRUE(blocks);
  const style::LayerStyle* persons = styles_->find("special_persons");
  ASSERT_TRUE(persons);
  SceneLayer l = make_counts_layer(*persons, *blocks->data, {7, 0, 0, 0}, 9);
  EXPECT_EQ(l.data, nullptr);  // no rows, no names, no points reach the map
  EXPECT_EQ(l.total, 9);
  ASSERT_EQ(l.count_anchors.size(), 4u);
  EXPECT_EQ(l.count_anchors[0], (XY{blocks->data->x[0], blocks->data->y[0]}));
  EXPECT_TRUE(l.extent.contains(l.count_anchors[3]));
  EXPECT_EQ(l.size(), 4u);
  EXPECT_TRUE(feature_attributes(l, 0).empty());
  EXPECT_EQ(feature_title(l, 0), persons->title);
  // Counts that do not match the polygons are a programming error, named.
  EXPECT_THROW(make_counts_layer(*persons, *blocks->data, {7, 0}, 7), Error);
}

TEST_F(SceneTest, RestrictedLayerShowsNoAttributes) {
  SceneLayer cameras = *scene_->find("cameras");
  ASSERT_FALSE(feature_attributes(cameras, 0).empty());
  cameras.restricted = true;  // as ui::load_scene sets it from the stored layer kind
  EXPECT_TRUE(feature_attributes(cameras, 0).empty());
  EXPECT_EQ(feature_title(cameras, 0), cameras.style.title);
}

TEST_F(SceneTest, ColoursFollowStatusDimAndRamp) {
  const SceneLayer* hazards = scene_->find("fire_hazards");
  ASSERT_TRUE(hazards);
  auto red = *style::parse_color("#EF4444"), amber = *style::parse_color("#F59E0B"),
       green = *style::parse_color("#22C55E");
  EXPECT_EQ(feature_color(*hazards, 0, style::Theme::Dark), red);    // 发现
  EXPECT_EQ(feature_color(*hazards, 1, style::Theme::Dark), amber);  // 整改中
  EXPECT_EQ(feature_color(*hazards, 2, style::Theme::Dark), green);  // 已整改
  const SceneLayer* cameras = scene_->find("cameras");
  EXPECT_EQ(cameras->dimmed, 1);
  EXPECT_TRUE(feature_dimmed(*cameras, 2));
  EXPECT_EQ(feature_color(*cameras, 2, style::Theme::Dark), *style::parse_color("#6B7280"));
  const SceneLayer* blocks = scene_->find("blocks");
  // households 150, 500, 850, 1200: the ramp's last stop is 1200.
  EXPECT_EQ(feature_color(*blocks, 3, style::Theme::Dark), blocks->style.ramp.back().color.dark);
  EXPECT_NE(feature_color(*blocks, 0, style::Theme::Dark), feature_color(*blocks, 1, style::Theme::Dark));
  const SceneLayer* streets = scene_->find("streets");
  EXPECT_EQ(feature_width(*streets, 0), 9);    // primary
  EXPECT_EQ(feature_width(*streets, 3), 2.5);  // residential
}

TEST_F(SceneTest, ClustersConserveThePointsInView) {
  const SceneLayer* incidents = scene_->find("incidents");
  Camera c = camera_on({121.468, 31.219}, 14);  // the whole fixture in view
  auto clusters = screen_grid_clusters(*incidents->data, c, 56);
  int64_t total = 0;
  for (auto& cl : clusters) total += cl.count;
  EXPECT_EQ(total, 400);
  EXPECT_LT(clusters.size(), 400u);
  // Closer in, cells shrink: more clusters.
  EXPECT_GT(screen_grid_clusters(*incidents->data, camera_on({121.468, 31.219}, 16), 56).size(), clusters.size());
}

TEST_F(SceneTest, PickFindsTopmostFeature) {
  Camera c = camera_on({121.468, 31.219}, 17);
  const SceneLayer* cameras = scene_->find("cameras");
  size_t cam_index = scene_->find("cameras") - scene_->layers.data();
  // Camera 2 at (121.4690, 31.2210).
  XY s = c.world_to_screen(geo::to_web_mercator(XY{121.4690, 31.2210}));
  auto hit = pick(*scene_, c, {s.x + 3, s.y - 2});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->layer, cam_index);
  EXPECT_EQ(cameras->data->ids[hit->row], cameras->data->ids[1]);
  EXPECT_EQ(feature_title(*cameras, hit->row), "摄像头 #2");
  auto attrs = feature_attributes(*cameras, hit->row);
  ASSERT_GE(attrs.size(), 2u);
  EXPECT_EQ(attrs[1].first, "设备编号");  // the Chinese name from [fields] in layers/cameras.toml
  EXPECT_EQ(attrs[1].second, "CAM-002");
  // A point inside a block, away from any symbol or street, picks the block.
  XY inside = c.world_to_screen(geo::to_web_mercator(XY{121.4620, 31.2225}));
  auto block = pick(*scene_, c, inside);
  ASSERT_TRUE(block);
  EXPECT_EQ(scene_->layers[block->layer].style.name, "compounds");
}

TEST_F(SceneTest, ClustersCountOnlyShownRows) {
  const SceneLayer* incidents = scene_->find("incidents");
  Camera c = camera_on({121.468, 31.219}, 14);
  std::vector<uint32_t> even;
  for (uint32_t i = 0; i < incidents->data->size(); i += 2) even.push_back(i);
  auto clusters = screen_grid_clusters(*incidents->data, c, 56, &even);
  int64_t total = 0;
  for (auto& cl : clusters) {
    total += cl.count;
    EXPECT_EQ(cl.first % 2, 0u) << "a cluster names a hidden row";
  }
  EXPECT_EQ(total, 200);
  std::vector<uint32_t> none;
  EXPECT_TRUE(screen_grid_clusters(*incidents->data, c, 56, &none).empty());
}

TEST_F(SceneTest, PickIgnoresRowsHiddenByTheFilter) {
  Scene scene = *scene_;
  Camera c = camera_on({121.468, 31.219}, 17);
  size_t li = scene.find("cameras") - scene.layers.data();
  SceneLayer& cameras = scene.layers[li];
  XY s = c.world_to_screen(geo::to_web_mercator(XY{121.4690, 31.2210}));  // camera 2, row 1
  ASSERT_TRUE(pick(scene, c, s));
  EXPECT_EQ(pick(scene, c, s)->layer, li);
  std::vector<uint32_t> all_but_1;
  for (uint32_t i = 0; i < cameras.data->size(); ++i)
    if (i != 1) all_but_1.push_back(i);
  cameras.shown = std::make_shared<const std::vector<uint32_t>>(all_but_1);
  EXPECT_FALSE(cameras.row_shown(1));
  EXPECT_TRUE(cameras.row_shown(0));
  auto hit = pick(scene, c, s);
  EXPECT_TRUE(!hit || hit->layer != li) << "picked a hidden camera";
  cameras.shown = std::make_shared<const std::vector<uint32_t>>(std::vector<uint32_t>{1});
  ASSERT_TRUE(pick(scene, c, s));
  EXPECT_EQ(pick(scene, c, s)->row, 1u);
  // Hidden areas are not picked either: the block under this point falls through to the layer below.
  size_t ci = scene.find("compounds") - scene.layers.data();
  XY inside = c.world_to_screen(geo::to_web_mercator(XY{121.4620, 31.2225}));
  auto block = pick(scene, c, inside);
  ASSERT_TRUE(block);
  ASSERT_EQ(block->layer, ci);
  scene.layers[ci].shown = std::make_shared<const std::vector<uint32_t>>();
  auto below = pick(scene, c, inside);
  EXPECT_TRUE(!below || below->layer != ci);
}

TEST_F(SceneTest, FillColoursOverrideTheStyle) {
  const SceneLayer& blocks = *scene_->find("blocks");
  auto styled = feature_color(blocks, 2, style::Theme::Dark);
  style::Color gi_hot = *style::parse_color("#B91C1C"), gi_cold = *style::parse_color("#1D4ED8");
  const std::vector<style::Color> gi{gi_hot, gi_cold, gi_cold, gi_hot};
  ASSERT_NE(styled, gi_cold);
  EXPECT_EQ(feature_color(blocks, 0, style::Theme::Dark, &gi), gi_hot);
  EXPECT_EQ(feature_color(blocks, 2, style::Theme::Light, &gi), gi_cold);
  const std::vector<style::Color> short_list{gi_hot};  // rows beyond the list keep the style's colour
  EXPECT_EQ(feature_color(blocks, 2, style::Theme::Dark, &short_list), styled);
  EXPECT_EQ(feature_color(blocks, 2, style::Theme::Dark), styled);
}

// The zoom and heatmap rules layers/*.toml sets, which the renderer, picking and the legend share.
TEST_F(SceneTest, ClosedCasesFansAndClustersFollowTheirZoom) {
  const SceneLayer* hazards = scene_->find("fire_hazards");
  size_t hazard_index = hazards - scene_->layers.data();
  // Hazard 3 (已整改) at (121.4712, 31.2203) is drawn, and so picked, only from street zoom.
  XY at = geo::to_web_mercator(XY{121.4712, 31.2203});
  Camera district = camera_on({121.4712, 31.2203}, 16), street = camera_on({121.4712, 31.2203}, 17.5);
  EXPECT_GT(feature_min_zoom(*hazards, 2), 16);
  EXPECT_EQ(feature_min_zoom(*hazards, 0), 0);  // 发现: always
  auto near = pick(*scene_, street, street.world_to_screen(at));
  ASSERT_TRUE(near);
  EXPECT_EQ(near->layer, hazard_index);
  auto far = pick(*scene_, district, district.world_to_screen(at));
  EXPECT_FALSE(far && far->layer == hazard_index);

  const auto& cameras = scene_->find("cameras")->style;
  EXPECT_FALSE(draws_wedges(cameras, 16));
  EXPECT_TRUE(draws_wedges(cameras, 17.5));
  const auto& incidents = scene_->find("incidents")->style;
  EXPECT_TRUE(hidden_under_heatmap(incidents, 16));     // clusters give way to the heatmap
  EXPECT_FALSE(hidden_under_heatmap(incidents, 18));    // single incidents stay over it
  EXPECT_FALSE(hidden_under_heatmap(hazards->style, 16));  // not a cluster layer
}

TEST_F(SceneTest, ClusterAndBlockColoursAreClasses) {
  const auto& incidents = scene_->find("incidents")->style;
  ASSERT_GE(incidents.cluster_classes.size(), 2u);
  const auto& k = incidents.cluster_classes;
  auto dark = style::Theme::Dark;
  EXPECT_EQ(cluster_color(incidents, int64_t(k[0].value), dark), k[0].color.dark);
  EXPECT_EQ(cluster_color(incidents, int64_t(k[1].value) - 1, dark), k[0].color.dark);
  EXPECT_EQ(cluster_color(incidents, int64_t(k[1].value), dark), k[1].color.dark);
  EXPECT_EQ(cluster_color(incidents, 1000000, dark), k.back().color.dark);
  // Blocks: a step per class, no colours between them (the legend names each class's range).
  const SceneLayer* blocks = scene_->find("blocks");
  ASSERT_TRUE(blocks->style.ramp_classes);
  const auto& r = blocks->style.ramp;
  EXPECT_EQ(ramp_class(blocks->style, r[1].value - 0.5), 0u);
  EXPECT_EQ(ramp_class(blocks->style, r[1].value), 1u);
  EXPECT_EQ(ramp_class(blocks->style, 1e9), r.size() - 1);
  // households 150 and 500 in the fixture: the first class and the last.
  EXPECT_EQ(feature_color(*blocks, 0, dark), r.front().color.dark);
  EXPECT_EQ(feature_color(*blocks, 1, dark), r.back().color.dark);
}
