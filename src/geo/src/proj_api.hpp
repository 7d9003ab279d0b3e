// PROJ, loaded on first use (core/lazy_library.hpp): every PROJ function geo calls stands in namespace
// sitmap::geo as an object of the same name and signature, so nothing links libproj and a command that
// transforms nothing does not load it.
#pragma once
#include <proj.h>

#include "sitmap/core/lazy_library.hpp"

namespace sitmap::geo {

inline constinit const LazyLibrary proj_library{SITMAP_PROJ_LIBRARY, "PROJ"};

#define SITMAP_PROJ_FUNCTIONS(X)                                                                                   \
  X(proj_as_wkt) X(proj_context_create) X(proj_context_destroy) X(proj_context_errno) X(proj_context_errno_string) \
  X(proj_coord) X(proj_create) X(proj_create_crs_to_crs) X(proj_destroy) X(proj_get_id_auth_name)                  \
  X(proj_get_id_code) X(proj_identify) X(proj_info) X(proj_int_list_destroy) X(proj_list_destroy)                 \
  X(proj_list_get) X(proj_list_get_count) X(proj_log_level) X(proj_normalize_for_visualization) X(proj_trans)     \
  X(proj_trans_generic)

// Objects, not functions: unqualified calls from geo find them before PROJ's declarations.
#define SITMAP_PROJ_FUNCTION(name) inline constinit const LazyFunction<proj_library, decltype(&::name)> name{#name};
SITMAP_PROJ_FUNCTIONS(SITMAP_PROJ_FUNCTION)
#undef SITMAP_PROJ_FUNCTION

}  // namespace sitmap::geo
