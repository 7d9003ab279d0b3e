// The Workspace reads a layer once and shares it; access decides from the kind recorded in the store; the map's
// counts per polygon follow the statistics' rule.
#include "sitmap/services/workspace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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
    store->write([](store::Writer& w) {
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
      persons.fields = {{"name", FieldType::Text}};
      w.create_layer(persons);
      for (XY p : {XY{121.465, 31.205}, XY{121.47, 31.205}, XY{121.475, 31.205}, XY{121.50, 31.205}}) {
        Feature f;
        f.geometry = Geometry::point(p);  // the second on the shared edge, the last outside both
        f.values = {std::string("张三")};
        w.insert("persons", f);
      }
    });
    ws_ = services::Workspace::open(dir_ / "w.sqlite", store::OpenMode::ReadOnly);
  }
  void TearDown() override {
    ws_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
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
  auto counts = services::count_in_polygons(*ws_, "persons", "blocks");
  ASSERT_EQ(counts.counts.size(), 2u);
  EXPECT_EQ(counts.total, 4);
  EXPECT_EQ(counts.counts[0] + counts.counts[1], 3);  // the edge point once, the far one in neither
  EXPECT_GE(counts.counts[0], 1);
  EXPECT_GE(counts.counts[1], 1);

  // A heatmap or hot spots of the layer would show its positions: refused the same way.
  EXPECT_THROW(services::incident_layer(*ws_, "persons"), Error);
  EXPECT_THROW(services::incident_layer(*ws_, "persons", {}), Error);

  services::Workspace officer(store::open_spatialite(dir_ / "w.sqlite", store::OpenMode::ReadOnly),
                              access::Principal{"duty", access::Role::Duty, false});
  EXPECT_EQ(services::visible_snapshot(officer, "persons")->size(), 4u);
}

}  // namespace
