// chunkhouse._core: the C++ library seen from Python. Arrow data crosses through the Arrow
// C Data Interface (PyCapsules), so record batches reach pyarrow without copies.
#include <arrow/c/bridge.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>

#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/tuple.h>

#include "chunkhouse/client/client.h"
#include "chunkhouse/query/query.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/store/store.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {
namespace {

template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) throw nb::value_error(r.status().message().c_str());
  return std::move(r).ValueUnsafe();
}

void Check(const Status& st) {
  if (!st.ok()) throw nb::value_error(st.message().c_str());
}

// (schema capsule, array capsule) for a record batch, per the Arrow PyCapsule protocol.
nb::tuple ExportBatch(const arrow::RecordBatch& batch) {
  auto schema = std::make_unique<ArrowSchema>();
  auto array = std::make_unique<ArrowArray>();
  Check(arrow::ExportRecordBatch(batch, array.get(), schema.get()));
  nb::capsule schema_cap(schema.release(), "arrow_schema", [](void* p) noexcept {
    auto* s = static_cast<ArrowSchema*>(p);
    if (s->release) s->release(s);
    delete s;
  });
  nb::capsule array_cap(array.release(), "arrow_array", [](void* p) noexcept {
    auto* a = static_cast<ArrowArray*>(p);
    if (a->release) a->release(a);
    delete a;
  });
  return nb::make_tuple(schema_cap, array_cap);
}

struct StoreEntry {
  StoreId id;
  std::string kind() const { return std::string(StoreKindName(id.kind)); }
};

// The stores of a file: from the footer when there is one, else by a scan that decodes
// no chunk.
std::vector<StoreId> ListStores(const std::string& path) {
  auto indexed = rrd::IndexedReader::Open(path, rrd::IndexedReader::Options{});
  if (indexed.ok() && (*indexed)->has_footer()) return (*indexed)->stores();
  auto reader = Unwrap(rrd::StreamReader::Open(path, rrd::ReadOptions{/*decode_chunks=*/false}));
  std::vector<StoreId> stores;
  while (true) {
    auto next = reader->Next();
    if (!next.ok()) {
      if (reader->done()) throw nb::value_error(next.status().message().c_str());
      continue;
    }
    if (!*next) break;
    const auto& msg = **next;
    const StoreId* id = msg.kind == rrd::MessageKind::kSetStoreInfo ? &msg.store_info.id
                        : msg.kind == rrd::MessageKind::kArrowMsg   ? &msg.store
                                                                    : nullptr;
    if (id && std::find(stores.begin(), stores.end(), *id) == stores.end()) stores.push_back(*id);
  }
  return stores;
}

// Chunks of one store, decoded one at a time as Python asks for them.
class ChunkStream {
 public:
  ChunkStream(std::string path, std::optional<StoreId> store) : path_(std::move(path)), store_(std::move(store)) {}

  ChunkStream& Iter() {
    reader_.reset();
    return *this;
  }

  std::shared_ptr<Chunk> Next() {
    if (!reader_) reader_ = Unwrap(rrd::StreamReader::Open(path_));
    while (true) {
      Result<std::optional<rrd::RrdMessage>> next;
      {
        nb::gil_scoped_release release;
        next = reader_->Next();
      }
      if (!next.ok()) throw nb::value_error(next.status().message().c_str());
      if (!*next) throw nb::stop_iteration();
      auto& msg = **next;
      if (msg.kind != rrd::MessageKind::kArrowMsg) continue;
      if (!store_) store_ = FirstRecording();
      if (msg.store == *store_) return std::move(msg.chunk);
    }
  }

