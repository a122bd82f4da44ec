// Lexer, parser and canonical text of the selector language. The token rules, the grammar and
// every message are those of rerun-sdk 0.36.2 (notes/selector_lens.md §3.2, §3.3, §4).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/type_text.h"
#include "chunkhouse/transform/selector_ast.h"

namespace chunkhouse::transform {
namespace detail {
namespace {

struct CodePointRange {
  uint32_t first, last;
};
#include "chunkhouse/transform/selector_unicode.inc"

template <size_t N>
bool InRanges(const CodePointRange (&ranges)[N], uint32_t cp) {
  auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                             [](uint32_t c, const CodePointRange& r) { return c < r.first; });
  return it != std::begin(ranges) && cp <= (it - 1)->last;
}

// Rust's char::is_alphabetic and char::is_alphanumeric, which Rerun's lexer uses.
bool IsAlphabetic(uint32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return InRanges(kAlphabetic, cp);
}
bool IsAlphanumeric(uint32_t cp) {
  if (cp < 0x80) return IsAlphabetic(cp) || (cp >= '0' && cp <= '9');
  return IsAlphabetic(cp) || InRanges(kNumeric, cp);
}
bool IsNameChar(uint32_t cp) { return IsAlphanumeric(cp) || cp == '-' || cp == '_'; }

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

// Code points of the query. Python hands us valid UTF-8; any other byte sequence (a fuzzer's)
// decodes an invalid byte as U+FFFD, so every token text we keep is valid UTF-8.
class Utf8Reader {
 public:
  explicit Utf8Reader(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  uint32_t Peek() const {
    size_t j = i_;
    return Decode(j);
  }
  uint32_t Next() { return Decode(i_); }

 private:
  uint32_t Decode(size_t& i) const {
    auto b = [&](size_t k) { return static_cast<uint8_t>(s_[k]); };
    uint8_t c = b(i);
    if (c < 0x80) return ++i, c;
    int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s_.size()) return ++i, 0xFFFD;
    uint32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      if ((b(i + k) & 0xC0) != 0x80) return ++i, 0xFFFD;
      cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, 0xFFFD;
    i += len;
    return cp;
  }
  std::string_view s_;
  size_t i_ = 0;
};

enum class Tok : uint8_t {
  kField, kIdent, kInteger, kString,
  kLBracket, kRBracket, kLParen, kRParen, kDot, kPipe, kSemicolon, kComma, kQuestion, kBang,
};

struct Token {
  Tok kind;
  std::string text;  // field/ident name, string value
  uint64_t number = 0;
};

// How a token is shown in a parser message.
std::string TokenText(const Token& t) {
  switch (t.kind) {
    case Tok::kField: return "." + t.text;
    case Tok::kIdent: return t.text;
    case Tok::kInteger: return std::to_string(t.number);
    case Tok::kString: return RustDebugString(t.text);
    case Tok::kLBracket: return "[";
    case Tok::kRBracket: return "]";
    case Tok::kLParen: return "(";
    case Tok::kRParen: return ")";
    case Tok::kDot: return ".";
    case Tok::kPipe: return "|";
    case Tok::kSemicolon: return ";";
    case Tok::kComma: return ",";
    case Tok::kQuestion: return "?";
    case Tok::kBang: return "!";
  }
  return "?";
}

std::string CharText(uint32_t cp) {
  std::string s;
  AppendUtf8(s, cp);
  return s;
}

// Lines and columns count characters, 1-based; a newline outside a string starts a new line.
// Inside a string literal every character (a newline too) advances the column only.
Result<std::vector<Token>> Lex(std::string_view query) {
  std::vector<Token> tokens;
  Utf8Reader in(query);
  size_t line = 1, column = 1;
  auto next = [&] {
    ++column;
    return in.Next();
  };
  auto name_run = [&](std::string& out) {
    while (!in.done() && IsNameChar(in.Peek())) AppendUtf8(out, next());
  };
  auto single = [&](Tok kind) { tokens.push_back(Token{kind, {}, 0}); };
  while (!in.done()) {
    uint32_t c = next();
    switch (c) {
      case ' ': case '\r': case '\t': continue;
      case '\n': ++line; column = 1; continue;
      case '|': single(Tok::kPipe); continue;
      case '?': single(Tok::kQuestion); continue;
      case '!': single(Tok::kBang); continue;
      case '[': single(Tok::kLBracket); continue;
      case ']': single(Tok::kRBracket); continue;
      case '(': single(Tok::kLParen); continue;
      case ')': single(Tok::kRParen); continue;
      case ';': single(Tok::kSemicolon); continue;
      case ',': single(Tok::kComma); continue;
      default: break;
    }
    if (c == '"') {
      size_t start_line = line, start_column = column;
      std::string value;
      for (;;) {
        if (in.done()) return InvalidArgument("unterminated string at line {}, column {}", start_line, start_column);
        uint32_t ch = next();
        if (ch == '"') break;
        if (ch != '\\') {
          AppendUtf8(value, ch);
          continue;
        }
        if (in.done()) return InvalidArgument("unterminated string at line {}, column {}", start_line, start_column);
        uint32_t esc = in.Next();  // the column still names this character in the message
        switch (esc) {
          case '\\': value += '\\'; break;
          case '"': value += '"'; break;
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          default:
            return InvalidArgument("invalid escape sequence `\\{}` at line {}, column {}", CharText(esc), line, column);
        }
        ++column;
      }
      tokens.push_back(Token{Tok::kString, std::move(value), 0});
    } else if (c == '.') {
      if (!in.done() && IsAlphabetic(in.Peek())) {
        Token t{Tok::kField, {}, 0};
        name_run(t.text);
        tokens.push_back(std::move(t));
      } else {
        single(Tok::kDot);
      }
    } else if (c >= '0' && c <= '9') {
      std::string digits(1, static_cast<char>(c));
      while (!in.done() && in.Peek() >= '0' && in.Peek() <= '9') digits += static_cast<char>(next());
      uint64_t value = 0;
      for (char d : digits) {
        uint64_t digit = static_cast<uint64_t>(d - '0');
        if (value > (UINT64_MAX - digit) / 10) {
          return InvalidArgument("failed to parse `{}` as integer: number too large to fit in target type", digits);
        }
        value = value * 10 + digit;
      }
      tokens.push_back(Token{Tok::kInteger, {}, value});
    } else if (IsAlphabetic(c) || c == '_') {
      Token t{Tok::kIdent, CharText(c), 0};
      name_run(t.text);
      tokens.push_back(std::move(t));
    } else {
      return InvalidArgument("unexpected character `{}` at line {}, column {}", CharText(c), line, column - 1);
    }
  }
  return tokens;
}

constexpr int kMaxMapDepth = 100;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Chain> ParseAll() {
    ARROW_ASSIGN_OR_RAISE(auto chain, ParseChain(0));
    if (const Token* t = Peek()) return Unexpected(*t);
    return chain;
  }

