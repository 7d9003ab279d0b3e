// Builds a layer's SpatiaLite R*Tree in one pass by writing packed nodes straight into SQLite's R*Tree
// shadow tables (%_node, %_rowid, %_parent), in Hilbert order. SQLite's R*Tree is tuned for search, and
// growing it one insertion at a time is what makes bulk loads slow (see OSGeo/gdal#7614; the on-disk
// format is documented in sqlite's rtree.c).
#pragma once
#include <sqlite3.h>

#include <string>

namespace sitmap::store::detail {

// Replaces the contents of the R*Tree "idx_<table>_<column>" with the bounding boxes of every non-null
// geometry of the table. Must run inside the caller's transaction.
void pack_rtree(sqlite3* db, const std::string& file, const std::string& table, const std::string& column);

}  // namespace sitmap::store::detail
