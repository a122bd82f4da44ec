#pragma once
// Rerun's selector language (`rerun.experimental.Selector`, 0.36.2): a jq-like path language over
// Arrow arrays. `.field`, `[]`, `[N]`, `?`, `!`, `|`, `map(...)`, `pack(...)`, registered
// functions (`string_prefix("p")`) and host callables piped in with Pipe(fn). Behaviour, error
// texts and canonical text follow notes/selector_lens.md §1–§4, which was checked against the
// wheel. Where the wheel aborts the process (mismatched group nulls, results too short for their
// offsets), we return an error instead.
//
// Group validity depends on whether an array *has* a validity bitmap, not only on its nulls
// (notes §0.3): a bitmap counts even when the array's slice holds no null, as arrow-rs' NullBuffer
// does. Arrays from Python are imported without all-valid bitmaps, as arrow-rs imports them.
#include <arrow/type_fwd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse::transform {

namespace detail {
struct Chain;
}

// A stage that is not a parsed expression (a Python callable): the current array in; an array out,
// or nullopt for "suppressed"; an error Status whose message is the full text to report.
using SelectorFn =
    std::function<Result<std::optional<std::shared_ptr<arrow::Array>>>(const std::shared_ptr<arrow::Array>&)>;

class Selector {
 public:
  // InvalidArgument "Failed to parse selector: <msg>" on a lexer or parser error.
  static Result<Selector> Parse(std::string_view query);
  Selector Pipe(const Selector& next) const;  // always an explicit pipe
  Selector Pipe(SelectorFn fn) const;         // prints as <function>

  // nullopt = suppressed (Rerun's None). Errors: kind InvalidArgument (or Unimplemented for the
  // "Not yet implemented" texts), message = the exact inner text, without "Selector execution failed: ".
  Result<std::optional<std::shared_ptr<arrow::Array>>> Execute(const std::shared_ptr<arrow::Array>& input) const;
  // `list` must be an arrow::ListArray (32-bit offsets); otherwise InvalidArgument
  // "expected a ListArray, got <TypeDebug>". One output row per input row.
  Result<std::optional<std::shared_ptr<arrow::Array>>> ExecutePerRow(const std::shared_ptr<arrow::Array>& list) const;

  std::string ToString() const;  // canonical text (notes §4)
  bool has_callable() const;

 private:
  explicit Selector(std::shared_ptr<const detail::Chain> chain) : chain_(std::move(chain)) {}
  std::shared_ptr<const detail::Chain> chain_;
};

}  // namespace chunkhouse::transform
