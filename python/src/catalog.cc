// Bindings for the catalog client: a connection to a server speaking Rerun's protocol.
#include <arrow/table.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/client/client.h"
#include "errors.h"
#include "query_args.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

namespace {

using Entry = std::pair<std::string, std::string>;  // (id, name)
using Row = std::tuple<std::string, std::string, std::string>;

ArrowStream TableStream(std::shared_ptr<arrow::Table> table) {
  return ArrowStream(std::make_shared<arrow::TableBatchReader>(std::move(table)));
}

class CatalogConnection {
 public:
  explicit CatalogConnection(const std::string& url) {
    client_ = Released([&] { return client::CatalogClient::Connect(url); });
  }

  std::vector<Entry> Datasets(std::optional<std::string> name) {
    std::vector<Entry> out;
    for (const auto& e : Released([&] { return client_->Datasets(name); })) out.emplace_back(e.id, e.name);
    return out;
  }
  Entry Create(const std::string& name) {
    auto e = Released([&] { return client_->CreateDataset(name); });
    return {e.id, e.name};
  }
  Entry Read(const std::string& id) {
    auto e = Released([&] { return client_->ReadDataset(id); });
    return {e.id, e.name};
  }
  void Delete(const std::string& id) { Released([&] { return client_->DeleteDataset(id); }); }
  std::vector<Row> Register(const std::string& id, const std::vector<std::string>& urls, const std::string& on_duplicate) {
    std::vector<Row> out;
    for (const auto& r : Released([&] { return client_->Register(id, urls, on_duplicate); })) {
      out.emplace_back(r.segment_id, r.storage_url, r.task_id);
    }
    return out;
  }
  std::vector<Row> Wait(const std::vector<std::string>& tasks, double timeout) {
    auto seconds = std::chrono::seconds(static_cast<int64_t>(std::max(1.0, timeout)));
    std::vector<Row> out;
    for (const auto& t : Released([&] { return client_->WaitForTasks(tasks, seconds); })) {
      out.emplace_back(t.task_id, t.status, t.message);
    }
    return out;
  }
  nb::capsule Schema(const std::string& id) {
    return ExportSchema(*Released([&] { return client_->DatasetSchema(id); }));
  }
  std::vector<std::string> SegmentIds(const std::string& id) {
    return Released([&] { return client_->SegmentIds(id); });
  }
  ArrowStream SegmentTable(const std::string& id) {
    return TableStream(Released([&] { return client_->SegmentTable(id); }));
  }
  Entry Rename(const std::string& id, const std::string& name) {
    auto e = Released([&] { return client_->RenameDataset(id, name); });
    return {e.id, e.name};
  }
  std::string Unregister(const std::string& id, const std::vector<std::string>& segments,
                         const std::vector<std::string>& layers) {
    return Released([&] { return client_->Unregister(id, segments, layers); });
  }
  // A query across segments (query::DatasetQuery): `segments` None for all of them,
  // `per_segment_values` {segment: int64 array} to resample each at its own values.
  ArrowStream Query(const std::string& id, std::optional<std::vector<std::string>> segments,
                    std::optional<nb::dict> per_segment_values, const nb::kwargs& kwargs) {
    query::DatasetQuery dq;
    dq.segments = std::move(segments);
    dq.query = QueryFromKwargs(kwargs);
    if (per_segment_values) {
      dq.per_segment_values.emplace();
      for (auto [segment, values] : *per_segment_values) {
        (*dq.per_segment_values)[nb::cast<std::string>(segment)] = Int64Values(values);
      }
    }
    return TableStream(Released([&] { return client_->Query(id, dq); }));
  }

 private:
  std::unique_ptr<client::CatalogClient> client_;
};

}  // namespace

void RegisterCatalog(nb::module_& m) {
  nb::class_<CatalogConnection>(m, "CatalogConnection", "A connection to a catalog server.")
      .def(nb::init<const std::string&>(), "url"_a)
      .def("datasets", &CatalogConnection::Datasets, "name"_a = nb::none())
      .def("create_dataset", &CatalogConnection::Create, "name"_a)
      .def("read_dataset", &CatalogConnection::Read, "id"_a)
      .def("delete_dataset", &CatalogConnection::Delete, "id"_a)
      .def("register", &CatalogConnection::Register, "id"_a, "urls"_a, "on_duplicate"_a)
      .def("wait", &CatalogConnection::Wait, "tasks"_a, "timeout"_a)
      .def("schema", &CatalogConnection::Schema, "id"_a)
      .def("segment_ids", &CatalogConnection::SegmentIds, "id"_a)
      .def("segment_table", &CatalogConnection::SegmentTable, "id"_a)
      .def("rename_dataset", &CatalogConnection::Rename, "id"_a, "name"_a)
      .def("unregister", &CatalogConnection::Unregister, "id"_a, "segments"_a, "layers"_a)
      .def("query", &CatalogConnection::Query, "id"_a, "segments"_a.none(), "per_segment_values"_a.none(),
           "kwargs"_a);
}

}  // namespace chunkhouse::python
