#include "sitmap/geo/proj.hpp"

#include <cmath>
#include <numbers>

#include "proj_api.hpp"
#include "sitmap/core/error.hpp"

namespace sitmap::geo {

namespace {
// One PROJ context per thread: PROJ objects must not be shared across threads.
PJ_CONTEXT* thread_context() {
  struct Holder {
    PJ_CONTEXT* ctx = make();
    static PJ_CONTEXT* make() {
      PJ_CONTEXT* c = proj_context_create();
      proj_log_level(c, PJ_LOG_NONE);  // failures reach the user through our own messages, not PROJ's stderr
      return c;
    }
    ~Holder() { proj_context_destroy(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

std::string last_error(PJ_CONTEXT* ctx) {
  int code = proj_context_errno(ctx);
  return code ? proj_context_errno_string(ctx, code) : "unknown error";
}
}  // namespace

struct Transformer::Impl {
  PJ* pj = nullptr;
  ~Impl() {
    if (pj) proj_destroy(pj);
  }
};

Transformer::Transformer(const std::string& from_crs, const std::string& to_crs) : impl_(std::make_unique<Impl>()) {
  PJ_CONTEXT* ctx = thread_context();
  for (const std::string* crs : {&from_crs, &to_crs}) {
    PJ* probe = proj_create(ctx, crs->c_str());
    if (!probe) throw Error(ErrorKind::BadInput, "unknown coordinate reference system '" + *crs + "': " + last_error(ctx));
    proj_destroy(probe);
  }
  PJ* raw = proj_create_crs_to_crs(ctx, from_crs.c_str(), to_crs.c_str(), nullptr);
  if (!raw)
    throw Error(ErrorKind::BadInput, "no transformation from '" + from_crs + "' to '" + to_crs + "': " + last_error(ctx));
  impl_->pj = proj_normalize_for_visualization(ctx, raw);
  proj_destroy(raw);
  if (!impl_->pj) throw Error(ErrorKind::BadInput, "cannot normalise axis order for '" + from_crs + "'");
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

XY Transformer::forward(XY p) const {
  PJ_COORD c = proj_trans(impl_->pj, PJ_FWD, proj_coord(p.x, p.y, 0, 0));
  return {c.xy.x, c.xy.y};
}

XY Transformer::inverse(XY p) const {
  PJ_COORD c = proj_trans(impl_->pj, PJ_INV, proj_coord(p.x, p.y, 0, 0));
  return {c.xy.x, c.xy.y};
}

void Transformer::forward(std::span<XY> pts) const {
  if (pts.empty()) return;
  proj_trans_generic(impl_->pj, PJ_FWD, &pts[0].x, sizeof(XY), pts.size(), &pts[0].y, sizeof(XY), pts.size(), nullptr,
                     0, 0, nullptr, 0, 0);
}

void Transformer::inverse(std::span<XY> pts) const {
  if (pts.empty()) return;
  proj_trans_generic(impl_->pj, PJ_INV, &pts[0].x, sizeof(XY), pts.size(), &pts[0].y, sizeof(XY), pts.size(), nullptr,
                     0, 0, nullptr, 0, 0);
}

Geometry Transformer::forward(const Geometry& g) const {
  Geometry out = g;
  forward(std::span<XY>(out.points));
  for (auto& l : out.lines) forward(std::span<XY>(l));
  for (auto& poly : out.polygons)
    for (auto& r : poly.rings) forward(std::span<XY>(r));
  return out;
}

std::string crs_to_wkt(const std::string& crs) {
  PJ_CONTEXT* ctx = thread_context();
  PJ* pj = proj_create(ctx, crs.c_str());
  if (!pj) throw Error(ErrorKind::BadInput, "unknown coordinate reference system '" + crs + "'");
  const char* wkt = proj_as_wkt(ctx, pj, PJ_WKT1_ESRI, nullptr);
  std::string out = wkt ? wkt : "";
  proj_destroy(pj);
  return out;
}

std::string crs_identify_epsg(const std::string& crs) {
  PJ_CONTEXT* ctx = thread_context();
  PJ* pj = proj_create(ctx, crs.c_str());
  if (!pj) return {};
  std::string out;
  if (const char* auth = proj_get_id_auth_name(pj, 0); auth && std::string(auth) == "EPSG") {
    out = std::string("EPSG:") + proj_get_id_code(pj, 0);
  } else {
    int* confidence = nullptr;
    PJ_OBJ_LIST* list = proj_identify(ctx, pj, "EPSG", nullptr, &confidence);
    if (list && proj_list_get_count(list) > 0 && confidence[0] >= 90) {
      PJ* best = proj_list_get(ctx, list, 0);
      out = std::string("EPSG:") + proj_get_id_code(best, 0);
      proj_destroy(best);
    }
    proj_int_list_destroy(confidence);
    proj_list_destroy(list);
  }
  proj_destroy(pj);
  return out;
}

namespace {
const Transformer& mercator() {
  thread_local Transformer t("EPSG:4326", "EPSG:3857");
  return t;
}
}  // namespace

XY to_web_mercator(XY lonlat) { return mercator().forward(lonlat); }
XY from_web_mercator(XY metres) { return mercator().inverse(metres); }
void to_web_mercator(std::span<XY> pts) { mercator().forward(pts); }

double mercator_scale(double lat_deg) { return std::cos(lat_deg * std::numbers::pi / 180.0); }

std::string proj_version() {
  PJ_INFO info = proj_info();
  return info.version;
}

std::string proj_build_version() {
  return std::to_string(PROJ_VERSION_MAJOR) + "." + std::to_string(PROJ_VERSION_MINOR) + "." +
         std::to_string(PROJ_VERSION_PATCH);
}

}  // namespace sitmap::geo
