#version 330 core
// One instanced quad per incident, covering its kernel's reach. The incident filter (analysis::passes) is
// evaluated here from uniforms, so a filter change re-draws without re-uploading anything; a point that
// fails (or, in difference mode, passes both filters) is sent outside the clip volume.
layout(location = 0) in vec2 a_pos;      // Web Mercator metres relative to the scene origin
layout(location = 1) in float a_weight;  // the weight, or 1 (weights off or not given)
layout(location = 2) in ivec2 a_attr;    // time in seconds relative to the table's earliest; severity
layout(location = 3) in uvec4 a_code;    // category (255: none); weekday + 1, hour + 1 (0: no time); flags

struct Filter {
  ivec2 time;  // [from, to) relative to the same base, clamped to int
  bool time_any;
  uvec2 categories;  // bits 0-31, 32-63
  ivec2 severity;    // inclusive
  bool severity_any;
  int weekday, hour;  // -1: any
};
uniform Filter u_plus, u_minus;
uniform bool u_has_minus;
uniform bool u_weighted;
uniform vec2 u_offset;     // scene origin - camera centre, Mercator metres
uniform vec2 u_scale;      // Mercator metres to clip space
uniform float u_reach_m;   // kernel reach in Mercator metres
uniform float u_reach_g;   // the same in ground metres
uniform bool u_sprite;     // one point sprite per incident (else an instanced quad)
uniform float u_sprite_px; // its size in target pixels, covering the reach
out vec2 v_ground;         // ground metres from the incident
flat out float v_weight;

const uint kHasTime = 1u, kHasSeverity = 2u, kWeightValid = 4u;

bool passes(Filter f) {
  if ((a_code.w & kHasTime) == 0u) {
    if (!f.time_any) return false;
  } else if (a_attr.x < f.time.x || a_attr.x >= f.time.y) {
    return false;
  }
  uint c = a_code.x;
  if (c != 255u) {
    uint bits = c < 32u ? f.categories.x : f.categories.y;
    if (((bits >> (c & 31u)) & 1u) == 0u) return false;
  }
  if ((a_code.w & kHasSeverity) == 0u) {
    if (!f.severity_any) return false;
  } else if (a_attr.y < f.severity.x || a_attr.y > f.severity.y) {
    return false;
  }
  if (f.weekday >= 0 && int(a_code.y) - 1 != f.weekday) return false;
  if (f.hour >= 0 && int(a_code.z) - 1 != f.hour) return false;
  return true;
}

void main() {
  gl_PointSize = u_sprite_px;
  // gl_VertexID 0..3 walks the quad as a triangle strip; a sprite is its centre.
  vec2 corner = u_sprite ? vec2(0.0) : vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
  float count_as = passes(u_plus) ? 1.0 : 0.0;
  if (u_has_minus && passes(u_minus)) count_as -= 1.0;
  float w = a_weight;
  if (u_weighted && (a_code.w & kWeightValid) == 0u) count_as = 0.0;
  if (!u_weighted) w = 1.0;
  v_weight = count_as * w;
  v_ground = corner * u_reach_g;
  if (count_as == 0.0) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // every vertex outside: the quad is clipped away
    return;
  }
  gl_Position = vec4((a_pos + u_offset + corner * u_reach_m) * u_scale, 0.0, 1.0);
}
