#include "chunkhouse/chunk/format_text.h"

#include <algorithm>
#include <iterator>

namespace chunkhouse::format {
namespace {

struct WidthRange {
  uint32_t first, last;
  int width;
};

constexpr WidthRange kWidths[] = {
#include "chunkhouse/chunk/unicode_width_table.inc"
};

int CharWidth(uint32_t cp) {
  if (cp < 0x80) return 1;  // ASCII, controls included, is one column in a string's width
  const auto* end = std::end(kWidths);
  const auto* it = std::upper_bound(std::begin(kWidths), end, cp,
                                    [](uint32_t c, const WidthRange& r) { return c < r.first; });
  if (it == std::begin(kWidths)) return 1;
  --it;
  return cp <= it->last ? it->width : 1;
}

// Characters that join the cluster before them: zero-width marks and the zero width joiner.
bool Extends(uint32_t cp) { return cp >= 0x80 && CharWidth(cp) == 0; }

// Emoji ligatures unicode-width 0.2 counts as one wide glyph, approximated without the emoji
// property tables: a modifier (skin tone) or U+FE0F after a symbol makes the pair 2 columns, and
// an emoji joined to the one before it by U+200D adds nothing.
bool IsEmojiModifier(uint32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }
bool CanTakeEmojiPresentation(uint32_t cp) {
  return cp == '#' || cp == '*' || (cp >= '0' && cp <= '9') || cp >= 0xA9;
}

// Arabic lam followed by alef (marks between them allowed) is one glyph: unicode-width's ligature.
bool IsLam(uint32_t cp) { return cp == 0x0644 || (cp >= 0x06B5 && cp <= 0x06B8) || cp == 0x08A6; }
bool IsAlef(uint32_t cp) {
  return cp == 0x0622 || cp == 0x0623 || cp == 0x0625 || cp == 0x0627 || (cp >= 0x0671 && cp <= 0x0673) ||
         cp == 0x0675 || cp == 0x0773 || cp == 0x0774;
}

bool IsWhiteSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

}  // namespace

uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = byte(i);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + len > s.size()) len = 1;
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) len = 1;
  }
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += len;
  return cp;
}

int DisplayWidth(std::string_view s) {
  int width = 0;
  uint32_t prev = 0;      // the last character that was not a zero-width mark
  int prev_width = 0;     // the columns the glyph ending in `prev` takes so far
  bool joined = false;    // a U+200D follows that glyph
  for (size_t i = 0; i < s.size();) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      prev = static_cast<uint8_t>(s[i]);
      prev_width = 1;
      joined = false;
      ++width;
      ++i;
      continue;
    }
    const uint32_t cp = NextCodePoint(s, i);
    int w = CharWidth(cp);
    if (cp == 0x200D) {
      joined = prev_width == 2;
      continue;
    }
    if ((IsEmojiModifier(cp) && prev != 0 && prev >= 0x80) || (cp == 0xFE0F && CanTakeEmojiPresentation(prev))) {
      width += 2 - prev_width;  // the sequence is one wide glyph
      prev_width = 2;
      continue;
    }
    if (w == 0) continue;
    if (IsLam(prev) && IsAlef(cp)) {
      prev = cp;
      continue;  // the pair takes the lam's one column
    }
    if (joined && w == 2 && cp >= 0x1F000) {
      joined = false;
      prev = cp;
      continue;  // an emoji ZWJ sequence is as wide as its first emoji
    }
    joined = false;
    prev = cp;
    prev_width = w;
    width += w;
  }
  return width;
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) NextCodePoint(s, i);
  return n;
}

std::string_view FirstChars(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < s.size(); ++k) NextCodePoint(s, i);
  return s.substr(0, i);
}

std::vector<std::string_view> Graphemes(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    bool joined = cp == 0x200D;
    while (i < s.size()) {
      size_t j = i;
      uint32_t next = NextCodePoint(s, j);
      if (!(Extends(next) || IsEmojiModifier(next) || joined)) break;
      joined = next == 0x200D;  // a joiner takes the character after it into the cluster
      i = j;
    }
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view TrimWhitespace(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t j = begin;
    if (!IsWhiteSpace(NextCodePoint(s, j))) break;
    begin = j;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;  // back to the first byte of the last character
    while (start > begin && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80) --start;
    size_t j = start;
    if (!IsWhiteSpace(NextCodePoint(s, j)) || j != end) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
}

}  // namespace chunkhouse::format
