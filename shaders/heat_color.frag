#version 330 core
// Density to colour: value / scale_max through the ramp (falling ramp for negative values in difference
// mode). Opacity is zero at zero density and eases in over the lowest fifth of the scale, so the kernels'
// thin tails never lay a coloured carpet over the district.
uniform sampler2D u_density;  // R32F, the viewport's size; possibly filled only in part, at a coarser grid
uniform vec2 u_origin;        // the viewport's lower-left corner in window pixels
uniform vec2 u_texel;         // viewport pixels to texture coordinates: 1 / (grid cell in pixels × texture size)
uniform float u_inv_max;      // 1 / scale_max
uniform float u_opacity;
uniform vec4 u_ramp[16];
uniform int u_ramp_n;
uniform vec4 u_falling[16];
uniform int u_falling_n;
out vec4 frag;

vec4 rising(float t) {
  float x = clamp(t, 0.0, 1.0) * float(u_ramp_n - 1);
  int i = min(int(x), u_ramp_n - 2);
  return u_ramp_n == 1 ? u_ramp[0] : mix(u_ramp[i], u_ramp[i + 1], x - float(i));
}
vec4 falling(float t) {
  float x = clamp(t, 0.0, 1.0) * float(u_falling_n - 1);
  int i = min(int(x), u_falling_n - 2);
  return u_falling_n == 1 ? u_falling[0] : mix(u_falling[i], u_falling[i + 1], x - float(i));
}

void main() {
  // Per-pixel grids land on texel centres (exact); coarse ones interpolate bilinearly.
  float v = texture(u_density, (gl_FragCoord.xy - u_origin) * u_texel).r;
  float t = v * u_inv_max;
  if (abs(t) < 1e-6) discard;
  vec4 c = t > 0.0 ? rising(t) : falling(-t);
  frag = vec4(c.rgb, c.a * smoothstep(0.0, 0.2, abs(t)) * u_opacity);
}
