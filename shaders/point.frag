#version 330 core
in vec2 v_local;
flat in vec4 v_color;
flat in float v_size;
flat in float v_shape;
uniform vec4 u_halo_color;
uniform float u_halo;
uniform float u_opacity;
out vec4 frag;

float box(vec2 p, vec2 half_size) {
  vec2 d = abs(p) - half_size;
  return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}
// Equilateral triangle pointing up (y up), centroid at the origin, circumradius r: the largest of the
// distances to its three edges.
float triangle(vec2 p, float r) {
  float d = max(-p.y, max(dot(p, vec2(0.866, 0.5)), dot(p, vec2(-0.866, 0.5))));
  return d - r * 0.5;
}
float shape(vec2 p, float r) {
  int s = int(v_shape + 0.5);
  if (s == 0) return length(p) - r;
  if (s == 1) return box(p, vec2(r * 0.8));
  if (s == 2) return triangle(p + vec2(0.0, r * 0.2), r * 1.1);
  if (s == 3) {  // house: body and roof
    float body = box(p - vec2(0.0, -r * 0.475), vec2(r * 0.6, r * 0.425));
    float roof = triangle(p - vec2(0.0, r * 0.275), r * 0.75);
    return min(body, roof);
  }
  // camera: a rounded body and a lens on its right
  float body = box(p - vec2(-r * 0.15, 0.0), vec2(r * 0.6, r * 0.42)) - r * 0.12;
  float lens = box(p - vec2(r * 0.72, 0.0), vec2(r * 0.26, r * 0.28));
  return min(body, lens);
}
void main() {
  vec2 p = v_local;  // y up, like the symbol shapes below
  float d = shape(p, v_size * 0.5);
  float fill = clamp(0.5 - d, 0.0, 1.0);
  float halo = clamp(0.5 - (d - u_halo), 0.0, 1.0);
  vec4 c = mix(u_halo_color, v_color, fill);
  float a = max(fill * v_color.a, halo * u_halo_color.a);
  if (a <= 0.0) discard;
  frag = vec4(c.rgb, a * u_opacity);
}
