#include "sitmap/render/glyphs.hpp"

#include <stb/stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sitmap/core/error.hpp"

namespace sitmap::render {

namespace fs = std::filesystem;

FontFile find_cjk_font() {
  const fs::path noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  const fs::path wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  if (fs::exists(noto)) return {noto, 2};  // face 2: Simplified Chinese (face 0 is Japanese)
  if (fs::exists(wqy)) return {wqy, 0};
  throw Error(ErrorKind::NotFound, "no CJK font: neither " + noto.string() + " (fonts-noto-cjk) nor " + wqy.string() +
                                       " (fonts-wqy-microhei) is installed");
}

namespace {

// stb_truetype's own SDF ignores cubic curves, and Noto Sans CJK is a CFF font made of them, so the glyph
// is rasterised as coverage (which handles cubics) and the distance field is computed from that: each
// pixel's distance to the nearest pixel on the other side of the edge, within the padding.
std::vector<uint8_t> distance_field(const stbtt_fontinfo& font, float scale, char32_t cp, int& w, int& h, int& xoff,
                                    int& yoff) {
  const int pad = GlyphAtlas::kPadding;
  int bw = 0, bh = 0;
  unsigned char* bitmap = stbtt_GetCodepointBitmap(&font, scale, scale, static_cast<int>(cp), &bw, &bh, &xoff, &yoff);
  if (!bitmap || bw == 0 || bh == 0) {
    if (bitmap) stbtt_FreeBitmap(bitmap, nullptr);
    w = h = 0;
    return {};
  }
  w = bw + 2 * pad;
  h = bh + 2 * pad;
  xoff -= pad;
  yoff -= pad;
  std::vector<uint8_t> cover(static_cast<size_t>(w) * h, 0);
  for (int y = 0; y < bh; ++y)
    for (int x = 0; x < bw; ++x) cover[static_cast<size_t>(y + pad) * w + x + pad] = bitmap[y * bw + x];
  stbtt_FreeBitmap(bitmap, nullptr);
  std::vector<uint8_t> out(cover.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool inside = cover[static_cast<size_t>(y) * w + x] >= 128;
      float best = static_cast<float>(pad);
      for (int dy = -pad; dy <= pad; ++dy) {
        int yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (int dx = -pad; dx <= pad; ++dx) {
          int xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          if ((cover[static_cast<size_t>(yy) * w + xx] >= 128) != inside) {
            float d = std::sqrt(float(dx * dx + dy * dy)) - 0.5f;
            if (d < best) best = d;
          }
        }
      }
      float signed_d = inside ? best : -best;
      out[static_cast<size_t>(y) * w + x] =
          static_cast<uint8_t>(std::clamp(128.0f + signed_d * 127.0f / pad, 0.0f, 255.0f));
    }
  return out;
}

}  // namespace

struct GlyphAtlas::Impl {
  std::string data;
  stbtt_fontinfo info{};
  float scale = 1;
};

GlyphAtlas::GlyphAtlas(const FontFile& font) : impl_(new Impl) {
  std::ifstream in(font.path, std::ios::binary);
  if (!in) throw Error(ErrorKind::NotFound, font.path.string() + ": cannot open font");
  std::ostringstream s;
  s << in.rdbuf();
  impl_->data = s.str();
  auto* bytes = reinterpret_cast<const unsigned char*>(impl_->data.data());
  int offset = stbtt_GetFontOffsetForIndex(bytes, font.face);
  if (offset < 0 || !stbtt_InitFont(&impl_->info, bytes, offset)) {
    delete impl_;
    throw Error(ErrorKind::BadInput, font.path.string() + ": cannot read face " + std::to_string(font.face));
  }
  impl_->scale = stbtt_ScaleForPixelHeight(&impl_->info, kPixelHeight);
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&impl_->info, &ascent, &descent, &gap);
  ascent_ = ascent * impl_->scale;
  pixels_.assign(static_cast<size_t>(width_) * height_, 0);
}

GlyphAtlas::~GlyphAtlas() { delete impl_; }

bool GlyphAtlas::add(const std::u32string& text) {
  bool changed = false;
  for (char32_t cp : text) {
    if (glyphs_.count(cp)) continue;
    int w = 0, h = 0, xoff = 0, yoff = 0;
    std::vector<uint8_t> sdf = distance_field(impl_->info, impl_->scale, cp, w, h, xoff, yoff);
    int adv = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&impl_->info, static_cast<int>(cp), &adv, &lsb);
    Glyph g{0, 0, 0, 0, float(w), float(h), float(xoff), float(yoff), adv * impl_->scale};
    if (!sdf.empty()) {
      if (pen_x_ + w + 1 > width_) {
        pen_x_ = 0;
        pen_y_ += row_h_ + 1;
        row_h_ = 0;
      }
      while (pen_y_ + h + 1 > height_) {  // grow downwards; existing texture coordinates are rescaled below
        height_ *= 2;
        pixels_.resize(static_cast<size_t>(width_) * height_, 0);
        for (auto& [c, other] : glyphs_) {
          other.v0 /= 2;
          other.v1 /= 2;
        }
      }
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          pixels_[static_cast<size_t>(pen_y_ + y) * width_ + pen_x_ + x] = sdf[static_cast<size_t>(y) * w + x];
      g.u0 = float(pen_x_) / width_;
      g.v0 = float(pen_y_) / height_;
      g.u1 = float(pen_x_ + w) / width_;
      g.v1 = float(pen_y_ + h) / height_;
      pen_x_ += w + 1;
      row_h_ = std::max(row_h_, h);
    }
    glyphs_[cp] = g;
    changed = true;
  }
  return changed;
}

const Glyph* GlyphAtlas::find(char32_t cp) const {
  auto it = glyphs_.find(cp);
  return it == glyphs_.end() ? nullptr : &it->second;
}

float GlyphAtlas::advance(char32_t cp, float size) const {
  const Glyph* g = find(cp);
  return g ? g->advance * size / kPixelHeight : size;
}

}  // namespace sitmap::render
