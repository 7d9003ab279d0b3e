#version 330 core
// One instance per glyph, positioned in screen pixels (labels are placed on the CPU).
layout(location = 0) in vec2 a_corner;  // 0..1
layout(location = 1) in vec4 a_rect;    // pixels: x, y (top-left), width, height
layout(location = 2) in vec4 a_uv;      // u0, v0, u1, v1
layout(location = 3) in vec4 a_color;
layout(location = 4) in vec4 a_halo;
layout(location = 5) in float a_scale;  // label size / atlas size
uniform vec2 u_viewport;
out vec2 v_uv;
flat out vec4 v_color;
flat out vec4 v_halo;
flat out float v_scale;
void main() {
  vec2 p = a_rect.xy + a_corner * a_rect.zw;
  v_uv = mix(a_uv.xy, a_uv.zw, a_corner);
  v_color = a_color;
  v_halo = a_halo;
  v_scale = a_scale;
  gl_Position = vec4(p.x / u_viewport.x * 2.0 - 1.0, 1.0 - p.y / u_viewport.y * 2.0, 0.0, 1.0);
}
