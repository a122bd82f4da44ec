#include "query_args.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace nb = nanobind;

namespace chunkhouse::python {

std::vector<int64_t> Int64Values(nb::handle values) {
  using Array = nb::ndarray<const int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
  auto a = nb::cast<Array>(values);
  return std::vector<int64_t>(a.data(), a.data() + a.shape(0));
}

query::QueryExpression QueryFromKwargs(const nb::kwargs& kwargs) {
  query::QueryExpression q;
  for (auto [key_obj, value] : kwargs) {
    std::string key = nb::cast<std::string>(key_obj);
    if (key == "index") {
      q.index = nb::cast<std::optional<std::string>>(value);
    } else if (key == "contents") {
      q.contents = nb::cast<std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>>>(value);
    } else if (key == "include_semantically_empty") {
      q.include_semantically_empty_columns = nb::cast<bool>(value);
    } else if (key == "include_tombstone") {
      q.include_tombstone_columns = nb::cast<bool>(value);
    } else if (key == "fill") {
      q.fill_latest_at = nb::cast<bool>(value);
    } else if (key == "range") {
      q.range = nb::cast<std::optional<std::pair<int64_t, int64_t>>>(value);
    } else if (key == "filtered_values") {
      if (!value.is_none()) q.filtered_index_values = Int64Values(value);
    } else if (key == "using_values") {
      if (!value.is_none()) q.using_index_values = Int64Values(value);
    } else if (key == "is_not_null") {
      q.filtered_is_not_null = nb::cast<std::optional<std::string>>(value);
    } else if (key == "selection") {
      q.selection = nb::cast<std::optional<std::vector<std::string>>>(value);
    } else if (key == "batch_rows") {
      q.batch_rows = nb::cast<int64_t>(value);
    } else {
      throw nb::type_error(("unexpected query argument '" + key + "'").c_str());
    }
  }
  return q;
}

}  // namespace chunkhouse::python
