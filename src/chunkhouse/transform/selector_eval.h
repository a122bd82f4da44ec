#pragma once
// Evaluation of a parsed selector (notes §1.3–§1.7), shared by the operators, `map` and `pack`.
#include <arrow/type_fwd.h>

#include "chunkhouse/transform/selector_ast.h"
#include "chunkhouse/transform/selector_groups.h"

namespace chunkhouse::transform::detail {

// A chain on `input`: nullopt when suppressed.
EvalResult EvalChain(const Chain& chain, const ArrayPtr& input);
// `chain` on the raw child of `list`, regrouped into one output row per input row (the body of
// `map(...)` and of Selector::ExecutePerRow). The list field is `item`, nullable.
Result<std::optional<ArrayPtr>> EvalPerRow(const arrow::ListArray& list, const Chain& chain);
// pack(p1, ..., pn) on `input`: a FixedSizeList of n, entry-major.
EvalResult EvalPack(const Stage& pack, const ArrayPtr& input);

}  // namespace chunkhouse::transform::detail
