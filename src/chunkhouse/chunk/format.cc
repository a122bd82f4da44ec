#include "chunkhouse/chunk/format.h"

#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <map>
#include <optional>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/base/type_text.h"
#include "chunkhouse/chunk/format_table.h"
#include "chunkhouse/chunk/format_text.h"
#include "chunkhouse/chunk/format_values.h"

namespace chunkhouse {
namespace {

using format::TableRow;

constexpr std::string_view kRedacted = "[**REDACTED**]";
// Body cells longer than this many characters are cut, the last one becoming '…'.
constexpr size_t kMaxCellChars = 100;
// Enough bytes to hold more than kMaxCellChars characters of any UTF-8 text.
constexpr size_t kCellByteLimit = (kMaxCellChars + 1) * 4;

bool IsNonDeterministicKey(std::string_view key) {
  return key == "rerun:id" || key == "rerun:heap_size_bytes" || key == "sorbet:version";
}

// Strips every repetition of `prefix` from the front of `s` (Rust's trim_start_matches).
std::string_view StripRepeated(std::string_view s, std::string_view prefix) {
  while (!prefix.empty() && s.substr(0, prefix.size()) == prefix) s.remove_prefix(prefix.size());
  return s;
}

std::string_view TrimKey(std::string_view key) {
  return StripRepeated(StripRepeated(format::TrimWhitespace(key), "rerun:"), "sorbet:");
}

// Field names and metadata values lose Rerun's type-name prefixes, each stripped in turn.
std::string_view TrimName(std::string_view name) {
  static constexpr std::string_view kPrefixes[] = {
      "rerun.archetypes.",          "rerun.components.",          "rerun.encodings.",
      "rerun.datatypes.",           "rerun.controls.",            "rerun.blueprint.archetypes.",
      "rerun.blueprint.components.", "rerun.blueprint.encodings.", "rerun.blueprint.datatypes.",
      "rerun.field.",               "rerun.chunk.",               "rerun.",
  };
  name = format::TrimWhitespace(name);
  for (std::string_view prefix : kPrefixes) name = StripRepeated(name, prefix);
  return name;
}

// Metadata as Rerun's table lists it: sorted by raw key (bytes), one "key: value" line each.
std::string MetadataLines(const arrow::KeyValueMetadata& md, std::string_view prefix, const FormatOptions& options) {
  std::map<std::string, std::string> sorted;
  for (int64_t i = 0; i < md.size(); ++i) sorted[md.key(i)] = md.value(i);
  std::string out;
  for (const auto& [key, value] : sorted) {
    if (!out.empty()) out += '\n';
    out += prefix;
    out += options.trim_metadata_keys ? TrimKey(key) : std::string_view(key);
    out += ": ";
    out += options.redact && IsNonDeterministicKey(key) ? kRedacted : TrimName(value);
  }
  return out;
}

// The string values of a flat JSON object ({"namespace":"row"}), or nothing when the text is not
// an object of strings (Rerun then shows row ids without a prefix).
std::optional<std::map<std::string, std::string>> JsonStringObject(std::string_view json) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) ++i;
  };
  auto string = [&]() -> std::optional<std::string> {
    if (i >= json.size() || json[i] != '"') return std::nullopt;
    std::string out;
    for (++i; i < json.size(); ++i) {
      char c = json[i];
      if (c == '"') {
        ++i;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (++i >= json.size()) return std::nullopt;
      switch (json[i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i + 4 >= json.size()) return std::nullopt;
          uint32_t cp = 0;
          for (int k = 1; k <= 4; ++k) {
            char h = json[i + k];
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) return std::nullopt;
            cp = cp * 16 + static_cast<uint32_t>(d);
          }
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;  // surrogate pairs: not worth a prefix
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default: return std::nullopt;
      }
    }
    return std::nullopt;
  };
  std::map<std::string, std::string> out;
  skip_space();
  if (i >= json.size() || json[i++] != '{') return std::nullopt;
  skip_space();
  if (i < json.size() && json[i] == '}') {
    ++i;
  } else {
    while (true) {
      skip_space();
      auto key = string();
      if (!key) return std::nullopt;
      skip_space();
      if (i >= json.size() || json[i++] != ':') return std::nullopt;
      skip_space();
      auto value = string();
      if (!value) return std::nullopt;
      out[*key] = *value;
      skip_space();
      if (i < json.size() && json[i] == ',') {
        ++i;
        continue;
      }
      if (i < json.size() && json[i] == '}') {
        ++i;
        break;
      }
      return std::nullopt;
    }
  }
  skip_space();
  if (i != json.size()) return std::nullopt;
  return out;
}

// A column's cells: text, or an error shown as it is (never cut).
using CellText = std::function<std::pair<std::string, bool>(int64_t row)>;  // (text, is_value)

