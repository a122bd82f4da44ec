#include "chunkhouse/base/type_text.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace chunkhouse {
namespace {

// Decodes one UTF-8 code point at `i` (advancing it); an invalid byte yields itself.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = byte(i);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += len;
  return cp;
}

// Characters Rust's Debug escapes as \u{..}: controls and the invisible format characters.
bool EscapedInDebug(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  if (cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x180E || cp == 0xFEFF) return true;
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F)) {
    return true;
  }
  if (cp >= 0xFFF0 && cp <= 0xFFFB) return true;
  return false;
}

std::string MetadataText(const arrow::KeyValueMetadata* md) {
  if (md == nullptr || md->size() == 0) return {};
  std::vector<std::pair<std::string, std::string>> kv;
  for (int64_t i = 0; i < md->size(); ++i) kv.emplace_back(md->key(i), md->value(i));
  std::sort(kv.begin(), kv.end());
  std::string out = "{";
  for (size_t i = 0; i < kv.size(); ++i) {
    if (i > 0) out += ", ";
    out += RustDebugString(kv[i].first) + ": " + RustDebugString(kv[i].second);
  }
  return out + "}";
}

std::string_view UnitShort(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return "s";
    case arrow::TimeUnit::MILLI: return "ms";
    case arrow::TimeUnit::MICRO: return "\xC2\xB5s";
    case arrow::TimeUnit::NANO: return "ns";
  }
  return "?";
}

std::string_view UnitLong(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return "Second";
    case arrow::TimeUnit::MILLI: return "Millisecond";
    case arrow::TimeUnit::MICRO: return "Microsecond";
    case arrow::TimeUnit::NANO: return "Nanosecond";
  }
  return "?";
}

// The element of a list-like type: `<nn><T>[, field: '<name>'][, metadata: {..}]`.
std::string ListElement(const arrow::Field& field) {
  std::string out = field.nullable() ? "" : "non-null ";
  out += TypeDisplay(*field.type());
  if (field.name() != "item") out += fmt::format(", field: '{}'", field.name());
  if (auto md = MetadataText(field.metadata().get()); !md.empty()) out += ", metadata: " + md;
  return out;
}

// A named field: `"<name>": <nn><T>[, metadata: {..}]`.
std::string NamedField(const arrow::Field& field) {
  std::string out = RustDebugString(field.name()) + ": ";
  if (!field.nullable()) out += "non-null ";
  out += TypeDisplay(*field.type());
  if (auto md = MetadataText(field.metadata().get()); !md.empty()) out += ", metadata: " + md;
  return out;
}

std::string FieldDebug(const arrow::Field& field) {
  std::vector<std::string> parts;
  if (field.name() != "item") parts.push_back("name: " + RustDebugString(field.name()));
  parts.push_back("data_type: " + TypeDebug(*field.type()));
  if (field.nullable()) parts.push_back("nullable: true");
  if (auto md = MetadataText(field.metadata().get()); !md.empty()) parts.push_back("metadata: " + md);
  std::string out = "Field { ";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + " }";
}

// Names shared by Display and Debug (types without parameters).
std::string_view PlainName(arrow::Type::type id) {
  switch (id) {
    case arrow::Type::NA: return "Null";
    case arrow::Type::BOOL: return "Boolean";
    case arrow::Type::INT8: return "Int8";
    case arrow::Type::INT16: return "Int16";
    case arrow::Type::INT32: return "Int32";
    case arrow::Type::INT64: return "Int64";
    case arrow::Type::UINT8: return "UInt8";
    case arrow::Type::UINT16: return "UInt16";
    case arrow::Type::UINT32: return "UInt32";
    case arrow::Type::UINT64: return "UInt64";
    case arrow::Type::HALF_FLOAT: return "Float16";
    case arrow::Type::FLOAT: return "Float32";
    case arrow::Type::DOUBLE: return "Float64";
    case arrow::Type::STRING: return "Utf8";
    case arrow::Type::LARGE_STRING: return "LargeUtf8";
    case arrow::Type::STRING_VIEW: return "Utf8View";
    case arrow::Type::BINARY: return "Binary";
    case arrow::Type::LARGE_BINARY: return "LargeBinary";
    case arrow::Type::BINARY_VIEW: return "BinaryView";
    case arrow::Type::DATE32: return "Date32";
    case arrow::Type::DATE64: return "Date64";
    default: return {};
  }
}

