#pragma once
// The parsed form of a selector, shared by the parser, the evaluator and the printer.
//
// A selector is a chain of stages joined by pipes. Rerun's grammar only lets `?` and `!` follow a
// single segment (there are no parentheses), and a pipe of pipes means the same as the flat pipe
// (offsets compose and group nulls AND associatively), so a flat list of stages, each carrying its
// own postfix operators, represents every selector without deep trees: a 10,000-segment chain is
// a vector, not 10,000 nested nodes. Only `map(...)` nests, and the parser bounds its depth.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/transform/selector.h"

namespace chunkhouse::transform::detail {

enum class AtomKind : uint8_t {
  kIdentity,  // .
  kField,     // .name
  kIndex,     // [N]
  kEach,      // []
  kFunction,  // name / name() / name("a"; "b")
  kMap,       // map(chain)
  kPack,      // pack(path, ...)
  kCallable,  // a host function from Selector::Pipe(SelectorFn)
};

enum class Postfix : uint8_t { kTry, kNonNull };  // `?`, `!`

struct Stage {
  AtomKind kind = AtomKind::kIdentity;
  bool explicit_pipe = false;   // joined to the previous stage by ` | ` (else by juxtaposition)
  std::string name;             // field or function name
  uint64_t index = 0;           // [N]
  bool has_parens = false;      // `f()` and `f` are different selectors
  std::vector<std::string> args;                    // function arguments (string literals)
  std::shared_ptr<const struct Chain> body;         // map
  std::vector<std::shared_ptr<const struct Chain>> paths;  // pack: chains of ., .f, [N] only
  SelectorFn fn;                // callable
  std::vector<Postfix> postfix; // applied left to right: `.a?!` is NonNull(Try(.a))
};

struct Chain {
  std::vector<Stage> stages;  // never empty
};

// Canonical text (notes §4).
std::string ChainText(const Chain& chain);
bool ChainHasCallable(const Chain& chain);

}  // namespace chunkhouse::transform::detail
