#include "chunkhouse/base/entity_path.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace chunkhouse {

namespace {

// Decodes one UTF-8 code point at s[i]; returns it and advances i (invalid bytes pass through).
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string Unescape(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= token.size()) {  // trailing lone backslash
      out += '\\';
      break;
    }
    char n = token[++i];
    if (n == 'n') {
      out += '\n';
    } else if (n == 'r') {
      out += '\r';
    } else if (n == 't') {
      out += '\t';
    } else if (n == 'u') {
      // \u{XXXX}: exactly four hex digits, else kept literally.
      if (i + 6 < token.size() + 0 && token[i + 1] == '{' && IsHex(token[i + 2]) && IsHex(token[i + 3]) &&
          IsHex(token[i + 4]) && IsHex(token[i + 5]) && i + 6 < token.size() && token[i + 6] == '}') {
        AppendUtf8(out, static_cast<uint32_t>(std::stoul(std::string(token.substr(i + 2, 4)), nullptr, 16)));
        i += 6;
      } else {
        out += "\\u";
      }
    } else {
      out += n;  // punctuation, space, or anything else: the character itself
    }
  }
  return out;
}

bool IsUnicodeAlnum(uint32_t cp) {
  if (cp < 0x80) return std::isalnum(static_cast<int>(cp)) != 0;
  // Non-ASCII letters and digits stay unescaped; treat every code point above Latin-1
  // punctuation as alphanumeric except the general punctuation and symbol blocks.
  if (cp >= 0x80 && cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB2 || cp == 0xB3 || cp == 0xB9;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp < 0x2C00) return false;  // punctuation, symbols, arrows, dingbats
  if (cp >= 0x3000 && cp < 0x3040) return false;  // CJK punctuation
  if (cp >= 0xE000 && cp < 0xF900) return false;  // private use
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

std::string EscapePart(std::string_view part) {
  std::string out;
  for (size_t i = 0; i < part.size();) {
    size_t start = i;
    uint32_t cp = NextCodePoint(part, i);
    if (cp == '_' || cp == '-' || cp == '.' || IsUnicodeAlnum(cp)) {
      out.append(part.substr(start, i - start));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x80 && (std::ispunct(static_cast<int>(cp)) || cp == ' ')) {
      out += '\\';
      out += static_cast<char>(cp);
    } else {
      out += fmt::format("\\u{{{:04X}}}", cp);
    }
  }
  return out;
}

}  // namespace

EntityPath EntityPath::Parse(std::string_view text) {
  std::vector<std::string> parts;
  std::string token;
  auto flush = [&] {
    if (!token.empty()) parts.push_back(Unescape(token));
    token.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      token += c;
      token += text[++i];
    } else if (c == '/') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return EntityPath(std::move(parts));
}

bool EntityPath::StartsWith(const EntityPath& prefix) const {
  return prefix.parts_.size() <= parts_.size() && std::equal(prefix.parts_.begin(), prefix.parts_.end(), parts_.begin());
}

EntityPath EntityPath::Parent() const {
  if (parts_.empty()) return *this;
  return EntityPath(std::vector<std::string>(parts_.begin(), parts_.end() - 1));
}

std::string EntityPath::ToString() const {
  if (parts_.empty()) return "/";
  std::string out;
  for (const auto& p : parts_) {
    out += '/';
    out += EscapePart(p);
  }
  return out;
}

int ComparePathParts(std::string_view a, std::string_view b) {
  bool ra = a.substr(0, 2) == "__", rb = b.substr(0, 2) == "__";
  if (ra != rb) return ra ? 1 : -1;
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ei = i, ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      std::string_view da = a.substr(i, ei - i), db = b.substr(j, ej - j);
      if (da[0] == '0' || db[0] == '0') {  // fractional-looking runs: left-aligned
        size_t k = 0;
        for (; k < da.size() && k < db.size(); ++k)
          if (da[k] != db[k]) return da[k] < db[k] ? -1 : 1;
        if (da.size() != db.size()) return da.size() < db.size() ? -1 : 1;
      } else {
        if (da.size() != db.size()) return da.size() < db.size() ? -1 : 1;
        if (int c = da.compare(db); c != 0) return c < 0 ? -1 : 1;
      }
      i = ei;
      j = ej;
      continue;
    }
    char ca = a[i], cb = b[j];
    // ASCII case folding: what tolower() does for single bytes in the C and UTF-8 locales,
    // without its locale lookup (this runs on every store lookup).
    auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    char la = fold(ca), lb = fold(cb);
    if (la != lb) return static_cast<unsigned char>(la) < static_cast<unsigned char>(lb) ? -1 : 1;
    if (ca != cb) return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