std::string_view IntervalName(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INTERVAL_MONTHS: return "YearMonth";
    case arrow::Type::INTERVAL_DAY_TIME: return "DayTime";
    default: return "MonthDayNano";
  }
}

}  // namespace

std::string RustDebugString(std::string_view text) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(text, i);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      case 0: out += "\\0"; continue;
      default: break;
    }
    if (EscapedInDebug(cp)) {
      out += fmt::format("\\u{{{:x}}}", cp);
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out + "\"";
}

std::string TypeDisplay(const arrow::DataType& type) {
  using arrow::Type;
  if (auto plain = PlainName(type.id()); !plain.empty()) return std::string(plain);
  switch (type.id()) {
    case Type::FIXED_SIZE_BINARY:
      return fmt::format("FixedSizeBinary({})", static_cast<const arrow::FixedSizeBinaryType&>(type).byte_width());
    case Type::TIMESTAMP: {
      const auto& t = static_cast<const arrow::TimestampType&>(type);
      if (t.timezone().empty()) return fmt::format("Timestamp({})", UnitShort(t.unit()));
      return fmt::format("Timestamp({}, {})", UnitShort(t.unit()), RustDebugString(t.timezone()));
    }
    case Type::DURATION:
      return fmt::format("Duration({})", UnitShort(static_cast<const arrow::DurationType&>(type).unit()));
    case Type::TIME32:
      return fmt::format("Time32({})", UnitShort(static_cast<const arrow::Time32Type&>(type).unit()));
    case Type::TIME64:
      return fmt::format("Time64({})", UnitShort(static_cast<const arrow::Time64Type&>(type).unit()));
    case Type::INTERVAL_MONTHS:
    case Type::INTERVAL_DAY_TIME:
    case Type::INTERVAL_MONTH_DAY_NANO:
      return fmt::format("Interval({})", IntervalName(type));
    case Type::DECIMAL32:
    case Type::DECIMAL64:
    case Type::DECIMAL128:
    case Type::DECIMAL256: {
      const auto& d = static_cast<const arrow::DecimalType&>(type);
      return fmt::format("Decimal{}({}, {})", d.bit_width(), d.precision(), d.scale());
    }
    case Type::LIST: return "List(" + ListElement(*type.field(0)) + ")";
    case Type::LARGE_LIST: return "LargeList(" + ListElement(*type.field(0)) + ")";
    case Type::LIST_VIEW: return "ListView(" + ListElement(*type.field(0)) + ")";
    case Type::LARGE_LIST_VIEW: return "LargeListView(" + ListElement(*type.field(0)) + ")";
    case Type::FIXED_SIZE_LIST:
      return fmt::format("FixedSizeList({} x {})", static_cast<const arrow::FixedSizeListType&>(type).list_size(),
                         ListElement(*type.field(0)));
    case Type::STRUCT: {
      std::string out = "Struct(";
      for (int i = 0; i < type.num_fields(); ++i) out += (i ? ", " : "") + NamedField(*type.field(i));
      return out + ")";
    }
    case Type::MAP: {
      const auto& m = static_cast<const arrow::MapType&>(type);
      return fmt::format("Map({}, {})", NamedField(*type.field(0)), m.keys_sorted() ? "sorted" : "unsorted");
    }
    case Type::SPARSE_UNION:
    case Type::DENSE_UNION: {
      const auto& u = static_cast<const arrow::UnionType&>(type);
      std::string out = type.id() == Type::DENSE_UNION ? "Union(Dense" : "Union(Sparse";
      for (int i = 0; i < type.num_fields(); ++i) {
        out += fmt::format(", {}: ({})", static_cast<int>(u.type_codes()[i]), NamedField(*type.field(i)));
      }
      return out + ")";
    }
    case Type::DICTIONARY: {
      const auto& d = static_cast<const arrow::DictionaryType&>(type);
      return fmt::format("Dictionary({}, {})", TypeDisplay(*d.index_type()), TypeDisplay(*d.value_type()));
    }
    case Type::RUN_END_ENCODED: {
      const auto& r = static_cast<const arrow::RunEndEncodedType&>(type);
      return fmt::format("RunEndEncoded({}, {})", NamedField(*arrow::field("run_ends", r.run_end_type(), false)),
                         NamedField(*arrow::field("values", r.value_type())));
    }
    default: return type.ToString();
  }
}

