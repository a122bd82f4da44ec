#pragma once
// The one place a Python call becomes a query::QueryExpression: recordings and datasets take
// the same keyword arguments.
#include <nanobind/nanobind.h>

#include "chunkhouse/query/query.h"

namespace chunkhouse::python {

// Keywords: index (str | None), contents ([(expression, [component] | None)]),
// include_semantically_empty, include_tombstone, fill (bool), range ((int, int) | None),
// filtered_values, using_values (int64 numpy arrays | None), is_not_null (str | None),
// selection ([str] | None), batch_rows (int). Unknown keywords are a TypeError.
query::QueryExpression QueryFromKwargs(const nanobind::kwargs& kwargs);

// An int64 numpy array (or anything nanobind converts to one) as a vector.
std::vector<int64_t> Int64Values(nanobind::handle values);

}  // namespace chunkhouse::python
