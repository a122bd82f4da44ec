// chunkhouse._core: the C++ library seen from Python. Arrow data crosses through the Arrow
// C Data Interface (PyCapsules), so record batches reach pyarrow without copies.
#include <arrow/c/bridge.h>
#include <arrow/record_batch.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>

#include "chunkhouse/rrd/reader.h"

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
