#version 330 core
in vec2 v_uv;
flat in vec4 v_color;
flat in vec4 v_halo;
flat in float v_scale;
uniform sampler2D u_atlas;
uniform float u_spread;     // atlas pixels from the edge to distance 0 (the SDF padding)
uniform float u_halo_px;    // halo width in screen pixels
out vec4 frag;
void main() {
  // Signed distance to the glyph edge in screen pixels (positive inside).
  float d = (texture(u_atlas, v_uv).r - 0.5) * 2.0 * u_spread * v_scale;
  float fill = clamp(d + 0.5, 0.0, 1.0);
  float halo = clamp(d + u_halo_px + 0.5, 0.0, 1.0);
  vec4 c = mix(v_halo, v_color, fill);
  float a = max(fill * v_color.a, halo * v_halo.a);
  if (a <= 0.0) discard;
  frag = vec4(c.rgb, a);
}