  std::vector<std::shared_ptr<Chunk>> ToChunks() {
    std::vector<std::shared_ptr<Chunk>> out;
    auto reader = Unwrap(rrd::StreamReader::Open(path_));
    nb::gil_scoped_release release;
    std::optional<StoreId> store = store_;
    while (true) {
      auto next = reader->Next();
      if (!next.ok()) {
        nb::gil_scoped_acquire acquire;
        throw nb::value_error(next.status().message().c_str());
      }
      if (!*next) break;
      auto& msg = **next;
      if (msg.kind != rrd::MessageKind::kArrowMsg) continue;
      if (!store) {
        nb::gil_scoped_acquire acquire;
        store = FirstRecording();
      }
      if (msg.store == *store) out.push_back(std::move(msg.chunk));
    }
    return out;
  }

 private:
  StoreId FirstRecording() {
    for (const auto& s : ListStores(path_))
      if (s.kind == StoreKind::kRecording) return s;
    throw nb::value_error((path_ + ": the file contains no recording store").c_str());
  }

  std::string path_;
  std::optional<StoreId> store_;
  std::unique_ptr<rrd::StreamReader> reader_;
};

// A query result: an Arrow C stream (PyCapsule protocol), pulled batch by batch.
class QueryStream {
 public:
  explicit QueryStream(std::shared_ptr<arrow::RecordBatchReader> reader) : reader_(std::move(reader)) {}
  nb::capsule Export(nb::object requested_schema) {
    if (!reader_) throw nb::value_error("this query result was already consumed");
    auto stream = std::make_unique<ArrowArrayStream>();
    Check(arrow::ExportRecordBatchReader(std::move(reader_), stream.get()));
    return nb::capsule(stream.release(), "arrow_array_stream", [](void* p) noexcept {
      auto* s = static_cast<ArrowArrayStream*>(p);
      if (s->release) s->release(s);
      delete s;
    });
  }

 private:
  std::shared_ptr<arrow::RecordBatchReader> reader_;
};

using Int64Array = nb::ndarray<const int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

std::vector<int64_t> ToVector(const Int64Array& a) { return std::vector<int64_t>(a.data(), a.data() + a.shape(0)); }

struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct AlreadyExists : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Raises the Python exception that matches a client error.
template <typename T>
T ClientResult(Result<T> r) {
  if (r.ok()) return std::move(r).ValueUnsafe();
  const auto& st = r.status();
  if (st.IsKeyError()) throw NotFound(st.message());
  if (st.IsAlreadyExists()) throw AlreadyExists(st.message());
  if (st.IsInvalid()) throw nb::value_error(st.message().c_str());
  if (st.IsCancelled()) {
    PyErr_SetString(PyExc_TimeoutError, st.message().c_str());
    throw nb::python_error();
  }
  if (st.IsIOError()) {
    PyErr_SetString(PyExc_ConnectionError, st.message().c_str());
    throw nb::python_error();
  }
  throw std::runtime_error(st.message());
}

// One recording's chunks, ready for queries.
class Store {
 public:

  Store(const std::string& path, std::optional<StoreEntry> entry) {
    std::optional<StoreId> id;
    if (entry) id = entry->id;
    nb::gil_scoped_release release;
    auto store = ChunkStore::Open(path, id);
    if (!store.ok()) {
      nb::gil_scoped_acquire acquire;
      throw nb::value_error(store.status().message().c_str());
    }
    store_ = std::move(*store);
  }

  StoreEntry entry() const { return StoreEntry{store_->store_id().value_or(StoreId{})}; }
  size_t num_chunks() const { return store_->num_chunks(); }
  size_t num_loaded() const { return store_->num_loaded(); }

