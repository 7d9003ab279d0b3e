#include "rtree_pack.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "sqlite_util.hpp"

namespace sitmap::store::detail {

namespace {

struct Entry {
  int64_t id;  // row id (leaves) or child node number (inner nodes)
  float minx, maxx, miny, maxy;
  uint32_t hilbert;
};

// Single-precision bounds that still contain the double-precision box, as SQLite's R*Tree requires.
float round_down(double v) {
  float f = static_cast<float>(v);
  return f > v ? std::nextafter(f, -INFINITY) : f;
}
float round_up(double v) {
  float f = static_cast<float>(v);
  return f < v ? std::nextafter(f, INFINITY) : f;
}

// Position along a Hilbert curve over a 2^16 x 2^16 grid.
uint32_t hilbert_index(uint32_t x, uint32_t y) {
  uint32_t d = 0;
  for (uint32_t s = 1u << 15; s > 0; s >>= 1) {
    uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

void put_be64(uint8_t* p, int64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v & 0xff);
}
void put_be32f(uint8_t* p, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v & 0xff);
}

}  // namespace

std::vector<RowBox> read_row_boxes(sqlite3* db, const std::string& file, const std::string& table,
                                   const std::string& column) {
  std::vector<RowBox> out;
  const std::string g = quote_ident(column);
  Statement boxes(db, "SELECT id, MbrMinX(" + g + "), MbrMaxX(" + g + "), MbrMinY(" + g + "), MbrMaxY(" + g +
                          ") FROM " + quote_ident(table) + " WHERE " + g + " IS NOT NULL",
                  file);
  while (boxes.step()) out.push_back({boxes.integer(0), boxes.real(1), boxes.real(2), boxes.real(3), boxes.real(4)});
  return out;
}

void pack_rtree(sqlite3* db, const std::string& file, const std::string& table, const std::string& column,
                const std::vector<RowBox>& boxes) {
  const std::string idx = "idx_" + table + "_" + column;
  const std::string node_table = quote_ident(idx + "_node"), rowid_table = quote_ident(idx + "_rowid"),
                    parent_table = quote_ident(idx + "_parent");

  // The node size is fixed when the R*Tree is created; the (possibly empty) root always has it.
  size_t node_size = 0;
  {
    Statement root(db, "SELECT length(data) FROM " + node_table + " WHERE nodeno = 1", file);
    if (!root.step()) throw Error(ErrorKind::Internal, file + ": R*Tree " + idx + " has no root node");
    node_size = static_cast<size_t>(root.integer(0));
  }
  const size_t cell_size = 8 + 4 * 4;
  const size_t fanout = (node_size - 4) / cell_size;

  std::vector<Entry> entries;
  entries.reserve(boxes.size());
  for (const RowBox& b : boxes)
    entries.push_back({b.id, round_down(b.minx), round_up(b.maxx), round_down(b.miny), round_up(b.maxy), 0});

  for (const std::string& t : {node_table, rowid_table, parent_table}) Statement(db, "DELETE FROM " + t, file).run();

  Statement put_node(db, "INSERT INTO " + node_table + " (nodeno, data) VALUES (?, ?)", file);
  Statement put_rowid(db, "INSERT INTO " + rowid_table + " (rowid, nodeno) VALUES (?, ?)", file);
  Statement put_parent(db, "INSERT INTO " + parent_table + " (nodeno, parentnode) VALUES (?, ?)", file);
  std::vector<uint8_t> blob(node_size);

  if (entries.empty()) {
    std::fill(blob.begin(), blob.end(), 0);
    put_node.bind(1, int64_t{1}).bind_blob(2, blob).run();
    return;
  }

  float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
  for (auto& e : entries) {
    minx = std::min(minx, e.minx); maxx = std::max(maxx, e.maxx);
    miny = std::min(miny, e.miny); maxy = std::max(maxy, e.maxy);
  }
  const double sx = maxx > minx ? 65535.0 / (static_cast<double>(maxx) - minx) : 0;
  const double sy = maxy > miny ? 65535.0 / (static_cast<double>(maxy) - miny) : 0;
  for (auto& e : entries) {
    double cx = (static_cast<double>(e.minx) + e.maxx) / 2, cy = (static_cast<double>(e.miny) + e.maxy) / 2;
    e.hilbert = hilbert_index(static_cast<uint32_t>((cx - minx) * sx), static_cast<uint32_t>((cy - miny) * sy));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.hilbert != b.hilbert ? a.hilbert < b.hilbert : a.id < b.id;
  });

  // Levels bottom-up; nodes are numbered from 2 (1 is the root, written last), each level in Hilbert order.
  int64_t next_node = 2;
  int depth = 0;
  std::vector<Entry> level = std::move(entries);
  while (true) {
    const bool is_root = level.size() <= fanout;
    std::vector<Entry> parents;
    for (size_t start = 0; start < level.size(); start += fanout) {
      const size_t end = std::min(level.size(), start + fanout);
      const int64_t nodeno = is_root ? 1 : next_node++;
      std::fill(blob.begin(), blob.end(), 0);
      if (is_root) {
        blob[0] = static_cast<uint8_t>(depth >> 8);
        blob[1] = static_cast<uint8_t>(depth & 0xff);
      }
      blob[2] = static_cast<uint8_t>((end - start) >> 8);
      blob[3] = static_cast<uint8_t>((end - start) & 0xff);
      Entry box{nodeno, INFINITY, -INFINITY, INFINITY, -INFINITY, level[start].hilbert};
      for (size_t i = start; i < end; ++i) {
        const Entry& e = level[i];
        uint8_t* cell = blob.data() + 4 + (i - start) * cell_size;
        put_be64(cell, e.id);
        put_be32f(cell + 8, e.minx);
        put_be32f(cell + 12, e.maxx);
        put_be32f(cell + 16, e.miny);
        put_be32f(cell + 20, e.maxy);
        box.minx = std::min(box.minx, e.minx); box.maxx = std::max(box.maxx, e.maxx);
        box.miny = std::min(box.miny, e.miny); box.maxy = std::max(box.maxy, e.maxy);
        if (depth == 0) {
          put_rowid.reset();
          put_rowid.bind(1, e.id).bind(2, nodeno).run();
        } else {
          put_parent.reset();
          put_parent.bind(1, e.id).bind(2, nodeno).run();
        }
      }
      put_node.reset();
      put_node.bind(1, nodeno).bind_blob(2, blob).run();
      parents.push_back(box);
    }
    if (is_root) break;
    level = std::move(parents);
    ++depth;
  }
}

}  // namespace sitmap::store::detail
