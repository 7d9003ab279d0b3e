// Signed-distance-field glyphs for map labels (stb_truetype), so one atlas draws every label size with a
// halo. Built from the codepoints the labels actually use. GL-free: the renderer uploads `pixels`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace sitmap::render {

struct FontFile {
  std::filesystem::path path;
  int face = 0;  // index inside a .ttc collection
};
// Noto Sans CJK SC (face 2 of NotoSansCJK-Regular.ttc) when installed, else WenQuanYi Micro Hei.
// Throws Error(NotFound) naming both files when neither exists.
FontFile find_cjk_font();

struct Glyph {
  float u0, v0, u1, v1;  // atlas texture coordinates
  float width, height;   // bitmap size in atlas pixels
  float xoff, yoff;      // bitmap offset from the pen position (baseline) in atlas pixels
  float advance;         // atlas pixels
};

class GlyphAtlas {
 public:
  static constexpr float kPixelHeight = 32;  // rasterisation size; labels scale from it
  static constexpr int kPadding = 6;         // SDF spread in atlas pixels
  explicit GlyphAtlas(const FontFile& font);
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  // Adds glyphs missing so far; true when the atlas changed (re-upload it).
  bool add(const std::u32string& text);
  const Glyph* find(char32_t cp) const;
  float advance(char32_t cp, float size) const;  // pixels at label size `size`
  float ascent() const { return ascent_; }       // atlas pixels above the baseline

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<uint8_t>& pixels() const { return pixels_; }  // R8, width x height

 private:
  struct Impl;
  Impl* impl_;
  std::unordered_map<char32_t, Glyph> glyphs_;
  std::vector<uint8_t> pixels_;
  int width_ = 1024, height_ = 256;
  int pen_x_ = 0, pen_y_ = 0, row_h_ = 0;
  float ascent_ = 0;
};

}  // namespace sitmap::render