bool EntityPath::operator<(const EntityPath& o) const {
  size_t n = std::min(parts_.size(), o.parts_.size());
  for (size_t k = 0; k < n; ++k) {
    int c = ComparePathParts(parts_[k], o.parts_[k]);
    if (c != 0) return c < 0;
  }
  return parts_.size() < o.parts_.size();
}

// ---------------------------------------------------------------------------------------------

namespace {

// Splits on unescaped whitespace; a leading +/- may be followed by spaces (not newlines).
std::vector<std::string> SmartSplit(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  bool sign_only = false;  // cur is just "+" or "-" so far
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      cur += c;
      cur += text[++i];
      sign_only = false;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (sign_only && c != '\n') continue;  // "+ /a" is one token
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
      sign_only = false;
      continue;
    }
    if (cur.empty() && (c == '+' || c == '-')) {
      cur += c;
      sign_only = true;
      continue;
    }
    cur += c;
    sign_only = false;
  }
  if (!cur.empty()) tokens.push_back(cur);
  return tokens;
}

}  // namespace

EntityPathFilter EntityPathFilter::Parse(std::string_view text) {
  std::map<std::string, bool> raw_rules;  // raw text -> include; later identical text wins
  std::vector<std::string> order;
  for (std::string token : SmartSplit(text)) {
    bool include = true;
    if (token[0] == '+' || token[0] == '-') {
      include = token[0] == '+';
      token.erase(0, 1);
    }
    size_t b = token.find_first_not_of(" \t\r\n"), e = token.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    token = token.substr(b, e - b + 1);
    raw_rules[token] = include;
  }
  // Resolve to (path, subtree); when two raw texts collide, the byte-wise later text wins
  // (std::map iterates in byte order, so later assignments are exactly those).
  struct Key {
    EntityPath path;
    bool subtree;
  };
  std::vector<Rule> resolved;
  for (const auto& [raw, include] : raw_rules) {
    Rule r;
    r.raw = raw;
    r.include = include;
    if (raw == "/**") {
      r.subtree = true;
    } else if (raw.size() >= 3 && raw.substr(raw.size() - 3) == "/**") {
      r.subtree = true;
      r.path = EntityPath::Parse(std::string_view(raw).substr(0, raw.size() - 3));
    } else {
      r.path = EntityPath::Parse(raw);
    }
    auto same = std::find_if(resolved.begin(), resolved.end(),
                             [&](const Rule& o) { return o.path == r.path && o.subtree == r.subtree; });
    if (same != resolved.end()) {
      *same = r;
    } else {
      resolved.push_back(r);
    }
  }
  EntityPath props({"__properties"});
  bool names_props = std::any_of(resolved.begin(), resolved.end(),
                                 [&](const Rule& r) { return r.subtree && r.path == props; });
  if (!names_props) resolved.push_back(Rule{props, true, false, "/__properties/**"});
  std::sort(resolved.begin(), resolved.end(), [](const Rule& a, const Rule& b) {
    if (a.path == b.path) return a.subtree && !b.subtree;
    return a.path < b.path;
  });
  EntityPathFilter f;
  f.rules_ = std::move(resolved);
  return f;
}

Status EntityPathFilter::Check(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view token = text.substr(i, j - i);
    i = j;
    std::string_view rule = token;
    while (!rule.empty() && (rule.front() == '+' || rule.front() == '-')) rule.remove_prefix(1);
    bool trailing_wildcard = rule == "/**" || (rule.size() >= 3 && rule.substr(rule.size() - 3) == "/**");
    if (rule.find('*') != std::string_view::npos && !trailing_wildcard) {
      return Status::Invalid(fmt::format(
          "malformed entity path expression '{}' in contents: only a trailing '/**' is a wildcard (e.g. "
          "'/world/**'); rules are separated by spaces or newlines and may start with '+' or '-'",
          token));
    }
  }
  return Status::OK();
}

bool EntityPathFilter::Matches(const EntityPath& path) const {
  bool included = false;
  for (const auto& r : rules_) {
    bool m = r.subtree ? path.StartsWith(r.path) : path == r.path;
    if (m) included = r.include;
  }
  return included;
}

}  // namespace chunkhouse
