// Bindings for reading .rrd files: RrdReader, its stores and chunk index, Chunk.
#include <arrow/record_batch.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/chunk/format.h"
#include "chunkhouse/base/type_text.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/rrd/reader.h"
#include "errors.h"
#include "store_entry.h"
#include "stream.h"
#include "chunkhouse/store/lazy_store.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

std::vector<StoreId> ListStores(const std::string& path) {
  rrd::IndexedReader::Options slim;
  slim.component_ranges = false;  // only the stores are wanted
  auto indexed = rrd::IndexedReader::Open(path, slim);
  if (indexed.ok() && (*indexed)->has_footer()) return (*indexed)->stores();
  // No footer: a scan that decodes no chunk.
  auto reader = Unwrap(rrd::StreamReader::Open(path, rrd::ReadOptions{/*decode_chunks=*/false}));
  std::vector<StoreId> stores;
  Status framing;  // a message that fails is passed over; a stream that cannot go on is an error
  Check(rrd::ForEachMessage(
      *reader,
      [&](rrd::RrdMessage& msg) {
        const StoreId* id = msg.kind == rrd::MessageKind::kSetStoreInfo ? &msg.store_info.id
                            : msg.kind == rrd::MessageKind::kArrowMsg   ? &msg.store
                                                                        : nullptr;
        if (id && std::find(stores.begin(), stores.end(), *id) == stores.end()) stores.push_back(*id);
        return Status::OK();
      },
      [&](const Status& st) {
        if (reader->done()) framing = st;
      }));
  Check(framing);
  return stores;
}

namespace {

// Rust's Debug of a StoreId, as Rerun's messages print it.
std::string StoreDebug(const StoreId& id) {
  return fmt::format("StoreId({}, {}, {})", id.kind == StoreKind::kRecording ? "Recording" : "Blueprint",
                     RustDebugString(id.application_id), RustDebugString(id.recording_id));
}

class RrdReader {
 public:
  // Stores sorted by (kind, application id, recording id), as Rerun lists them.
  explicit RrdReader(std::string path) : path_(std::move(path)) {
    stores_ = ListStores(path_);
    std::sort(stores_.begin(), stores_.end());
  }
  const std::string& path() const { return path_; }

  std::vector<StoreEntry> Entries(StoreKind kind) const {
    std::vector<StoreEntry> out;
    for (const auto& s : stores_) {
      if (s.kind == kind) out.push_back(StoreEntry{s});
    }
    return out;
  }

  // The chunk list: from the footer manifests (no chunk decoded), or from one scan.
  std::vector<rrd::ChunkEntry> ChunkIndex() const {
    rrd::IndexedReader::Options slim;
    slim.component_ranges = false;  // ChunkInfo does not show them
    auto reader = Released([&] { return rrd::IndexedReader::Open(path_, slim); });
    return reader->chunks();
  }

  // A store of this file, checked to be one (Rerun's message).
  const StoreId& Find(const StoreEntry& store) const {
    if (std::find(stores_.begin(), stores_.end(), store.id) == stores_.end()) {
      Throw(InvalidArgument("Store {} not found in RRD file", StoreDebug(store.id)));
    }
    return store.id;
  }

 private:
  std::string path_;
  std::vector<StoreId> stores_;
};

}  // namespace

void RegisterRrd(nb::module_& m) {
  nb::class_<StoreEntry>(m, "StoreEntry", "A store (recording or blueprint) found in an RRD file.")
      .def_prop_ro("kind", &StoreEntry::kind, "\"recording\" or \"blueprint\".")
      .def_prop_ro("application_id", [](const StoreEntry& e) { return e.id.application_id; })
      .def_prop_ro("recording_id", [](const StoreEntry& e) { return e.id.recording_id; })
      .def("__eq__", [](const StoreEntry& a, const StoreEntry& b) { return a.id == b.id; })
      .def("__hash__", [](const StoreEntry& e) {
        return nb::hash(nb::make_tuple(e.kind(), e.id.application_id, e.id.recording_id));
      })
      .def_prop_ro("_debug", [](const StoreEntry& e) { return StoreDebug(e.id); })
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
      .def("__arrow_c_array__", [](const Chunk& c, nb::object) { return ExportBatch(*c.batch()); },
           "requested_schema"_a = nb::none(), "Export the chunk as an Arrow record batch (PyCapsule protocol).")
      .def("to_record_batch", [](nb::handle self) { return nb::module_::import_("pyarrow").attr("record_batch")(self); },
           "Convert this chunk to a pyarrow.RecordBatch (zero-copy).")
      .def("summary", &Chunk::Summary, "One line: entity, rows, static, timelines, columns.")
      .def("with_entity_path",
           [](const Chunk& c, const std::string& entity_path) { return Unwrap(WithEntityPath(c, entity_path)); },
           "entity_path"_a, "A copy of this chunk at another entity path, with a fresh chunk id.")
      // The checked, keyword-only `format` (and `__str__`) is in chunkhouse/experimental.py: it
      // raises Rerun's argument errors, then calls this with a width already known to fit u64.
      .def(
          "_format",
          [](const Chunk& c, uint64_t width, bool redact, bool trim_metadata_keys) {
            FormatOptions options;
            options.width = static_cast<uint16_t>(width);  // Rerun casts the width to u16 too
            options.redact = redact;
            options.trim_metadata_keys = trim_metadata_keys;
            nb::gil_scoped_release release;
            return FormatChunk(c, options);
          },
          "width"_a, "redact"_a, "trim_metadata_keys"_a)
      .def("__len__", &Chunk::num_rows)
      .def("__repr__", [](const Chunk& c) {
        return fmt::format("Chunk(id={}, entity_path={}, num_rows={}, num_columns={})", ChunkIdString(c.id()),
                           c.entity_path(), c.num_rows(), c.num_columns());
      });

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
      .def("has_footer",
           [](const RrdReader& r) {
             auto footer = Released([&] { return rrd::IndexedReader::Open(r.path(), rrd::IndexedReader::Options{false, false}); });
             return footer->has_footer();
           })
      .def("_stream", [](const RrdReader& r, const StoreEntry& store) { return PyStream::FromRrd(r.path(), r.Find(store)); },
           "store"_a)
      .def("_store",
           [](const RrdReader& r, const StoreEntry& store) {
             const StoreId& id = r.Find(store);
             return Released([&] { return LazyStore::Open(r.path(), id); });
           },
           "store"_a);
}

}  // namespace chunkhouse::python
