// The map camera: a Web Mercator centre (metres, double) and a zoom level. GL-free, so it is unit-tested.
// Screen coordinates are framebuffer pixels with the origin top-left and y down.
#pragma once
#include "sitmap/core/types.hpp"

namespace sitmap::render {

// Metres per pixel at zoom 0: the world (2 * pi * 6378137 m) spans 256 pixels.
inline constexpr double kZoom0Resolution = 156543.03392804097;

struct Camera {
  XY center;  // EPSG:3857 metres
  double zoom = 15;
  int width = 1, height = 1;  // viewport in pixels
  double min_zoom = 11, max_zoom = 20;

  double resolution() const;  // metres per pixel
  XY world_to_screen(XY world) const;
  XY screen_to_world(XY screen) const;
  BBox visible_world() const;

  void pan_pixels(double dx, double dy);           // drag by (dx, dy): the map follows the pointer
  void zoom_around(XY screen, double delta);       // keeps the world point under `screen` fixed
  void set_zoom(double z);                         // clamped to [min_zoom, max_zoom]
  void fit(const BBox& world, double padding_px);  // whole box visible, centred
};

// A smooth fly-to between two cameras: zoom eases out and back in so long moves stay readable.
struct FlyTo {
  Camera from, to;
  double duration = 0.6;  // seconds
  Camera at(double elapsed) const;
  bool done(double elapsed) const { return elapsed >= duration; }
};

}  // namespace sitmap::render
