#version 330 core
// Filled polygons: vertices are stored relative to the scene origin; u_offset (origin minus camera centre,
// subtracted on the CPU in double) keeps the floats small so nothing jitters at street zoom.
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec4 a_color;
uniform vec2 u_offset;
uniform vec2 u_scale;  // metres to clip space
out vec4 v_color;
void main() {
  gl_Position = vec4((a_pos + u_offset) * u_scale, 0.0, 1.0);
  v_color = a_color;
}
