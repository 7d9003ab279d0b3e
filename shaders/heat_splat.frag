#version 330 core
// The kernel at this pixel centre's ground distance from the incident, normalised to integrate to one over
// ground m² (u_norm holds the constant, ×1e6 for per km²), times the weight; blended additively.
in vec2 v_ground;
flat in float v_weight;
uniform int u_kernel;     // 0 quartic, 1 Epanechnikov, 2 Gaussian (analysis::Kernel)
uniform float u_inv_r2;   // 1 / r² (quartic, Epanechnikov) or 1 / σ² (Gaussian), ground metres
uniform float u_norm;
uniform bool u_sprite;        // drawn as a point sprite: the offset comes from gl_PointCoord
uniform float u_sprite_px;    // the sprite's size in pixels
uniform float u_ground_texel; // ground metres per pixel of the target
out float density;
void main() {
  // The kernel is radial, so the sprite's y-down gl_PointCoord needs no flip.
  vec2 g = u_sprite ? (gl_PointCoord - 0.5) * (u_sprite_px * u_ground_texel) : v_ground;
  float u = dot(g, g) * u_inv_r2;
  float k;
  if (u_kernel == 2) {
    k = u < 16.0 ? exp(-0.5 * u) : 0.0;  // cut at 4σ
  } else {
    float t = max(1.0 - u, 0.0);
    k = u_kernel == 0 ? t * t : t;
  }
  density = v_weight * u_norm * k;
}