// Row ids (any TUID column): "<namespace>_<TUID>", read straight from the 16 bytes.
CellText TuidCells(const arrow::Field& field, const std::shared_ptr<arrow::Array>& array, bool redact) {
  std::string prefix;
  if (auto md = meta::Get(field.metadata().get(), meta::kExtensionMetadata)) {
    if (auto object = JsonStringObject(*md)) {
      auto ns = object->find("namespace");
      if (ns != object->end()) prefix = ns->second + "_";
    }
  }
  return [array, prefix, redact](int64_t row) -> std::pair<std::string, bool> {
    const arrow::Array* ids = array.get();
    int64_t index = row;
    std::shared_ptr<arrow::Array> item;
    if (array->type_id() == arrow::Type::LIST) {  // legacy lists of ids: the first one counts
      const auto& list = static_cast<const arrow::ListArray&>(*array);
      item = list.values();
      ids = item.get();
      index = list.value_offset(row);
      if (list.value_length(row) == 0) return {"Invalid RowId", false};
    }
    if (ids->type_id() != arrow::Type::FIXED_SIZE_BINARY ||
        static_cast<const arrow::FixedSizeBinaryType&>(*ids->type()).byte_width() != 16 || index >= ids->length()) {
      return {"Invalid RowId", false};
    }
    if (redact) return {prefix + std::string(kRedacted), true};
    const auto* bytes = static_cast<const arrow::FixedSizeBinaryArray&>(*ids).GetValue(index);
    return {prefix + Tuid::FromBytes(bytes).ToString(), true};
  };
}

CellText ColumnCells(const arrow::Field& field, const std::shared_ptr<arrow::Array>& array, bool redact) {
  if (meta::Get(field.metadata().get(), meta::kExtensionName) == std::string(meta::kTuidExtension)) {
    return TuidCells(field, array, redact);
  }
  auto text = format::ValueText::Make(array, kCellByteLimit);
  if (!text.ok()) {
    std::string error = "Failed to format array: " + text.status().message();
    return [error](int64_t) { return std::pair<std::string, bool>(error, false); };
  }
  return [text = *std::move(text)](int64_t row) { return std::pair<std::string, bool>(text(row), true); };
}

std::string CutCell(std::string text) {
  if (text.size() <= kMaxCellChars || format::CharCount(text) <= kMaxCellChars) return text;
  std::string out(format::FirstChars(text, kMaxCellChars - 1));
  out += "…";
  return out;
}

std::string HeaderCell(const arrow::Field& field, const FormatOptions& options) {
  std::string out(TrimName(field.name()));
  out += "\n---\ntype: ";
  if (!field.nullable()) out += "non-null ";
  out += TypeDisplay(*field.type());
  if (field.metadata() && field.metadata()->size() > 0) {
    out += '\n';
    out += MetadataLines(*field.metadata(), "", options);
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

}  // namespace

std::string FormatRecordBatch(const arrow::RecordBatch& batch, const FormatOptions& options) {
  const auto& schema = *batch.schema();
  const int n = schema.num_fields();
  const int width = static_cast<uint16_t>(options.width);

  TableRow header;
  std::vector<CellText> columns;
  for (int c = 0; c < n; ++c) {
    header.push_back(HeaderCell(*schema.field(c), options));
    columns.push_back(ColumnCells(*schema.field(c), batch.column(c), options.redact));
  }
  std::vector<TableRow> rows;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    TableRow row;
    for (const auto& cells : columns) {
      auto [text, is_value] = cells(r);
      row.push_back(is_value ? CutCell(std::move(text)) : std::move(text));
    }
    rows.push_back(std::move(row));
  }
  std::optional<TableRow> head(std::move(header));
  std::vector<int> natural;
  for (int c = 0; c < n; ++c) natural.push_back(format::NaturalWidth(head, rows, c));
  // Inner lines end in a border, so the right-trim Rerun applies to them changes nothing.
  std::vector<std::string> inner = format::DrawTable(head, rows, format::CappedWidths(natural, width));

  if (!schema.metadata() || schema.metadata()->size() == 0) return JoinLines(inner);
  // The outer table is exactly as wide as its widest line: `width` does not bound it.
  std::vector<TableRow> outer = {{"METADATA:\n" + MetadataLines(*schema.metadata(), "* ", options)},
                                 {JoinLines(inner)}};
  std::vector<int> outer_width = {format::NaturalWidth(std::nullopt, outer, 0)};
  return JoinLines(format::DrawTable(std::nullopt, outer, outer_width));
}

std::string FormatChunk(const Chunk& chunk, const FormatOptions& options) {
  return FormatRecordBatch(*chunk.batch(), options);
}

}  // namespace chunkhouse
