#include "chunkhouse/mcap/ros2_msg.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

namespace chunkhouse::mcap::ros2 {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Lines as Rust's str::lines gives them: split on '\n', a trailing '\r' dropped, no empty last line.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool IsSeparator(std::string_view line) {
  line = Trim(line);
  return line.size() >= 3 && line.find_first_not_of('=') == std::string_view::npos;
}

// A line without its comment: '#' outside quotes (a backslash escapes inside quotes).
std::string_view StripComment(std::string_view s) {
  char quote = 0;
  bool escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (escaped) {
      escaped = false;
    } else if (c == '\\' && quote) {
      escaped = true;
    } else if (c == '"' || c == '\'') {
      if (!quote) {
        quote = c;
      } else if (quote == c) {
        quote = 0;
      }
    } else if (c == '#' && !quote) {
      return s.substr(0, i);
    }
  }
  return s;
}

// The next token from `start`: up to whitespace or a '=' that is not part of '<='; a lone '='
// is a token of its own.
std::optional<std::pair<size_t, size_t>> NextToken(std::string_view s, size_t start) {
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  if (start >= s.size()) return std::nullopt;
  if (s[start] == '=') return std::make_pair(start, start + 1);
  size_t end = start;
  while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) {
    if (s[end] == '=' && !(end > start && s[end - 1] == '<')) break;
    ++end;
  }
  if (end == start) return std::nullopt;
  return std::make_pair(start, end);
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  std::string text(s);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  if constexpr (std::is_signed_v<T>) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno || *end) return false;
    *out = v;
  } else {
    if (text[0] == '-') return false;
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (errno || *end) return false;
    *out = v;
  }
  return true;
}

bool ParseFloat(std::string_view s, double* out) {
  std::string text(s);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (c == 'x' || c == 'X' || c == 'p' || c == 'P') return false;  // no hexadecimal floats
  }
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return *end == 0;
}

Result<size_t> ParseSize(std::string_view s, const char* what) {
  uint64_t v = 0;
  if (!ParseInt(s, &v)) return InvalidArgument("{}: invalid digit found in string", what);
  return static_cast<size_t>(v);
}

Result<Type> ParseType(std::string_view s) {
  s = Trim(s);
  Type t;
  if (size_t open = s.find('['); open != std::string_view::npos) {
    ARROW_ASSIGN_OR_RAISE(t, ParseType(s.substr(0, open)));
    std::string_view part = s.substr(open + 1);
    if (part.empty() || part.back() != ']') return InvalidArgument("syntax error: Missing closing ']' in array type");
    part.remove_suffix(1);
    uint64_t n = 0;
    if (part.empty()) {
      t.array = Type::Array::kUnbounded;
    } else if (ParseInt(part, &n)) {
      t.array = Type::Array::kFixed;
      t.array_size = n;
    } else if (part.substr(0, 2) == "<=") {
      ARROW_ASSIGN_OR_RAISE(t.array_size, ParseSize(part.substr(2), "value error: Failed to parse bounded array size"));
      t.array = Type::Array::kBounded;
    } else {
      return InvalidArgument("value error: invalid array size specifier: `{}`", part);
    }
    return t;
  }
  static const std::map<std::string_view, Builtin> kBuiltins = {
      {"bool", Builtin::kBool},       {"byte", Builtin::kByte},       {"char", Builtin::kChar},
      {"float32", Builtin::kFloat32}, {"float64", Builtin::kFloat64}, {"int8", Builtin::kInt8},
      {"int16", Builtin::kInt16},     {"int32", Builtin::kInt32},     {"int64", Builtin::kInt64},
      {"uint8", Builtin::kUInt8},     {"uint16", Builtin::kUInt16},   {"uint32", Builtin::kUInt32},
      {"uint64", Builtin::kUInt64},   {"string", Builtin::kString},   {"wstring", Builtin::kWString}};
  if (auto it = kBuiltins.find(s); it != kBuiltins.end()) {
    t.builtin = it->second;
    return t;
  }
  for (auto [prefix, builtin] : {std::pair<std::string_view, Builtin>{"string<=", Builtin::kString},
                                 std::pair<std::string_view, Builtin>{"wstring<=", Builtin::kWString}}) {
    if (s.substr(0, prefix.size()) == prefix) {
      t.builtin = builtin;
      ARROW_ASSIGN_OR_RAISE(t.string_bound,
                            ParseSize(s.substr(prefix.size()), "type error: failed to parse bounded string length"));
      return t;
    }
  }
  t.kind = Type::Kind::kComplex;
  if (size_t slash = s.rfind('/'); slash != std::string_view::npos) {
    if (slash == 0 || slash + 1 == s.size()) {
      return InvalidArgument(
          "type error: invalid complex type specifier: `{}`, expected `some_package/SomeMessage` format", s);
    }
    t.package = std::string(s.substr(0, slash));
    t.name = std::string(s.substr(slash + 1));
  } else if (s.empty()) {
    return InvalidArgument(
        "type error: invalid complex type specifier: ``, expected `some_package/SomeMessage` or `SomeMessage` format");
  } else {
    t.name = std::string(s);
  }
  return t;
}

