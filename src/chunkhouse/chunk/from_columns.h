#pragma once
// Chunks built from columns given by a user: Rerun's `Chunk.from_columns` / `send_columns`.
#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

struct NamedTimes {
  std::string timeline;
  std::shared_ptr<arrow::Array> times;  // int64 (sequence), timestamp[ns] or duration[ns]
};

// A chunk at `entity_path` (parsed forgivingly) of the given columns, Rerun's way:
// * a timeline's type comes from its Arrow type; any other type, or nulls, is an error;
// * a component array that is not a List becomes one 1-element list per value;
// * a name given twice: the later column wins;
// * the row count is the first component's length (no component: 0 rows);
// * rows are stably sorted by their times, timelines taken in name order, then given a fresh
//   chunk id and sequential row ids after it.
// No timelines make a static chunk. Errors carry Rerun's messages ("Error converting temporal
// data: Detected malformed chunk: ...", "Detected malformed chunk: ...").
Result<std::shared_ptr<Chunk>> ChunkFromColumns(const std::string& entity_path, std::vector<NamedTimes> timelines,
                                                std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components);

// A recording property: a static one-row chunk at /__properties/<name> (the name is one path
// part, so "a/b" shows as "/__properties/a\\/b") whose row holds each given batch whole.
Result<std::shared_ptr<Chunk>> ChunkFromProperty(const std::string& name,
                                                 std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components);

// `values` as a List array: itself when it is one, else one 1-element list per value.
Result<std::shared_ptr<arrow::Array>> AsListArray(const std::shared_ptr<arrow::Array>& values);

}  // namespace chunkhouse