 private:
  const Token* Peek() const { return pos_ < tokens_.size() ? &tokens_[pos_] : nullptr; }
  bool PeekIs(Tok kind) const { return Peek() != nullptr && Peek()->kind == kind; }
  bool AtSegmentStart() const { return PeekIs(Tok::kField) || PeekIs(Tok::kLBracket); }

  static Status Eof() { return InvalidArgument("unexpected end of input"); }
  static Status Unexpected(const Token& t) { return InvalidArgument("unexpected symbol `{}`", TokenText(t)); }
  static Status NotScalar(const Token& t) {
    return InvalidArgument(
        "`pack` paths must be scalar navigation paths \xE2\x80\x94 identity (`.`), field access (`.foo`), or "
        "indexing (`[N]`), optionally with `?`/`!` and pipes; iteration (`[]`), `map`, functions, and nested "
        "`pack` are not allowed (found `{}`)",
        TokenText(t));
  }

  Status Consume(Tok kind, std::string_view shown) {
    const Token* t = Peek();
    if (t == nullptr) return Eof();
    ++pos_;
    if (t->kind != kind) return InvalidArgument("expected `{}` but found `{}`", shown, TokenText(*t));
    return Status::OK();
  }

  // Chain := Term ('|' Term)*
  Result<Chain> ParseChain(int depth) {
    Chain chain;
    ARROW_RETURN_NOT_OK(ParseTerm(depth, chain.stages, /*path=*/false));
    while (PeekIs(Tok::kPipe)) {
      ++pos_;
      size_t first = chain.stages.size();
      ARROW_RETURN_NOT_OK(ParseTerm(depth, chain.stages, false));
      chain.stages[first].explicit_pipe = true;
    }
    return chain;
  }

