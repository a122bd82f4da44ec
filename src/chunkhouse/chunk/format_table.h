#pragma once
// The table layout of Rerun's chunk display (comfy-table 7.2.2 as Rerun configures it): UTF8_FULL
// borders, one space of padding, left-aligned text, word wrapping on spaces. Only the behaviour
// that configuration can reach is modelled; see /work/notes/format.md §2.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chunkhouse::format {

using TableRow = std::vector<std::string>;  // one cell per column; '\n' starts a new line in a cell

// The widest line of a column (header and body cells), at least 1: a column's natural width.
int NaturalWidth(const std::optional<TableRow>& header, const std::vector<TableRow>& rows, size_t column);

// Content widths of `n` columns that each may take at most floor(100 / n) percent of
// `table_width` (borders excluded, padding included), as comfy-table's dynamic arrangement ends
// up giving them: a column is either its natural width or exactly the cap, and when not even one
// character per column fits, every column is one character wide.
std::vector<int> CappedWidths(const std::vector<int>& natural, int table_width);

// One line of a cell broken into lines of at most `width` columns (when it is wider): words are
// separated by single spaces, a line is closed once it is wider than width - 2, and a word longer
// than a line is cut between grapheme clusters.
std::vector<std::string> WrapLine(std::string_view line, int width);

// The table drawn with the given content widths: cells are wrapped, padded and framed; the header
// (if any) is followed by a ╞═╡ rule and body rows are separated by ├╌┤ rules. Lines are returned
// without newlines.
std::vector<std::string> DrawTable(const std::optional<TableRow>& header, const std::vector<TableRow>& rows,
                                   const std::vector<int>& widths);

}  // namespace chunkhouse::format
