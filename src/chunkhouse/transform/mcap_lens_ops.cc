#include "chunkhouse/transform/mcap_lens_ops.h"

#include <arrow/builder.h>
#include <fmt/format.h>

namespace chunkhouse::transform::mcap_lens {

CastTo Auto() { return CastTo{CastTo::Kind::kAuto, nullptr}; }

Result<Selector> S(std::string_view text) { return Selector::Parse(text); }

// ---- functions the lenses pipe through ----

// Each non-empty string with `suffix` after it; empty strings and nulls as they are.
SelectorFn SuffixNonEmpty(std::string suffix) {
  return [suffix](const ArrayPtr& input) -> Out {
    if (input->type_id() != arrow::Type::STRING) {
      return InvalidArgument("Type mismatch in string_suffix_nonempty input: expected StringArray, got {}",
                             input->type()->ToString());
    }
    ARROW_ASSIGN_OR_RAISE(auto out, mcap::SuffixNonEmpty(static_cast<const arrow::StringArray&>(*input), suffix));
    return std::optional<ArrayPtr>(out);
  };
}

// A row-major 3x3 matrix of doubles (a list of 9) as column-major floats.
Out RowMajor3x3ToColumnMajor(const ArrayPtr& input) {
  auto list = std::dynamic_pointer_cast<arrow::ListArray>(input);
  if (!list || list->value_type()->id() != arrow::Type::DOUBLE) {
    return InvalidArgument("Type mismatch in row_major_3x3_to_column_major input: expected ListArray of Float64, got {}",
                           input->type()->ToString());
  }
  const auto& values = static_cast<const arrow::DoubleArray&>(*list->values());
  auto floats = std::make_shared<arrow::FloatBuilder>();
  arrow::FixedSizeListBuilder out(arrow::default_memory_pool(), floats,
                                  arrow::fixed_size_list(arrow::field("item", arrow::float32(), false), 9));
  for (int64_t i = 0; i < list->length(); ++i) {
    if (list->IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    if (list->value_length(i) != 9) {
      return InvalidArgument("row_major_3x3_to_column_major: expected 9 values, got {}", list->value_length(i));
    }
    ARROW_RETURN_NOT_OK(out.Append());
    const int64_t base = list->value_offset(i);
    for (int c = 0; c < 3; ++c) {
      for (int r = 0; r < 3; ++r) ARROW_RETURN_NOT_OK(floats->Append(static_cast<float>(values.Value(base + r * 3 + c))));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
}

}  // namespace chunkhouse::transform::mcap_lens
