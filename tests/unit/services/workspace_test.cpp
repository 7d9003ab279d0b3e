// The Workspace reads a layer once and shares it; access decides from the kind recorded in the store; the map's
// counts per polygon follow the statistics' rule.
#include "sitmap/services/workspace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "sitmap/access/sealed.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/map_data.hpp"
#include "sitmap/services/selection.hpp"

namespace fs = std::filesystem;
using namespace sitmap;

namespace {

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sitmap_workspace_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = store::open_spatialite(dir_ / "w.sqlite", store::OpenMode::Create);
    store->write([&](store::Writer& w) {
      LayerInfo blocks;
      blocks.name = "blocks";
      blocks.geom_type = GeomType::Polygon;
      blocks.fields = {{"block_no", FieldType::Integer}};
      w.create_layer(blocks);
      for (int b = 0; b < 2; ++b) {  // two squares sharing the edge x = 1
        Feature f;
        double x0 = 121.46 + b * 0.01;
        f.geometry = Geometry::polygon({{{{x0, 31.2}, {x0 + 0.01, 31.2}, {x0 + 0.01, 31.21}, {x0, 31.21}, {x0, 31.2}}}});
        f.values = {int64_t{b + 1}};
        w.insert("blocks", f);
      }
      LayerInfo persons;
      persons.name = "persons";
      persons.kind = LayerKind::Sensitive;
      persons.fields = {{"name", FieldType::Text}, {"block_no", FieldType::Integer}};
      w.create_layer(persons);
      // Sealed rows keep their block in clear; the last is in no block.
      std::vector<std::pair<XY, Value>> rows = {{{121.465, 31.205}, int64_t{1}}, {{121.4655, 31.2055}, int64_t{1}},
                                                {{121.475, 31.205}, int64_t{2}}, {{121.50, 31.205}, Value{}}};
      for (auto& [p, block] : rows) {
        Feature f;
        f.id = w.next_id("persons");
        f.geometry = Geometry::point(p);
        f.values = {std::string("张三"), block};
        w.insert_sealed("persons", access::seal_row(*key_, persons, f));
      }
    });
    ws_ = services::Workspace::open(dir_ / "w.sqlite", store::OpenMode::ReadOnly);
  }
  void TearDown() override {
    ws_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::shared_ptr<const access::DataKey> key_ = access::DataKey::generate();
  std::unique_ptr<services::Workspace> ws_;
};

TEST_F(WorkspaceTest, ALayerIsReadOnceUntilInvalidated) {
  auto a = ws_->snapshot("blocks");
  EXPECT_EQ(a, ws_->snapshot("blocks"));
  ws_->invalidate("blocks");
  auto b = ws_->snapshot("blocks");
  EXPECT_NE(a, b);
  EXPECT_EQ(a->size(), b->size());
  EXPECT_THROW(ws_->snapshot("nowhere"), Error);
}

TEST_F(WorkspaceTest, SensitiveRowsLeaveOnlyAsCountsPerPolygon) {
  try {
    services::visible_snapshot(*ws_, "persons");
    FAIL() << "a viewer saw sensitive points";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Denied);
    EXPECT_EQ(std::string(e.what()).find("张三"), std::string::npos) << e.what();
  }
  auto counts = services::count_in_polygons(*ws_, "persons", "blocks");  // by the clear block numbers
  EXPECT_EQ(counts.counts, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(counts.total, 4);
  auto seen = ws_->snapshot("persons");  // what the workstation reads: blocks, no name, no position
  ASSERT_EQ(seen->size(), 4u);
  EXPECT_EQ(seen->column("block_no")->ints[2], 2);
  EXPECT_FALSE(seen->column("name")->valid[0]);
  EXPECT_TRUE(std::isnan(seen->lon[0]));

  // A heatmap or hot spots of the layer would show its positions: refused the same way.
  EXPECT_THROW(services::incident_layer(*ws_, "persons"), Error);
  EXPECT_THROW(services::incident_layer(*ws_, "persons", {}), Error);

  // A duty officer holding the key sees the points, opened in memory, and counts the same.
  services::Workspace officer(store::open_spatialite(dir_ / "w.sqlite", store::OpenMode::ReadOnly),
                              access::Principal{"duty", access::Role::Duty, false}, key_);
  auto points = services::visible_snapshot(officer, "persons");
  ASSERT_EQ(points->size(), 4u);
  EXPECT_EQ(points->column("name")->texts[3], "张三");
  EXPECT_DOUBLE_EQ(points->lon[2], 121.475);
  EXPECT_EQ(services::count_in_polygons(officer, "persons", "blocks").counts, counts.counts);
  // Without the key the same officer sees no position: nothing to draw.
  services::Workspace keyless(store::open_spatialite(dir_ / "w.sqlite", store::OpenMode::ReadOnly),
                              access::Principal{"duty", access::Role::Duty, false});
  EXPECT_TRUE(std::isnan(services::visible_snapshot(keyless, "persons")->lon[0]));
}

}  // namespace
