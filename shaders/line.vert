#version 330 core
// One instance per segment: a quad around it, widened in screen pixels; the fragment shader rounds the
// ends, which also gives round joins where segments meet.
layout(location = 0) in vec2 a_corner;  // x: 0 at a, 1 at b; y: -1 or +1 across
layout(location = 1) in vec2 a_a;
layout(location = 2) in vec2 a_b;
layout(location = 3) in float a_width;  // pixels
layout(location = 4) in vec4 a_color;
uniform vec2 u_offset;
uniform vec2 u_scale;
uniform vec2 u_viewport;  // pixels
uniform float u_extra;    // pixels added on each side (casing)
out vec2 v_pixel;
flat out vec2 v_pa;
flat out vec2 v_pb;
flat out float v_half;
flat out vec4 v_color;
vec2 to_pixels(vec2 p) { return ((p + u_offset) * u_scale * 0.5 + 0.5) * u_viewport; }
void main() {
  vec2 pa = to_pixels(a_a), pb = to_pixels(a_b);
  vec2 d = pb - pa;
  float len = length(d);
  vec2 dir = len > 1e-4 ? d / len : vec2(1.0, 0.0);
  vec2 nrm = vec2(-dir.y, dir.x);
  float half_w = a_width * 0.5 + u_extra;
  float reach = half_w + 1.0;
  vec2 p = mix(pa, pb, a_corner.x) + dir * (a_corner.x * 2.0 - 1.0) * reach + nrm * a_corner.y * reach;
  v_pixel = p;
  v_pa = pa;
  v_pb = pb;
  v_half = half_w;
  v_color = a_color;
  gl_Position = vec4(p / u_viewport * 2.0 - 1.0, 0.0, 1.0);
}