// A literal checked against its type (Rerun keeps the value; we only need it to be valid).
Status CheckLiteral(std::string_view s, const Type& type) {
  if (type.array != Type::Array::kNone) {
    s = Trim(s);
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') {
      return InvalidArgument("value error: array literal must start with '[' and end with ']': `{}`", s);
    }
    std::string_view inner = s.substr(1, s.size() - 2);
    const Type element = type.Element();
    while (true) {
      size_t comma = inner.find(',');
      std::string_view item = Trim(inner.substr(0, comma));
      if (!item.empty()) ARROW_RETURN_NOT_OK(CheckLiteral(item, element));
      if (comma == std::string_view::npos) break;
      inner.remove_prefix(comma + 1);
    }
    return Status::OK();
  }
  if (type.kind == Type::Kind::kComplex) return InvalidArgument("value error: literals of complex types are not supported");
  switch (type.builtin) {
    case Builtin::kBool:
      if (s == "true" || s == "false") return Status::OK();
      return InvalidArgument("value error: failed to parse bool literal: `{}`", s);
    case Builtin::kChar: case Builtin::kInt8: case Builtin::kInt16: case Builtin::kInt32: case Builtin::kInt64: {
      int64_t v = 0;
      if (ParseInt(s, &v)) return Status::OK();
      return InvalidArgument("value error: failed to parse integer literal `{}`: invalid digit found in string", s);
    }
    case Builtin::kByte: case Builtin::kUInt8: case Builtin::kUInt16: case Builtin::kUInt32: case Builtin::kUInt64: {
      uint64_t v = 0;
      if (ParseInt(s, &v)) return Status::OK();
      return InvalidArgument("value error: failed to parse unsigned integer literal `{}`: invalid digit found in string", s);
    }
    case Builtin::kFloat32: case Builtin::kFloat64: {
      double v = 0;
      if (ParseFloat(s, &v)) return Status::OK();
      return InvalidArgument("value error: failed to parse float literal `{}`: invalid float literal", s);
    }
    case Builtin::kString: case Builtin::kWString:
      return Status::OK();
  }
  return Status::OK();
}

