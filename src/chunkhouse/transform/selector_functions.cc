#include "chunkhouse/transform/selector_functions.h"

#include <arrow/array.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/scalar.h>

#include "chunkhouse/base/type_text.h"

namespace chunkhouse::transform::detail {
namespace {

// Each non-null Utf8 string with `prefix` in front (empty strings too); nulls stay null.
// LargeUtf8 and Utf8View are rejected, as Rerun's StringArray downcast rejects them.
SelectorFn StringPrefix(std::string prefix) {
  return [prefix = std::move(prefix)](const std::shared_ptr<arrow::Array>& input)
             -> Result<std::optional<std::shared_ptr<arrow::Array>>> {
    if (input->type_id() != arrow::Type::STRING) {
      return InvalidArgument("Type mismatch in string_prefix input: expected StringArray, got {}",
                             TypeDisplay(*input->type()));
    }
    // The string kernels live in libarrow_compute, which registers them once on request.
    static const Status registered = arrow::compute::Initialize();
    ARROW_RETURN_NOT_OK(registered);
    // binary_join_element_wise takes the separator last: join(prefix, value) with "".
    auto joined = arrow::compute::CallFunction(
        "binary_join_element_wise",
        {std::make_shared<arrow::StringScalar>(prefix), input, std::make_shared<arrow::StringScalar>("")});
    if (!joined.ok()) return InvalidArgument("string_prefix: {}", joined.status().message());
    return std::optional<std::shared_ptr<arrow::Array>>(joined->make_array());
  };
}

}  // namespace

Result<SelectorFn> LookupFunction(const std::string& name, const std::vector<std::string>& args) {
  if (name == "string_prefix") {
    if (args.empty()) return InvalidArgument("Wrong arguments for function: `{}`", name);
    return StringPrefix(args[0]);
  }
  return InvalidArgument("Unknown function: `{}`", name);
}

}  // namespace chunkhouse::transform::detail
