// Analysis results as vector features for GIS users (cluster hulls, blocks with their hot spot statistics):
// GeoJSON, GeoPackage or Shapefile by the output's extension, in EPSG:4326. Written under a temporary name and
// renamed into place, so a failure leaves no half-written file.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "sitmap/core/types.hpp"

namespace sitmap::io {

// Each feature's geometry is in lon/lat and its values parallel `fields` (null: monostate). All geometries
// of one file share a family (points, lines or polygons; single and multi mixed are written as multi).
// Throws Error naming the file: BadInput for an unknown extension (use .geojson, .gpkg or .shp), an existing
// file without overwrite, a feature of the wrong width or mixed geometry families; NotFound for a missing
// folder.
// Whether write_features takes this file (.geojson, .gpkg or .shp, any case).
bool is_feature_file(const std::filesystem::path& out);

void write_features(const std::filesystem::path& out, const std::string& layer_name,
                    const std::vector<FieldDef>& fields, const std::vector<Feature>& features, bool overwrite);

}  // namespace sitmap::io