  // PathChain := PathTerm ('|' PathTerm)*  (inside pack)
  Result<Chain> ParsePath() {
    Chain chain;
    ARROW_RETURN_NOT_OK(ParseTerm(0, chain.stages, /*path=*/true));
    while (PeekIs(Tok::kPipe)) {
      ++pos_;
      size_t first = chain.stages.size();
      ARROW_RETURN_NOT_OK(ParseTerm(0, chain.stages, true));
      chain.stages[first].explicit_pipe = true;
    }
    return chain;
  }

  // Term := map(...) | pack(...) | IDENT [args] | '.' | ['.'] Segment Post (Segment Post)*
  Status ParseTerm(int depth, std::vector<Stage>& out, bool path) {
    const Token* t = Peek();
    if (t != nullptr && t->kind == Tok::kIdent) {
      if (path) return NotScalar(*t);
      std::string name = t->text;
      ++pos_;
      Stage stage;
      if (name == "map") {
        if (depth >= kMaxMapDepth) return InvalidArgument("`map(...)` nested more than {} levels deep", kMaxMapDepth);
        ARROW_RETURN_NOT_OK(Consume(Tok::kLParen, "("));
        ARROW_ASSIGN_OR_RAISE(auto body, ParseChain(depth + 1));
        ARROW_RETURN_NOT_OK(Consume(Tok::kRParen, ")"));
        stage.kind = AtomKind::kMap;
        stage.body = std::make_shared<const Chain>(std::move(body));
      } else if (name == "pack") {
        ARROW_RETURN_NOT_OK(Consume(Tok::kLParen, "("));
        if (PeekIs(Tok::kRParen)) return Unexpected(*Peek());
        stage.kind = AtomKind::kPack;
        for (;;) {
          ARROW_ASSIGN_OR_RAISE(auto p, ParsePath());
          stage.paths.push_back(std::make_shared<const Chain>(std::move(p)));
          if (!PeekIs(Tok::kComma)) break;
          ++pos_;
        }
        ARROW_RETURN_NOT_OK(Consume(Tok::kRParen, ")"));
      } else {
        stage.kind = AtomKind::kFunction;
        stage.name = std::move(name);
        ARROW_RETURN_NOT_OK(ParseArguments(stage));
      }
      out.push_back(std::move(stage));
      return Status::OK();
    }
    if (t == nullptr) return Eof();
    if (t->kind == Tok::kDot) {
      ++pos_;
      if (!AtSegmentStart()) {
        out.push_back(Stage{});
        return Status::OK();
      }
    }
    do {
      Stage stage;
      ARROW_RETURN_NOT_OK(ParseSegment(stage, path));
      while (PeekIs(Tok::kQuestion) || PeekIs(Tok::kBang)) {
        stage.postfix.push_back(Peek()->kind == Tok::kQuestion ? Postfix::kTry : Postfix::kNonNull);
        ++pos_;
      }
      out.push_back(std::move(stage));
    } while (AtSegmentStart());
    return Status::OK();
  }

  // Segment := FIELD | '[' ']' | '[' INTEGER ']'   (no `[]` in a pack path)
  Status ParseSegment(Stage& stage, bool path) {
    const Token* t = Peek();
    if (t == nullptr) return Eof();
    if (t->kind == Tok::kField) {
      stage.kind = AtomKind::kField;
      stage.name = t->text;
      ++pos_;
      return Status::OK();
    }
    if (t->kind != Tok::kLBracket) return Unexpected(*t);
    ++pos_;
    const Token* inner = Peek();
    if (inner == nullptr) return Eof();
    if (inner->kind == Tok::kRBracket) {
      if (path) return NotScalar(*inner);
      ++pos_;
      stage.kind = AtomKind::kEach;
      return Status::OK();
    }
    if (inner->kind != Tok::kInteger) return Unexpected(*inner);
    stage.kind = AtomKind::kIndex;
    stage.index = inner->number;
    ++pos_;
    return Consume(Tok::kRBracket, "]");
  }