bool ValidConstantName(std::string_view name) {
  if (name.empty() || !std::isupper(static_cast<unsigned char>(name[0])) || name.back() == '_') return false;
  if (name.find("__") != std::string_view::npos) return false;
  for (char c : name) {
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

Result<MessageSpec> ParseSpec(std::string_view name, const std::vector<std::string_view>& lines) {
  MessageSpec spec;
  spec.name = std::string(name);
  for (std::string_view raw : lines) {
    std::string_view line = Trim(StripComment(raw));
    if (line.empty() || IsSeparator(line)) continue;
    auto ty = NextToken(line, 0);
    if (!ty) return InvalidArgument("syntax error: missing type in line: `{}`", line);
    auto nm = NextToken(line, ty->second);
    if (!nm) return InvalidArgument("syntax error: missing name in line: `{}`", line);
    ARROW_ASSIGN_OR_RAISE(Type type, ParseType(line.substr(ty->first, ty->second - ty->first)));
    std::string field_name(line.substr(nm->first, nm->second - nm->first));
    std::string_view rest = Trim(line.substr(nm->second));
    if (!rest.empty() && rest.front() == '=') {
      if (!ValidConstantName(field_name)) {
        return InvalidArgument(
            "validation error: constant name must be all-caps alphanumeric and underscores only, got `{}`", field_name);
      }
      if (type.array != Type::Array::kNone) return InvalidArgument("type error: constant type cannot be an array");
      if (type.kind == Type::Kind::kComplex) return InvalidArgument("type error: constant type must be a built-in type");
      std::string_view value = Trim(rest.substr(1));
      ARROW_RETURN_NOT_OK(CheckLiteral(value, type));
      spec.constants.push_back({std::move(type), std::move(field_name), std::string(value)});
    } else {
      if (!rest.empty()) ARROW_RETURN_NOT_OK(CheckLiteral(rest, type));
      spec.fields.push_back({std::move(type), std::move(field_name)});
    }
  }
  if (spec.fields.empty() && !spec.EnumLike()) {
    Type pad;
    pad.builtin = Builtin::kUInt8;
    spec.fields.push_back({pad, "structure_needs_at_least_one_member"});
  }
  return spec;
}

}  // namespace

bool Type::operator==(const Type& o) const {
  return kind == o.kind && builtin == o.builtin && string_bound == o.string_bound && package == o.package &&
         name == o.name && array == o.array && array_size == o.array_size;
}

Type Type::Element() const {
  Type t = *this;
  t.array = Array::kNone;
  t.array_size = 0;
  return t;
}

std::optional<Builtin> MessageSpec::EnumLike() const {
  if (!fields.empty() || constants.empty()) return std::nullopt;
  const Type& first = constants.front().type;
  for (const Constant& c : constants) {
    if (!(c.type == first)) return std::nullopt;
  }
  switch (first.builtin) {
    case Builtin::kBool: case Builtin::kByte: case Builtin::kChar: case Builtin::kInt8: case Builtin::kUInt8:
      return first.builtin;
    default:
      return std::nullopt;
  }
}

Result<const MessageSpec*> MessageSchema::Resolve(const MessageSpec& scope, const Type& type) const {
  std::string full;
  if (!type.package.empty()) {
    full = type.package + "/" + type.name;
  } else if (size_t slash = scope.name.find('/'); slash != std::string::npos) {
    full = scope.name.substr(0, slash) + "/" + type.name;
  } else {
    full = type.name;
  }
  for (const MessageSpec& d : dependencies) {
    if (d.name == full) return &d;
  }
  if (!type.package.empty()) return InvalidArgument("Could not resolve complex type `{}`", full);
  return InvalidArgument(
      "Relative ROS type `{}` must resolve within the containing message package as `{}`, but no such message "
      "definition was found",
      type.name, full);
}

bool MessageSchema::UsesWString() const {
  auto uses = [](const MessageSpec& s) {
    for (const Field& f : s.fields) {
      if (f.type.kind == Type::Kind::kBuiltin && f.type.builtin == Builtin::kWString) return true;
    }
    return false;
  };
  if (uses(spec)) return true;
  for (const MessageSpec& d : dependencies) {
    if (uses(d)) return true;
  }
  return false;
}

Status MessageSchema::CheckResolves() const {
  auto check = [&](const MessageSpec& s) -> Status {
    for (const Field& f : s.fields) {
      if (f.type.kind != Type::Kind::kComplex) continue;
      auto r = Resolve(s, f.type);
      if (!r.ok()) return InvalidArgument("ROS message field `{}` has an unresolved type: {}", f.name, r.status().message());
    }
    return Status::OK();
  };
  ARROW_RETURN_NOT_OK(check(spec));
  for (const MessageSpec& d : dependencies) ARROW_RETURN_NOT_OK(check(d));
  return Status::OK();
}

Result<MessageSchema> ParseSchema(std::string_view name, std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  MessageSchema schema;
  std::vector<std::string_view> main;
  for (std::string_view l : lines) {
    if (IsSeparator(l)) break;
    if (!l.empty()) main.push_back(l);
  }
  auto spec = ParseSpec(name, main);
  if (!spec.ok()) return InvalidArgument("failed to parse main message spec `{}`: {}", name, spec.status().message());
  schema.spec = std::move(*spec);
  // Sections after each separator: a `MSG: name` line and at least one more line.
  std::vector<std::string_view> section;
  auto flush = [&]() -> Status {
    if (section.size() >= 2) {
      std::string_view first = Trim(section[0]);
      if (first.substr(0, 5) == "MSG: ") {
        std::string dep_name(Trim(first.substr(5)));
        std::vector<std::string_view> body(section.begin() + 1, section.end());
        auto dep = ParseSpec(dep_name, body);
        if (!dep.ok()) {
          return InvalidArgument("failed to parse dependent message spec `{}`: {}", dep_name, dep.status().message());
        }
        schema.dependencies.push_back(std::move(*dep));
      }
    }
    section.clear();
    return Status::OK();
  };
  for (std::string_view l : lines) {
    if (IsSeparator(l)) {
      ARROW_RETURN_NOT_OK(flush());
    } else {
      section.push_back(l);
    }
  }
  ARROW_RETURN_NOT_OK(flush());
  return schema;
}

}  // namespace chunkhouse::mcap::ros2
