# Build glue for the Debian packages sitmap uses (scripts/packages.txt). No sources live here.
find_package(PkgConfig REQUIRED)
find_package(GDAL CONFIG REQUIRED)            # GDAL::GDAL
find_package(PROJ CONFIG REQUIRED)            # PROJ::proj
find_package(GEOS CONFIG REQUIRED)            # GEOS::geos_c
find_package(SQLite3 REQUIRED)                # SQLite::SQLite3 (mod_spatialite is loaded at run time)
find_package(CLI11 CONFIG REQUIRED)           # CLI11::CLI11
find_package(nlohmann_json CONFIG REQUIRED)   # nlohmann_json::nlohmann_json
find_package(tomlplusplus CONFIG REQUIRED)    # tomlplusplus::tomlplusplus
find_package(spdlog CONFIG REQUIRED)          # spdlog::spdlog
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

find_package(glfw3 CONFIG REQUIRED)         # glfw
find_package(OpenGL REQUIRED)
pkg_check_modules(EPOXY REQUIRED IMPORTED_TARGET epoxy)
# libimgui-dev ships libimgui.a (which needs libstb for stb_truetype) and the backends as sources.
# We compile the GLFW and OpenGL3 backends from those sources so their version matches the headers.
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
set(IMGUI_BACKENDS_DIR /usr/share/doc/libimgui-dev/examples/backends)
add_library(imgui_backends STATIC
    ${IMGUI_BACKENDS_DIR}/imgui_impl_glfw.cpp
    ${IMGUI_BACKENDS_DIR}/imgui_impl_opengl3.cpp)
target_include_directories(imgui_backends SYSTEM PUBLIC /usr/include/imgui/backends)
target_link_libraries(imgui_backends PUBLIC PkgConfig::IMGUI glfw OpenGL::GL)
target_compile_options(imgui_backends PRIVATE -w)

if(SITMAP_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark CONFIG REQUIRED)
endif()

# Libraries below render/ui/app must not reach OpenGL, GLFW or ImGui: checked at configure time.
function(sitmap_assert_headless target)
  get_target_property(libs ${target} LINK_LIBRARIES)
  foreach(lib IN LISTS libs)
    if(lib MATCHES "glfw|imgui|IMGUI|EPOXY|epoxy|OpenGL|GL$")
      message(FATAL_ERROR "${target} links ${lib}: modules below render/ui/app must stay free of GL, GLFW and ImGui")
    endif()
    if(TARGET ${lib} AND lib MATCHES "^sitmap_")
      sitmap_assert_headless(${lib})
    endif()
  endforeach()
endfunction()

# `target` and every sitmap library it links reach nothing matching `pattern` (e.g. render: no store, no GLFW);
# `why` ends the configure error.
function(sitmap_assert_links_none target pattern why)
  get_target_property(libs ${target} LINK_LIBRARIES)
  foreach(lib IN LISTS libs)
    if(lib MATCHES "${pattern}")
      message(FATAL_ERROR "${target} links ${lib}: ${why}")
    endif()
    if(TARGET ${lib} AND lib MATCHES "^sitmap_")
      sitmap_assert_links_none(${lib} "${pattern}" "${why}")
    endif()
  endforeach()
endfunction()
