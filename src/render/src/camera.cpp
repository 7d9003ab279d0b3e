#include "sitmap/render/camera.hpp"

#include <algorithm>
#include <cmath>

namespace sitmap::render {

double Camera::resolution() const { return kZoom0Resolution / std::exp2(zoom); }

XY Camera::world_to_screen(XY w) const {
  double r = resolution();
  return {(w.x - center.x) / r + width / 2.0, (center.y - w.y) / r + height / 2.0};
}

XY Camera::screen_to_world(XY s) const {
  double r = resolution();
  return {center.x + (s.x - width / 2.0) * r, center.y - (s.y - height / 2.0) * r};
}

BBox Camera::visible_world() const {
  BBox b;
  b.expand(screen_to_world({0, 0}));
  b.expand(screen_to_world({double(width), double(height)}));
  return b;
}

void Camera::pan_pixels(double dx, double dy) {
  double r = resolution();
  center.x -= dx * r;
  center.y += dy * r;
}

void Camera::set_zoom(double z) { zoom = std::clamp(z, min_zoom, max_zoom); }

void Camera::zoom_around(XY screen, double delta) {
  XY before = screen_to_world(screen);
  set_zoom(zoom + delta);
  XY after = screen_to_world(screen);
  center.x += before.x - after.x;
  center.y += before.y - after.y;
}

void Camera::fit(const BBox& world, double padding_px) {
  if (world.empty()) return;
  center = world.center();
  double w = std::max(1.0, width - 2 * padding_px), h = std::max(1.0, height - 2 * padding_px);
  double r = std::max(world.width() / w, world.height() / h);
  if (r <= 0) r = kZoom0Resolution / std::exp2(max_zoom);
  set_zoom(std::log2(kZoom0Resolution / r));
}

Camera FlyTo::at(double elapsed) const {
  double t = duration > 0 ? std::clamp(elapsed / duration, 0.0, 1.0) : 1.0;
  double s = t * t * (3 - 2 * t);  // smoothstep: no jolt at either end
  Camera c = to;
  // Interpolate the centre in screen units of the lower zoom so the path looks straight and even.
  c.center = {from.center.x + (to.center.x - from.center.x) * s, from.center.y + (to.center.y - from.center.y) * s};
  double dist_px = std::hypot(to.center.x - from.center.x, to.center.y - from.center.y) /
                   (kZoom0Resolution / std::exp2(std::min(from.zoom, to.zoom)));
  double dip = std::min(2.0, std::log2(1 + dist_px / std::max(1, to.width)));  // zoom out on long moves
  c.zoom = from.zoom + (to.zoom - from.zoom) * s - dip * std::sin(M_PI * s);
  c.zoom = std::clamp(c.zoom, to.min_zoom, to.max_zoom);
  return c;
}

}  // namespace sitmap::render