std::string TypeDebug(const arrow::DataType& type) {
  using arrow::Type;
  if (auto plain = PlainName(type.id()); !plain.empty()) return std::string(plain);
  switch (type.id()) {
    case Type::TIMESTAMP: {
      const auto& t = static_cast<const arrow::TimestampType&>(type);
      if (t.timezone().empty()) return fmt::format("Timestamp({}, None)", UnitLong(t.unit()));
      return fmt::format("Timestamp({}, Some({}))", UnitLong(t.unit()), RustDebugString(t.timezone()));
    }
    case Type::DURATION:
      return fmt::format("Duration({})", UnitLong(static_cast<const arrow::DurationType&>(type).unit()));
    case Type::TIME32:
      return fmt::format("Time32({})", UnitLong(static_cast<const arrow::Time32Type&>(type).unit()));
    case Type::TIME64:
      return fmt::format("Time64({})", UnitLong(static_cast<const arrow::Time64Type&>(type).unit()));
    case Type::LIST: return "List(" + FieldDebug(*type.field(0)) + ")";
    case Type::LARGE_LIST: return "LargeList(" + FieldDebug(*type.field(0)) + ")";
    case Type::LIST_VIEW: return "ListView(" + FieldDebug(*type.field(0)) + ")";
    case Type::LARGE_LIST_VIEW: return "LargeListView(" + FieldDebug(*type.field(0)) + ")";
    case Type::FIXED_SIZE_LIST:
      return fmt::format("FixedSizeList({}, {})", FieldDebug(*type.field(0)),
                         static_cast<const arrow::FixedSizeListType&>(type).list_size());
    case Type::STRUCT: {
      std::string out = "Struct([";
      for (int i = 0; i < type.num_fields(); ++i) {
        auto f = FieldDebug(*type.field(i));
        out += (i ? ", " : "") + f;
      }
      return out + "])";
    }
    case Type::DICTIONARY: {
      const auto& d = static_cast<const arrow::DictionaryType&>(type);
      return fmt::format("Dictionary({}, {})", TypeDebug(*d.index_type()), TypeDebug(*d.value_type()));
    }
    case Type::MAP:
      return fmt::format("Map({}, {})", FieldDebug(*type.field(0)),
                         static_cast<const arrow::MapType&>(type).keys_sorted() ? "true" : "false");
    case Type::SPARSE_UNION:
    case Type::DENSE_UNION: {
      const auto& u = static_cast<const arrow::UnionType&>(type);
      std::string out = "Union([";
      for (int i = 0; i < type.num_fields(); ++i) {
        out += fmt::format("{}({}, {})", i ? ", " : "", static_cast<int>(u.type_codes()[i]), FieldDebug(*type.field(i)));
      }
      return out + (type.id() == Type::DENSE_UNION ? "], Dense)" : "], Sparse)");
    }
    case Type::RUN_END_ENCODED: {
      const auto& r = static_cast<const arrow::RunEndEncodedType&>(type);
      return fmt::format("RunEndEncoded({}, {})", FieldDebug(*arrow::field("run_ends", r.run_end_type(), false)),
                         FieldDebug(*arrow::field("values", r.value_type())));
    }
    default: return TypeDisplay(type);
  }
}

}  // namespace chunkhouse
