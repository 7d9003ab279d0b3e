#version 330 core
// A full-viewport triangle strip; the fragment shader reads the density per pixel.
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
  gl_Position = vec4(corner, 0.0, 1.0);
}
