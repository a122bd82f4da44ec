#pragma once
// Text measures the chunk table needs, as the Rust crates behind Rerun's table define them:
// display width (unicode-width 0.2, non-CJK), characters (Unicode scalar values), grapheme
// clusters for hard line breaks, and Rust's `str::trim` whitespace.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chunkhouse::format {

// Decodes the code point at `i` and advances past it. Invalid UTF-8 decodes byte by byte (each
// byte one character), so no input stops the table from being drawn.
uint32_t NextCodePoint(std::string_view s, size_t& i);

// Terminal columns of `s`: East Asian Wide/Fullwidth 2, combining and default-ignorable marks 0,
// everything else (controls included) 1.
int DisplayWidth(std::string_view s);

// Unicode scalar values in `s`.
size_t CharCount(std::string_view s);
// The first `n` characters of `s`.
std::string_view FirstChars(std::string_view s, size_t n);

// `s` cut into clusters a line break must not split: a character with the zero-width marks and
// joiner sequences that follow it.
std::vector<std::string_view> Graphemes(std::string_view s);

// `s` without leading and trailing Unicode White_Space, as Rust's `str::trim`.
std::string_view TrimWhitespace(std::string_view s);

// Lines of `s` split at every '\n' (an empty string is one empty line).
std::vector<std::string_view> SplitLines(std::string_view s);

}  // namespace chunkhouse::format
