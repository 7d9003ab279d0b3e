// Logging for developers (English). Never log attribute values of sensitive layers.
#pragma once
#include <spdlog/spdlog.h>

namespace sitmap {
void set_verbose(bool verbose);  // info level when true, warnings only otherwise
}
