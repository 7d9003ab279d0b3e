#version 330 core
// One instance per symbol, sized in screen pixels; the fragment shader draws the shape as a distance field.
layout(location = 0) in vec2 a_corner;  // -1..1
layout(location = 1) in vec2 a_pos;     // metres relative to the scene origin
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_size;   // pixels
layout(location = 4) in float a_shape;  // 0 circle, 1 square, 2 triangle, 3 house, 4 camera
uniform vec2 u_offset;
uniform vec2 u_scale;
uniform vec2 u_viewport;
uniform float u_halo;  // pixels
out vec2 v_local;      // pixels from the centre
flat out vec4 v_color;
flat out float v_size;
flat out float v_shape;
void main() {
  float reach = a_size * 0.5 + u_halo + 1.0;
  vec2 center = (a_pos + u_offset) * u_scale;
  v_local = a_corner * reach;
  v_color = a_color;
  v_size = a_size;
  v_shape = a_shape;
  gl_Position = vec4(center + v_local * 2.0 / u_viewport, 0.0, 1.0);
}
