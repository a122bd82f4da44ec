// Chunks built from Python: _core.chunk_from_parts (Chunk.from_columns) and
// _core.chunk_from_record_batch (Chunk.from_record_batch). The work is in chunkhouse/chunk/.
#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <stdexcept>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/chunk/from_columns.h"
#include "chunkhouse/chunk/from_dataframe.h"
#include "errors.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

namespace {

std::optional<std::string> OptionalText(nb::handle h) {
  if (h.is_none()) return std::nullopt;
  return nb::cast<std::string>(h);
}

// timelines: [(name, array)]; components: [(component, archetype, component_type, array)], both in
// the order given (a later duplicate wins). Empty timeline names are argument errors (ValueError);
// everything the chunk itself rejects is a RuntimeError, as in Rerun's binding.
std::shared_ptr<Chunk> ChunkFromParts(const std::string& entity_path, nb::list timelines, nb::list components) {
  std::vector<NamedTimes> times;
  for (nb::handle item : timelines) {
    auto name = nb::cast<std::string>(item[0]);
    if (name.empty()) throw nb::value_error("Invalid `TimelineName`: must not be empty");
    times.push_back({std::move(name), ImportArray(item[1])});
  }
  std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> columns;
  for (nb::handle item : components) {
    ComponentDescriptor d;
    d.component = nb::cast<std::string>(item[0]);
    if (d.component.empty()) throw std::runtime_error("Invalid `ComponentIdentifier`: must not be empty");
    d.archetype = OptionalText(item[1]);
    d.component_type = OptionalText(item[2]);
    columns.emplace_back(std::move(d), ImportArray(item[3]));
  }
  auto chunk = ChunkFromColumns(entity_path, std::move(times), std::move(columns));
  if (!chunk.ok()) throw std::runtime_error(chunk.status().message());
  return *chunk;
}

// A static one-row property chunk; components as in ChunkFromParts. Failures: ValueError.
std::shared_ptr<Chunk> PropertyChunk(const std::string& name, nb::list components) {
  std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> columns;
  for (nb::handle item : components) {
    ComponentDescriptor d;
    d.component = nb::cast<std::string>(item[0]);
    if (d.component.empty()) throw std::runtime_error("Invalid `ComponentIdentifier`: must not be empty");
    d.archetype = OptionalText(item[1]);
    d.component_type = OptionalText(item[2]);
    columns.emplace_back(std::move(d), ImportArray(item[3]));
  }
  auto chunk = ChunkFromProperty(name, std::move(columns));
  if (!chunk.ok()) throw nb::value_error(chunk.status().message().c_str());
  return *chunk;
}

// The batch as one chunk, its id and row ids kept: it must be a complete chunk batch (ValueError).
std::shared_ptr<Chunk> ChunkFromRecordBatch(nb::handle batch) {
  auto imported = ImportBatch(batch);
  auto chunk = Chunk::FromRecordBatch(imported);
  if (!chunk.ok()) throw nb::value_error(chunk.status().message().c_str());
  return *chunk;
}

// The batch read as a dataframe (Rerun 0.36): mode "auto" | "static" | "columns"; ValueError on failure.
std::vector<std::shared_ptr<Chunk>> ChunksFromDataframe(nb::handle batch, const std::string& mode,
                                                        std::vector<std::string> columns,
                                                        std::optional<std::string> entity_path) {
  DataframeIndex index;
  if (mode == "auto") {
    index.mode = DataframeIndex::Mode::kAuto;
  } else if (mode == "static") {
    index.mode = DataframeIndex::Mode::kStatic;
  } else if (mode == "columns") {
    index.mode = DataframeIndex::Mode::kColumns;
  } else {
    throw nb::value_error(("Invalid index mode \"" + mode + "\"; expected \"auto\", \"static\", or \"columns\".").c_str());
  }
  index.columns = std::move(columns);
  auto imported = ImportBatch(batch);
  auto chunks = ChunksFromDataframeBatch(imported, index, entity_path);
  if (!chunks.ok()) throw nb::value_error(chunks.status().message().c_str());
  return *chunks;
}

}  // namespace

void RegisterChunkBuild(nb::module_& m) {
  m.def("chunk_from_parts", &ChunkFromParts, "entity_path"_a, "timelines"_a, "components"_a,
        "A chunk of columns: [(timeline, times)], [(component, archetype, component_type, values)]; rows sorted "
        "by time, fresh ids.");
  m.def("chunk_from_record_batch", &ChunkFromRecordBatch, "record_batch"_a,
        "The chunk a complete chunk record batch holds, its chunk id and row ids kept.");
  m.def("chunk_from_property", &PropertyChunk, "name"_a, "components"_a,
        "A static one-row chunk at /__properties/<name>: [(component, archetype, component_type, values)].");
  m.def("chunks_from_dataframe_batch", &ChunksFromDataframe, "record_batch"_a, "index_mode"_a, "index_columns"_a,
        "entity_path"_a.none(),
        "The chunks a record batch read as a dataframe holds, one per entity (Rerun 0.36's from_record_batch).");
}

}  // namespace chunkhouse::python
