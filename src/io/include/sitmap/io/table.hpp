// Plain tables of results (hot spot statistics, counts per block) written for spreadsheets: CSV (UTF-8 with a
// byte order mark, so that Excel shows Chinese text correctly) or XLSX, chosen by the output's extension.
// The file is written under a temporary name and renamed into place, so a failure leaves no half-written file.
#pragma once
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sitmap/analysis/hotspot.hpp"
#include "sitmap/core/types.hpp"

namespace sitmap::io {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;  // one Value per column; null (monostate) writes an empty cell
};

// A column holding only integers (and nulls) is written as integers, one with numbers as reals, anything else
// as text. Throws Error naming the file: BadInput for an unknown extension (use .csv or .xlsx), an existing
// file without overwrite or a row of the wrong width; NotFound for a missing folder.
void write_table(const std::filesystem::path& out, const Table& table, bool overwrite);
// Whether write_table takes this file (.csv or .xlsx, any case), so that callers can choose a writer.
bool is_table_file(const std::filesystem::path& out);

// Columns id, count, rate, z, p, gi_bin (ArcGIS's Gi_Bin), class (analysis::hotspot_class_name, or "no_data")
// and class_zh (analysis::hotspot_class_label); NaN values and the bin of a unit without a value are null.
Table hotspot_rows_table(std::span<const analysis::HotspotRow> rows);

}  // namespace sitmap::io
