#pragma once
// The functions a selector can call by name (`string_prefix("image/")`): Rerun 0.36.2 registers
// only `string_prefix`. A name resolves to a function of the current array at evaluation time, as
// in Rerun, so an unknown name is an execution error, not a parse error.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/transform/selector.h"

namespace chunkhouse::transform::detail {

// Unknown name: "Unknown function: `name`"; too few arguments: "Wrong arguments for function:
// `name`". Extra arguments are ignored, as Rerun does.
Result<SelectorFn> LookupFunction(const std::string& name, const std::vector<std::string>& args);

}  // namespace chunkhouse::transform::detail
