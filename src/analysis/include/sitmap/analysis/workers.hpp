// The worker threads analysis runs its parallel loops on (kernel density, zonal counts, Knox permutations): one
// fewer than the cores, started on first use and kept for the life of the process. Starting a thread waits for
// any library being loaded at that moment (glibc holds its loader lock meanwhile), so a command that loads GDAL
// while it computes starts them first.
#pragma once

namespace sitmap::analysis {

void start_workers();  // starts them now if not yet started

}  // namespace sitmap::analysis
