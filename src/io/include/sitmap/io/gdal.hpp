// GDAL, through which every import and export goes, is loaded on first use: its libraries take about 30 ms
// to load, which a command that never touches a file through GDAL should not pay.
#pragma once

namespace sitmap::io {

// Loads GDAL now, so that a command that will write through it after computing can load it on a worker
// meanwhile. Throws Error(Internal) naming the library when it cannot be loaded.
void load_gdal();

}  // namespace sitmap::io
