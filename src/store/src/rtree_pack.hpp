// Builds a layer's SpatiaLite R*Tree in one pass by writing packed nodes straight into SQLite's R*Tree
// shadow tables (%_node, %_rowid, %_parent), in Hilbert order. SQLite's R*Tree is tuned for search, and
// growing it one insertion at a time is what makes bulk loads slow (see OSGeo/gdal#7614; the on-disk
// format is documented in sqlite's rtree.c).
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sitmap::store::detail {

struct RowBox {
  int64_t id;
  double minx, maxx, miny, maxy;
};

// The bounding boxes of every non-null geometry of the table.
std::vector<RowBox> read_row_boxes(sqlite3* db, const std::string& file, const std::string& table,
                                   const std::string& column);

// Replaces the contents of the R*Tree "idx_<table>_<column>" with `boxes` (every non-null geometry of the
// table). Must run inside the caller's transaction.
void pack_rtree(sqlite3* db, const std::string& file, const std::string& table, const std::string& column,
                const std::vector<RowBox>& boxes);

}  // namespace sitmap::store::detail