  // [(name, type)] and [(entity, component, archetype, component_type, is_static, name)].
  std::vector<std::pair<std::string, std::string>> IndexColumns() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : store_->schema().timelines) out.emplace_back(t.name, std::string(TimeTypeName(t.type)));
    return out;
  }
  nb::list ComponentColumns() const {
    nb::list out;
    for (const auto& c : store_->schema().columns) {
      out.append(nb::make_tuple(c.entity.ToString(), c.descriptor.component, c.descriptor.archetype,
                                c.descriptor.component_type, c.is_static, c.ColumnName(), c.is_semantically_empty,
                                c.is_tombstone));
    }
    return out;
  }

  QueryStream Query(std::optional<std::string> index,
                    std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>> contents,
                    bool include_semantically_empty, bool include_tombstone, std::optional<std::pair<int64_t, int64_t>> range,
                    std::optional<Int64Array> filtered_values, std::optional<Int64Array> using_values,
                    std::optional<std::string> is_not_null, bool fill, std::optional<std::vector<std::string>> selection,
                    int64_t batch_rows) {
    query::QueryExpression q;
    q.index = std::move(index);
    q.contents = std::move(contents);
    q.include_semantically_empty_columns = include_semantically_empty;
    q.include_tombstone_columns = include_tombstone;
    q.range = range;
    if (filtered_values) q.filtered_index_values = ToVector(*filtered_values);
    if (using_values) q.using_index_values = ToVector(*using_values);
    q.filtered_is_not_null = std::move(is_not_null);
    q.fill_latest_at = fill;
    q.selection = std::move(selection);
    q.batch_rows = batch_rows;
    Result<std::shared_ptr<arrow::RecordBatchReader>> reader;
    {
      nb::gil_scoped_release release;
      reader = query::Execute(store_, std::move(q));
    }
    return QueryStream(Unwrap(std::move(reader)));
  }

 private:
  std::shared_ptr<const ChunkStore> store_;
};

