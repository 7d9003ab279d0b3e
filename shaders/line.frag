#version 330 core
in vec2 v_pixel;
flat in vec2 v_pa;
flat in vec2 v_pb;
flat in float v_half;
flat in vec4 v_color;
uniform float u_opacity;
uniform vec4 u_override;  // used instead of the vertex colour when its alpha is > 0 (casings, outlines)
out vec4 frag;
void main() {
  vec2 ab = v_pb - v_pa;
  float t = clamp(dot(v_pixel - v_pa, ab) / max(dot(ab, ab), 1e-6), 0.0, 1.0);
  float dist = length(v_pixel - (v_pa + ab * t));
  float coverage = clamp(v_half + 0.5 - dist, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  vec4 c = u_override.a > 0.0 ? u_override : v_color;
  frag = vec4(c.rgb, c.a * coverage * u_opacity);
}
