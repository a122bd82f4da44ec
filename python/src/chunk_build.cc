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

// The batch as one chunk, its id and row ids kept: it must be a complete chunk batch (ValueError).
std::shared_ptr<Chunk> ChunkFromRecordBatch(nb::handle batch) {
  auto imported = ImportBatch(batch);
  auto chunk = Chunk::FromRecordBatch(imported);
  if (!chunk.ok()) throw nb::value_error(chunk.status().message().c_str());
  return *chunk;
}

}  // namespace

void RegisterChunkBuild(nb::module_& m) {
  m.def("chunk_from_parts", &ChunkFromParts, "entity_path"_a, "timelines"_a, "components"_a,
        "A chunk of columns: [(timeline, times)], [(component, archetype, component_type, values)]; rows sorted "
        "by time, fresh ids.");
  m.def("chunk_from_record_batch", &ChunkFromRecordBatch, "record_batch"_a,
        "The chunk a complete chunk record batch holds, its chunk id and row ids kept.");
}

}  // namespace chunkhouse::python
