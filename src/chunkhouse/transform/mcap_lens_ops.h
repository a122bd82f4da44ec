#pragma once
// What the MCAP importer's lenses (ROS 2 in mcap_lenses.cc, Foxglove in mcap_foxglove_lenses.cc)
// share: descriptors and the functions their selectors pipe through.
#include <arrow/array.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chunkhouse/mcap/columns.h"
#include "chunkhouse/transform/lens.h"

namespace chunkhouse::transform::mcap_lens {

using ArrayPtr = std::shared_ptr<arrow::Array>;
using Out = Result<std::optional<ArrayPtr>>;

// Descriptors as the MCAP decoders make them (chunk/columns.h, mcap/columns.h).
inline constexpr const char* kFrameType = kFrameIdType;
CastTo Auto();
Result<Selector> S(std::string_view text);

// A struct field the function needs, of the array type it expects.
template <typename T>
Result<std::shared_ptr<T>> Field(const arrow::Array& input, const char* name, const char* context) {
  if (input.type_id() != arrow::Type::STRUCT) {
    return InvalidArgument("Type mismatch in {} input: expected StructArray, got {}", context, input.type()->ToString());
  }
  auto field = static_cast<const arrow::StructArray&>(input).GetFieldByName(name);
  if (!field) return InvalidArgument("{}: field `{}` not found", context, name);
  auto typed = std::dynamic_pointer_cast<T>(field);
  if (!typed) return InvalidArgument("{}: field `{}` has type {}", context, name, field->type()->ToString());
  return typed;
}

// Each non-empty string with `suffix` after it; empty strings and nulls as they are.
SelectorFn SuffixNonEmpty(std::string suffix);
// A row-major 3x3 matrix of doubles (a list of 9) as column-major floats.
Out RowMajor3x3ToColumnMajor(const ArrayPtr& input);

}  // namespace chunkhouse::transform::mcap_lens
