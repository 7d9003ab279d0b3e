#version 330 core
// The basemap image as one quad. Its corners arrive relative to the camera centre, subtracted on the CPU in
// double, so the floats stay small at street zoom.
layout(location = 0) in vec2 a_corner;  // 0..1
uniform vec4 u_rect;                    // minx, miny, maxx, maxy: metres from the camera centre
uniform vec2 u_scale;                   // metres to clip space
out vec2 v_uv;
void main() {
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, a_corner) * u_scale, 0.0, 1.0);
  v_uv = vec2(a_corner.x, 1.0 - a_corner.y);  // the image's first row is its north edge
}
