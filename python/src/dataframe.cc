// Bindings for dataframe queries over one recording: Store, and the schema and entity-path helpers
// the Python layer shapes its API with.
#include <arrow/record_batch.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/query/query.h"
#include "chunkhouse/store/store.h"
#include "errors.h"
#include "query_args.h"
#include "store_entry.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

namespace {

// [(name, type)] of a schema's timelines.
std::vector<std::pair<std::string, std::string>> IndexColumns(const sorbet::Schema& schema) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : schema.timelines) out.emplace_back(t.name, std::string(TimeTypeName(t.type)));
  return out;
}

// [(entity, component, archetype, component_type, is_static, name, is_semantically_empty,
//   is_tombstone)] of a schema's component columns.
nb::list ComponentColumns(const sorbet::Schema& schema) {
  nb::list out;
  for (const auto& c : schema.columns) {
    out.append(nb::make_tuple(c.entity.ToString(), c.descriptor.component, c.descriptor.archetype,
                              c.descriptor.component_type, c.is_static, c.ColumnName(), c.is_semantically_empty,
                              c.is_tombstone));
  }
  return out;
}

// One recording's chunks, ready for queries.
class Store {
 public:
  Store(const std::string& path, std::optional<StoreEntry> entry) {
    std::optional<StoreId> id;
    if (entry) id = entry->id;
    store_ = Released([&] { return ChunkStore::Open(path, id); });
  }

  StoreEntry entry() const { return StoreEntry{store_->store_id().value_or(StoreId{})}; }
  size_t num_chunks() const { return store_->num_chunks(); }
  size_t num_loaded() const { return store_->num_loaded(); }
  const sorbet::Schema& schema() const { return store_->schema(); }

  ArrowStream Query(const nb::kwargs& kwargs) {
    auto q = QueryFromKwargs(kwargs);
    return ArrowStream(Released([&] { return query::Execute(store_, std::move(q)); }));
  }

  nb::capsule OutputSchema(const nb::kwargs& kwargs) {
    auto q = QueryFromKwargs(kwargs);
    return ExportSchema(*Unwrap(query::OutputSchema(*store_, q)));
  }

 private:
  std::shared_ptr<const ChunkStore> store_;
};

}  // namespace

void RegisterDataframe(nb::module_& m) {
  nb::class_<Store>(m, "Store", "One recording's chunks, indexed for dataframe queries.")
      .def(nb::init<const std::string&, std::optional<StoreEntry>>(), "path"_a, "store"_a = nb::none())
      .def_prop_ro("entry", &Store::entry)
      .def_prop_ro("num_chunks", &Store::num_chunks)
      .def_prop_ro("num_loaded_chunks", &Store::num_loaded, "How many chunks have been decoded so far.")
      .def("index_columns", [](const Store& s) { return IndexColumns(s.schema()); })
      .def("component_columns", [](const Store& s) { return ComponentColumns(s.schema()); })
      .def("query", &Store::Query, "Run a query (see query_args.h for the keywords): an Arrow C stream.")
      .def("output_schema", &Store::OutputSchema,
           "The columns a query returns, without running it (errors as the query would raise them).");

  m.def("schema_columns",
        [](nb::handle schema) {
          auto parsed = Unwrap(sorbet::Schema::FromArrow(*ImportSchema(schema), "schema"));
          return nb::make_tuple(IndexColumns(parsed), ComponentColumns(parsed));
        },
        "schema"_a, "(index columns, component columns) of a dataframe schema, as Store describes its own.");

  m.def("filter_matches",
        [](const std::string& expr, const std::vector<std::string>& paths) {
          auto filter = EntityPathFilter::Parse(expr);
          std::vector<bool> out;
          for (const auto& p : paths) out.push_back(filter.Matches(EntityPath::Parse(p)));
          return out;
        },
        "expr"_a, "paths"_a, "Which entity paths an entity-path expression selects.");
}

}  // namespace chunkhouse::python