  // Args := '(' [ STRING (';' STRING)* ] ')', optional altogether.
  Status ParseArguments(Stage& stage) {
    if (!PeekIs(Tok::kLParen)) return Status::OK();
    ++pos_;
    stage.has_parens = true;
    if (PeekIs(Tok::kRParen)) {
      ++pos_;
      return Status::OK();
    }
    for (;;) {
      const Token* t = Peek();
      if (t == nullptr) return Eof();
      if (t->kind != Tok::kString) return Unexpected(*t);
      stage.args.push_back(t->text);
      ++pos_;
      if (!PeekIs(Tok::kSemicolon)) break;
      ++pos_;
    }
    return Consume(Tok::kRParen, ")");
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

void AppendStage(const Stage& s, std::string& out) {
  switch (s.kind) {
    case AtomKind::kIdentity: out += '.'; break;
    case AtomKind::kField: out += '.' + s.name; break;
    case AtomKind::kIndex: out += '[' + std::to_string(s.index) + ']'; break;
    case AtomKind::kEach: out += "[]"; break;
    case AtomKind::kFunction:
      out += s.name;
      if (s.has_parens) {
        out += '(';
        for (size_t i = 0; i < s.args.size(); ++i) out += (i ? "; " : "") + RustDebugString(s.args[i]);
        out += ')';
      }
      break;
    case AtomKind::kMap: out += "map(" + ChainText(*s.body) + ")"; break;
    case AtomKind::kPack:
      out += "pack(";
      for (size_t i = 0; i < s.paths.size(); ++i) out += (i ? ", " : "") + ChainText(*s.paths[i]);
      out += ')';
      break;
    case AtomKind::kCallable: out += "<function>"; break;
  }
  for (Postfix p : s.postfix) out += p == Postfix::kTry ? '?' : '!';
}

}  // namespace

std::string ChainText(const Chain& chain) {
  std::string out;
  for (size_t i = 0; i < chain.stages.size(); ++i) {
    if (i > 0 && chain.stages[i].explicit_pipe) out += " | ";
    AppendStage(chain.stages[i], out);
  }
  return out;
}

bool ChainHasCallable(const Chain& chain) {
  for (const auto& s : chain.stages) {
    if (s.kind == AtomKind::kCallable) return true;
    if (s.kind == AtomKind::kMap && ChainHasCallable(*s.body)) return true;
  }
  return false;
}

}  // namespace detail

Result<Selector> Selector::Parse(std::string_view query) {
  auto parsed = [&]() -> Result<detail::Chain> {
    ARROW_ASSIGN_OR_RAISE(auto tokens, detail::Lex(query));
    return detail::Parser(std::move(tokens)).ParseAll();
  }();
  if (!parsed.ok()) return InvalidArgument("Failed to parse selector: {}", parsed.status().message());
  return Selector(std::make_shared<const detail::Chain>(std::move(parsed).ValueUnsafe()));
}

Selector Selector::Pipe(const Selector& next) const {
  auto chain = std::make_shared<detail::Chain>(*chain_);
  size_t first = chain->stages.size();
  chain->stages.insert(chain->stages.end(), next.chain_->stages.begin(), next.chain_->stages.end());
  chain->stages[first].explicit_pipe = true;
  return Selector(std::move(chain));
}

Selector Selector::Pipe(SelectorFn fn) const {
  auto chain = std::make_shared<detail::Chain>(*chain_);
  detail::Stage stage;
  stage.kind = detail::AtomKind::kCallable;
  stage.explicit_pipe = true;
  stage.fn = std::move(fn);
  chain->stages.push_back(std::move(stage));
  return Selector(std::move(chain));
}

std::string Selector::ToString() const { return detail::ChainText(*chain_); }
bool Selector::has_callable() const { return detail::ChainHasCallable(*chain_); }

}  // namespace chunkhouse::transform
