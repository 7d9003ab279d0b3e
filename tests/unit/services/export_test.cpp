// services::export_layer: access decides from the layer kind recorded in the store, then io writes.
#include "sitmap/services/export.hpp"

#include <gtest/gtest.h>

#include "../io/io_fixtures.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/services/import.hpp"

using namespace sitmap;
namespace fs = std::filesystem;

namespace {

class ExportService : public io::test::IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    ws_ = services::Workspace::open(path("ws.sqlite"), store::OpenMode::Create);
    auto csv = write_bytes("persons.csv", "姓名,lon,lat\n张三,121.47,31.22\n李四,121.48,31.22\n");
    io::ImportOptions o;
    o.layer = "persons";
    o.kind = LayerKind::Sensitive;
    services::Workspace duty(store::open_spatialite(path("ws.sqlite"), store::OpenMode::ReadWrite),
                             access::Principal{"duty", access::Role::Duty, false},  // may import, not export
                             access::DataKey::generate());
    services::import_any(duty, {csv, o});
    o.layer = "posts";
    o.kind = LayerKind::Operational;
    services::import_any(*ws_, {csv, o});
  }
  std::vector<fs::path> files_in_dir() const {
    std::vector<fs::path> out;
    for (auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::unique_ptr<services::Workspace> ws_;
};

TEST_F(ExportService, SensitiveLayerIsRefusedAndNothingIsWritten) {
  EXPECT_FALSE(services::may_export(*ws_, "persons"));
  EXPECT_TRUE(services::may_export(*ws_, "posts"));
  auto before = files_in_dir();
  for (const char* out : {"p.geojson", "p.shp", "p.csv"}) {
    try {
      services::export_layer(*ws_, {"persons", path(out), {}});
      FAIL() << "exported a sensitive layer to " << out;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Denied);
      EXPECT_NE(std::string(e.what()).find("persons"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("张三"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(files_in_dir(), before);  // no file, no temporary folder
}

// The role alone does not authorise: a duty officer exports sensitive rows only when cleared.
TEST_F(ExportService, AnUnclearedDutyOfficerCannotExportSensitiveRows) {
  services::Workspace officer(store::open_spatialite(path("ws.sqlite"), store::OpenMode::ReadOnly),
                              access::Principal{"duty", access::Role::Duty, false});
  EXPECT_THROW(services::export_layer(officer, {"persons", path("p.gpkg"), {}}), Error);
  EXPECT_FALSE(fs::exists(path("p.gpkg")));
}

TEST_F(ExportService, OperationalLayerIsWritten) {
  auto r = services::export_layer(*ws_, {"posts", path("posts.csv"), {}});
  EXPECT_EQ(r.written, 2);
  EXPECT_EQ(r.format, "CSV");
  auto back = read_back(path("posts.csv"));
  ASSERT_EQ(back.values.size(), 2u);
  EXPECT_EQ(back.values[1][0], "李四");
}

TEST_F(ExportService, MissingLayerIsNotFound) {
  try {
    services::export_layer(*ws_, {"nowhere", path("n.gpkg"), {}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
}

}  // namespace
