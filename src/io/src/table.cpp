#include "sitmap/io/table.hpp"

#include <cmath>

#include "gdal_util.hpp"
#include "sitmap/core/error.hpp"
#include "sitmap/core/log.hpp"

namespace sitmap::io {

namespace {

// A column's type from its values: any text makes it text, else integers only (and nulls) stay integers.
OGRFieldType column_type(const Table& t, size_t c) {
  bool ints = true;
  for (const auto& row : t.rows) {
    if (std::holds_alternative<std::string>(row[c])) return OFTString;
    if (std::holds_alternative<double>(row[c])) ints = false;
  }
  return ints ? OFTInteger64 : OFTReal;
}

// Excel refuses sheet names over 31 characters; cut at a UTF-8 character boundary.
std::string sheet_name(const std::filesystem::path& out) {
  std::string name = out.stem().string();
  size_t chars = 0, i = 0;
  for (; i < name.size(); ++i)
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++chars > 31) break;
  name.resize(i);
  return name.empty() ? "table" : name;
}

Value number_or_null(double v) { return std::isfinite(v) ? Value(v) : Value(); }

// The GDAL driver for a table file, "" for none.
std::string table_driver(const std::filesystem::path& out) {
  std::string ext = detail::ascii_lower(out.extension().string());
  return ext == ".csv" ? "CSV" : ext == ".xlsx" ? "XLSX" : "";
}

}  // namespace

bool is_table_file(const std::filesystem::path& out) { return !table_driver(out).empty(); }

void write_table(const std::filesystem::path& out, const Table& table, bool overwrite) {
  const std::string what = out.string();
  std::string format = table_driver(out);
  if (format.empty())
    throw Error(ErrorKind::BadInput,
                what + ": cannot write a table as '" + out.extension().string() + "': use .csv or .xlsx");
  for (size_t r = 0; r < table.rows.size(); ++r)
    if (table.rows[r].size() != table.columns.size())
      throw Error(ErrorKind::BadInput, what + ": row " + std::to_string(r + 1) + " has " +
                                           std::to_string(table.rows[r].size()) + " values for " +
                                           std::to_string(table.columns.size()) + " columns");
  std::filesystem::path parent = detail::check_output(out, overwrite);

  detail::register_gdal();
  auto tmp_dir = detail::make_temp_dir(parent);
  try {
    detail::ErrorCapture errors;
    GDALDriverH driver = GDALGetDriverByName(format.c_str());
    if (!driver) throw Error(ErrorKind::Internal, "GDAL lacks the " + format + " driver");
    auto tmp_file = tmp_dir / out.filename();
    detail::Dataset ds(GDALCreate(driver, tmp_file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error(ErrorKind::BadInput, what + ": cannot create: " + errors.last_message());
    // Excel reads a CSV file as UTF-8 only when it starts with a byte order mark. GDAL would otherwise quote
    // integers, as if they were text.
    const char* csv_options[] = {"WRITE_BOM=YES", "STRING_QUOTING=IF_NEEDED", nullptr};
    OGRLayerH layer = GDALDatasetCreateLayer(ds.get(), sheet_name(out).c_str(), nullptr, wkbNone,
                                             format == "CSV" ? const_cast<char**>(csv_options) : nullptr);
    if (!layer) throw Error(ErrorKind::BadInput, what + ": cannot create the table: " + errors.last_message());
    for (size_t c = 0; c < table.columns.size(); ++c)
      detail::create_field(layer, table.columns[c], column_type(table, c), what);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t r = 0; r < table.rows.size(); ++r) {
      detail::OgrFeature f(OGR_F_Create(defn));
      for (size_t c = 0; c < table.columns.size(); ++c) detail::set_field(f.get(), static_cast<int>(c), table.rows[r][c]);
      if (OGR_L_CreateFeature(layer, f.get()) != OGRERR_NONE)
        throw Error(ErrorKind::BadInput, what + ": row " + std::to_string(r + 1) + ": " + errors.last_message());
    }
    ds.reset();  // closing flushes; a full disk shows up here
    if (std::string why = errors.take_failure(); !why.empty()) throw Error(ErrorKind::BadInput, what + ": " + why);
    detail::move_into_place(tmp_dir, parent);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir, ec);
    throw;
  }
  spdlog::info("{}: table of {} rows written ({})", what, table.rows.size(), format);
}

Table hotspot_rows_table(std::span<const analysis::HotspotRow> rows) {
  Table t;
  t.columns = {"id", "count", "rate", "z", "p", "gi_bin", "class", "class_zh"};
  t.rows.reserve(rows.size());
  for (const auto& r : rows)
    t.rows.push_back({r.id, r.count, number_or_null(r.rate), number_or_null(r.z), number_or_null(r.p),
                      r.cls ? Value(int64_t{analysis::hotspot_bin(*r.cls)}) : Value(),
                      std::string(r.cls ? analysis::hotspot_class_name(*r.cls) : "no_data"),
                      std::string(analysis::hotspot_class_label(r.cls))});
  return t;
}

}  // namespace sitmap::io