// A connection to a catalog server (chunkhouse's or Rerun's).
class CatalogConnection {
 public:
  explicit CatalogConnection(const std::string& url) {
    Result<std::unique_ptr<client::CatalogClient>> c;
    {
      nb::gil_scoped_release release;
      c = client::CatalogClient::Connect(url);
    }
    client_ = ClientResult(std::move(c));
  }
  using Entries = std::vector<std::pair<std::string, std::string>>;  // (id, name)
  Entries Datasets(std::optional<std::string> name) {
    Entries out;
    for (const auto& e : ClientResult(client_->Datasets(name))) out.emplace_back(e.id, e.name);
    return out;
  }
  std::pair<std::string, std::string> Create(const std::string& name) {
    auto e = ClientResult(client_->CreateDataset(name));
    return {e.id, e.name};
  }
  std::pair<std::string, std::string> Read(const std::string& id) {
    auto e = ClientResult(client_->ReadDataset(id));
    return {e.id, e.name};
  }
  void Delete(const std::string& id) {
    Status st = client_->DeleteDataset(id);
    if (!st.ok()) ClientResult(Result<int>(st));
  }
  std::vector<std::tuple<std::string, std::string, std::string>> Register(const std::string& id,
                                                                          const std::vector<std::string>& urls,
                                                                          const std::string& on_duplicate) {
    Result<std::vector<client::Registration>> r;
    {
      nb::gil_scoped_release release;
      r = client_->Register(id, urls, on_duplicate);
    }
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& reg : ClientResult(std::move(r))) out.emplace_back(reg.segment_id, reg.storage_url, reg.task_id);
    return out;
  }
  std::vector<std::tuple<std::string, std::string, std::string>> Wait(const std::vector<std::string>& tasks, double timeout) {
    Result<std::vector<client::TaskResult>> r;
    {
      nb::gil_scoped_release release;
      r = client_->WaitForTasks(tasks, std::chrono::seconds(static_cast<int64_t>(std::max(1.0, timeout))));
    }
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& t : ClientResult(std::move(r))) out.emplace_back(t.task_id, t.status, t.message);
    return out;
  }
  nb::tuple Schema(const std::string& id) {
    auto schema = ClientResult(client_->DatasetSchema(id));
    auto c = std::make_unique<ArrowSchema>();
    Check(arrow::ExportSchema(*schema, c.get()));
    return nb::make_tuple(nb::capsule(c.release(), "arrow_schema", [](void* p) noexcept {
      auto* s = static_cast<ArrowSchema*>(p);
      if (s->release) s->release(s);
      delete s;
    }));
  }
  std::vector<std::string> SegmentIds(const std::string& id) { return ClientResult(client_->SegmentIds(id)); }
  QueryStream SegmentTable(const std::string& id) {
    Result<std::shared_ptr<arrow::Table>> table;
    {
      nb::gil_scoped_release release;
      table = client_->SegmentTable(id);
    }
    return QueryStream(std::make_shared<arrow::TableBatchReader>(ClientResult(std::move(table))));
  }
  std::pair<std::string, std::string> Rename(const std::string& id, const std::string& name) {
    auto e = ClientResult(client_->RenameDataset(id, name));
    return {e.id, e.name};
  }
  std::string Unregister(const std::string& id, const std::vector<std::string>& segments,
                         const std::vector<std::string>& layers) {
    Result<std::string> r;
    {
      nb::gil_scoped_release release;
      r = client_->Unregister(id, segments, layers);
    }
    return ClientResult(std::move(r));
  }
  // A query across segments (see client::DatasetQuery); `columns` is a pyarrow schema.
  QueryStream Query(const std::string& id, std::vector<std::string> segments, std::optional<std::string> index,
                    std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>> contents,
                    bool include_semantically_empty, bool include_tombstone,
                    std::optional<std::pair<int64_t, int64_t>> range, std::optional<Int64Array> using_values, bool fill,
                    nb::object columns, std::optional<std::map<std::string, Int64Array>> per_segment_values) {
    client::DatasetQuery dq;
    dq.segments = std::move(segments);
    auto& q = dq.query;
    q.index = std::move(index);
    q.contents = std::move(contents);
    q.include_semantically_empty_columns = include_semantically_empty;
    q.include_tombstone_columns = include_tombstone;
    q.range = range;
    if (using_values) q.using_index_values = ToVector(*using_values);
    if (per_segment_values) {
      dq.per_segment_values.emplace();
      for (const auto& [segment, values] : *per_segment_values) (*dq.per_segment_values)[segment] = ToVector(values);
    }
    q.fill_latest_at = fill;
    nb::capsule capsule = nb::borrow<nb::capsule>(columns.attr("__arrow_c_schema__")());
    dq.columns = Unwrap(arrow::ImportSchema(static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_schema"))));
    Result<std::shared_ptr<arrow::Table>> table;
    {
      nb::gil_scoped_release release;
      table = client_->Query(id, dq);
    }
    return QueryStream(std::make_shared<arrow::TableBatchReader>(ClientResult(std::move(table))));
  }
 private:
  std::unique_ptr<client::CatalogClient> client_;
};

class RrdReader {
 public:
  explicit RrdReader(std::string path) : path_(std::move(path)) { stores_ = ListStores(path_); }
  const std::string& path() const { return path_; }

  std::vector<StoreEntry> Entries(StoreKind kind) const {
    std::vector<StoreEntry> out;
    for (const auto& s : stores_)
      if (s.kind == kind) out.push_back(StoreEntry{s});
    return out;
  }

  // The chunk list: from the footer manifests (no chunk decoded), or from one scan.
  std::vector<rrd::ChunkEntry> ChunkIndex() const {
    std::unique_ptr<rrd::IndexedReader> reader;
    {
      nb::gil_scoped_release release;
      auto r = rrd::IndexedReader::Open(path_);
      if (r.ok()) reader = std::move(*r);
      else {
        nb::gil_scoped_acquire acquire;
        throw nb::value_error(r.status().message().c_str());
      }
    }
    return reader->chunks();
  }

  ChunkStream Stream(std::optional<StoreEntry> store) const {
    if (store) {
      if (std::find(stores_.begin(), stores_.end(), store->id) == stores_.end()) {
        throw nb::value_error((path_ + ": no store " + store->id.ToString() + " in this file").c_str());
      }
      return ChunkStream(path_, store->id);
    }
    for (const auto& s : stores_)
      if (s.kind == StoreKind::kRecording) return ChunkStream(path_, s);
    throw nb::value_error((path_ + ": the file contains no recording store").c_str());
  }

 private:
  std::string path_;
  std::vector<StoreId> stores_;
};

}  // namespace
}  // namespace chunkhouse::python

