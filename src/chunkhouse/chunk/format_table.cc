#include "chunkhouse/chunk/format_table.h"

#include <algorithm>
#include <deque>

#include "chunkhouse/chunk/format_text.h"

namespace chunkhouse::format {
namespace {

// The UTF8_FULL preset's pieces.
struct Rule {
  std::string_view left, fill, middle, right;
};
constexpr Rule kTop{"┌", "─", "┬", "┐"};
constexpr Rule kHeaderRule{"╞", "═", "╪", "╡"};
constexpr Rule kRowRule{"├", "╌", "┼", "┤"};
constexpr Rule kBottom{"└", "─", "┴", "┘"};
constexpr std::string_view kBorder = "│";
constexpr std::string_view kColumnLine = "┆";

// A line comfy-table closes once it is wider than width - kFree, and a word is not started on a
// line with kFree or fewer columns left.
constexpr int kFree = 2;

std::string DrawRule(const Rule& rule, const std::vector<int>& widths) {
  std::string out(rule.left);
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) out += rule.middle;
    for (int k = 0; k < widths[i] + 2; ++k) out += rule.fill;
  }
  out += rule.right;
  return out;
}

// The longest run of whole clusters of `word` that fits in `room` columns, and the rest.
std::pair<std::string, std::string> SplitWord(std::string_view word, int room) {
  size_t bytes = 0;
  int used = 0;
  for (std::string_view g : Graphemes(word)) {
    int w = DisplayWidth(g);
    if (used + w > room) break;
    used += w;
    bytes += g.size();
  }
  return {std::string(word.substr(0, bytes)), std::string(word.substr(bytes))};
}

std::vector<std::string> CellLines(const std::string& cell, int width) {
  std::vector<std::string> out;
  for (std::string_view line : SplitLines(cell)) {
    if (DisplayWidth(line) <= width) {
      out.emplace_back(line);  // a line that fits is kept as it is, spaces and all
    } else {
      auto wrapped = WrapLine(line, width);
      out.insert(out.end(), wrapped.begin(), wrapped.end());
    }
  }
  return out;
}

}  // namespace

int NaturalWidth(const std::optional<TableRow>& header, const std::vector<TableRow>& rows, size_t column) {
  int widest = 0;
  auto measure = [&](const TableRow& row) {
    if (column >= row.size()) return;
    for (std::string_view line : SplitLines(row[column])) widest = std::max(widest, DisplayWidth(line));
  };
  if (header) measure(*header);
  for (const auto& row : rows) measure(row);
  return std::max(widest, 1);
}

std::vector<int> CappedWidths(const std::vector<int>& natural, int table_width) {
  const int n = static_cast<int>(natural.size());
  std::vector<int> out(natural.size(), 1);
  if (n == 0) return out;
  // Fewer columns left than columns once borders and padding are taken: one character each.
  if (table_width < 4 * n + 1) return out;
  const int percent = static_cast<int>(100.0f / static_cast<float>(n));
  const int upper = std::max(table_width - (n + 1), 0) * percent / 100;  // includes the padding
  const int cap = std::max(upper - 2, 1);
  for (int i = 0; i < n; ++i) out[i] = std::min(natural[i], cap);
  return out;
}

std::vector<std::string> WrapLine(std::string_view line, int width) {
  width = std::max(width, 1);
  std::deque<std::string> words;
  for (size_t start = 0;;) {
    size_t space = line.find(' ', start);
    if (space == std::string_view::npos) {
      words.emplace_back(line.substr(start));
      break;
    }
    words.emplace_back(line.substr(start, space - start));
    start = space + 1;
  }
  const int full = std::max(width - kFree, 0);
  std::vector<std::string> out;
  std::string current;
  int current_width = 0;
  auto close = [&] {
    out.push_back(std::move(current));
    current.clear();
    current_width = 0;
  };
  while (!words.empty()) {
    std::string word = std::move(words.front());
    words.pop_front();
    const int word_width = DisplayWidth(word);
    const int sep = current.empty() ? 0 : 1;
    const int room = std::max(width - current_width - sep, 0);
    if (current_width + sep + word_width <= width) {
      if (sep) current += ' ';
      current += word;
      current_width += sep + word_width;
      if (current_width > full) close();
      continue;
    }
    if (!current.empty() && room <= kFree) {
      close();
      words.push_front(std::move(word));
      continue;
    }
    if (word_width > width) {
      if (!current.empty()) current += ' ';
      auto [head, rest] = SplitWord(word, room);
      if (current.empty() && head.empty()) {
        // A single glyph wider than the column: it goes on a line of its own anyway.
        size_t first = 0;
        NextCodePoint(word, first);
        head = word.substr(0, first);
        rest = word.substr(first);
      }
      current += head;
      close();
      words.push_front(std::move(rest));
      continue;
    }
    close();
    current = std::move(word);
    current_width = word_width;
    if (current_width > full) close();
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::vector<std::string> DrawTable(const std::optional<TableRow>& header, const std::vector<TableRow>& rows,
                                   const std::vector<int>& widths) {
  std::vector<std::string> out;
  out.push_back(DrawRule(kTop, widths));
  auto draw_row = [&](const TableRow& row) {
    std::vector<std::vector<std::string>> cells;
    size_t height = 1;
    for (size_t c = 0; c < widths.size(); ++c) {
      cells.push_back(CellLines(c < row.size() ? row[c] : std::string(), widths[c]));
      height = std::max(height, cells.back().size());
    }
    for (size_t l = 0; l < height; ++l) {
      std::string text(kBorder);
      for (size_t c = 0; c < widths.size(); ++c) {
        if (c > 0) text += kColumnLine;
        const std::string empty;
        const std::string& line = l < cells[c].size() ? cells[c][l] : empty;
        text += ' ';
        text += line;
        text.append(static_cast<size_t>(std::max(widths[c] - DisplayWidth(line), 0)) + 1, ' ');
      }
      text += kBorder;
      out.push_back(std::move(text));
    }
  };
  if (header) {
    draw_row(*header);
    out.push_back(DrawRule(kHeaderRule, widths));
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r > 0) out.push_back(DrawRule(kRowRule, widths));
    draw_row(rows[r]);
  }
  out.push_back(DrawRule(kBottom, widths));
  return out;
}

}  // namespace chunkhouse::format
