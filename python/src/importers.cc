// Bindings for the importers of other formats: _core.parquet_stream (ParquetReader.stream's core).
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <tuple>

#include "bindings.h"
#include "chunkhouse/transform/parquet_source.h"
#include "errors.h"
#include "stream.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

void RegisterImporters(nb::module_& m) {
  m.def(
      "parquet_stream",
      [](const std::string& path, std::optional<std::string> entity_path_prefix, std::string column_grouping,
         std::string delimiter, std::optional<std::vector<std::string>> prefixes, bool use_structs,
         std::vector<std::string> static_columns,
         std::vector<std::tuple<std::string, std::string, std::optional<std::string>>> index_columns) {
        pq::ReadOptions options;
        options.entity_path_prefix = std::move(entity_path_prefix);
        options.column_grouping = std::move(column_grouping);
        options.delimiter = std::move(delimiter);
        options.prefixes = std::move(prefixes);
        options.use_structs = use_structs;
        options.static_columns = std::move(static_columns);
        for (auto& [column, kind, unit] : index_columns) options.index_columns.push_back({column, kind, unit});
        auto factory = Released([&] { return transform::ParquetSourceFactory::Make(path, std::move(options)); });
        return PyStream{transform::Pipeline::From(std::move(factory))};
      },
      "path"_a, "entity_path_prefix"_a.none(), "column_grouping"_a, "delimiter"_a, "prefixes"_a.none(), "use_structs"_a,
      "static_columns"_a, "index_columns"_a,
      "A pipeline over a Parquet file (options checked against the file now; see notes/parquet.md).");
}

}  // namespace chunkhouse::python