NB_MODULE(_core, m) {
  using namespace chunkhouse;
  using namespace chunkhouse::python;
  m.doc() = "chunkhouse C++ core";

  nb::class_<StoreEntry>(m, "StoreEntry", "A store (recording or blueprint) found in an RRD file.")
      .def_prop_ro("kind", &StoreEntry::kind, "\"recording\" or \"blueprint\".")
      .def_prop_ro("application_id", [](const StoreEntry& e) { return e.id.application_id; })
      .def_prop_ro("recording_id", [](const StoreEntry& e) { return e.id.recording_id; })
      .def("__eq__", [](const StoreEntry& a, const StoreEntry& b) { return a.id == b.id; })
      .def("__hash__", [](const StoreEntry& e) {
        return nb::hash(nb::make_tuple(e.kind(), e.id.application_id, e.id.recording_id));
      })
      .def("__repr__", [](const StoreEntry& e) {
        return fmt::format("StoreEntry(kind='{}', application_id='{}', recording_id='{}')", e.kind(),
                           e.id.application_id, e.id.recording_id);
      });

  nb::class_<Chunk>(m, "Chunk", "A single chunk of data from a recording.")
      .def_prop_ro("entity_path", &Chunk::entity_path, "The entity path this chunk belongs to.")
      .def_prop_ro("id", [](const Chunk& c) { return ChunkIdString(c.id()); }, "The unique ID of this chunk.")
      .def_prop_ro("num_rows", &Chunk::num_rows, "The number of rows in this chunk.")
      .def_prop_ro("num_columns", &Chunk::num_columns, "The number of columns in this chunk.")
      .def_prop_ro("is_static", &Chunk::is_static, "Whether the chunk contains only static data (no timelines).")
      .def_prop_ro("is_empty", [](const Chunk& c) { return c.num_rows() == 0; }, "Whether the chunk has zero rows.")
      .def_prop_ro("timeline_names",
                   [](const Chunk& c) {
                     std::vector<std::string> names;
                     for (const auto& ic : c.indexes()) names.push_back(ic.timeline.name);
                     std::sort(names.begin(), names.end());
                     return names;
                   },
                   "The names of all timelines in this chunk.")
      .def("__arrow_c_array__",
           [](const Chunk& c, nb::object requested_schema) { return ExportBatch(*c.batch()); },
           "requested_schema"_a = nb::none(), "Export the chunk as an Arrow record batch (PyCapsule protocol).")
      .def("to_record_batch",
           [](nb::handle self) { return nb::module_::import_("pyarrow").attr("record_batch")(self); },
           "Convert this chunk to a pyarrow.RecordBatch (zero-copy).")
      .def("summary", &Chunk::Summary, "One line: entity, rows, static, timelines, columns.")
      .def("__repr__", [](const Chunk& c) { return "Chunk(" + c.Summary() + ")"; });

  nb::class_<ChunkStream>(m, "ChunkStream", "A stream of the chunks of one store, decoded as they are read.")
      .def("__iter__", &ChunkStream::Iter, nb::rv_policy::reference_internal)
      .def("__next__", &ChunkStream::Next)
      .def("to_chunks", &ChunkStream::ToChunks, "Read the whole stream and return all chunks as a list.");

  nb::class_<rrd::ChunkEntry>(m, "ChunkInfo", "A chunk as the file's index describes it, without its data.")
      .def_prop_ro("store", [](const rrd::ChunkEntry& e) { return StoreEntry{e.store}; })
      .def_ro("entity_path", &rrd::ChunkEntry::entity_path)
      .def_prop_ro("id", [](const rrd::ChunkEntry& e) { return ChunkIdString(e.chunk_id); })
      .def_ro("is_static", &rrd::ChunkEntry::is_static)
      .def_ro("num_rows", &rrd::ChunkEntry::num_rows)
      .def_ro("byte_offset", &rrd::ChunkEntry::byte_offset, "Offset of the chunk's message payload in the file.")
      .def_ro("byte_size", &rrd::ChunkEntry::byte_size)
      .def_ro("byte_size_uncompressed", &rrd::ChunkEntry::byte_size_uncompressed)
      .def_prop_ro("time_ranges",
                   [](const rrd::ChunkEntry& e) {
                     nb::dict out;
                     for (const auto& [tl, r] : e.time_ranges) out[tl.name.c_str()] = nb::make_tuple(r.min, r.max);
                     return out;
                   },
                   "{timeline: (min, max)} over the chunk's rows.")
      .def("__repr__", [](const rrd::ChunkEntry& e) {
        return fmt::format("ChunkInfo({} rows={} static={} bytes={}@{})", e.entity_path, e.num_rows, e.is_static,
                           e.byte_size, e.byte_offset);
      });

  nb::class_<QueryStream>(m, "QueryStream", "A query result as an Arrow C stream.")
      .def("__arrow_c_stream__", &QueryStream::Export, "requested_schema"_a = nb::none());

  m.def("filter_matches",
        [](const std::string& expr, const std::vector<std::string>& paths) {
          auto filter = EntityPathFilter::Parse(expr);
          std::vector<bool> out;
          for (const auto& p : paths) out.push_back(filter.Matches(EntityPath::Parse(p)));
          return out;
        },
        "expr"_a, "paths"_a, "Which entity paths an entity-path expression selects.");

  nb::exception<NotFound>(m, "NotFoundError");
  nb::exception<AlreadyExists>(m, "AlreadyExistsError");

  nb::class_<Store>(m, "Store", "One recording's chunks, indexed for dataframe queries.")
      .def(nb::init<const std::string&, std::optional<StoreEntry>>(), "path"_a, "store"_a = nb::none())
      .def_prop_ro("entry", &Store::entry)
      .def_prop_ro("num_chunks", &Store::num_chunks)
      .def_prop_ro("num_loaded_chunks", &Store::num_loaded, "How many chunks have been decoded so far.")
      .def("index_columns", &Store::IndexColumns)
      .def("component_columns", &Store::ComponentColumns)
      .def("query", &Store::Query, "index"_a.none(), "contents"_a, "include_semantically_empty"_a,
           "include_tombstone"_a, "range"_a.none(), "filtered_values"_a.none(), "using_values"_a.none(),
           "is_not_null"_a.none(), "fill"_a, "selection"_a.none(), "batch_rows"_a = 65536);

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
      .def("query", &CatalogConnection::Query, "id"_a, "segments"_a, "index"_a.none(), "contents"_a,
           "include_semantically_empty"_a, "include_tombstone"_a, "range"_a.none(), "using_values"_a.none(), "fill"_a,
           "columns"_a, "per_segment_values"_a.none() = nb::none());

  nb::class_<RrdReader>(m, "RrdReader", "Read chunks from an RRD file.")
      .def("__init__", [](RrdReader* self, const std::filesystem::path& path) { new (self) RrdReader(path.string()); },
           "path"_a)
      .def_prop_ro("path", &RrdReader::path, "The file path of the RRD file.")
      .def("recordings", [](const RrdReader& r) { return r.Entries(StoreKind::kRecording); },
           "List the recording entries in this RRD file.")
      .def("blueprints", [](const RrdReader& r) { return r.Entries(StoreKind::kBlueprint); },
           "List the blueprint entries in this RRD file.")
      .def("chunk_index", &RrdReader::ChunkIndex,
           "List every chunk (entity, rows, time ranges, byte range) from the footer, decoding none; "
           "a file without a footer is scanned once.")
      .def("stream", &RrdReader::Stream, nb::kw_only(), "store"_a = nb::none(),
           "Return a stream over the chunks of a store (default: the first recording).");
}
