#pragma once
// A record batch read as a dataframe: Rerun 0.36's `Chunk.from_record_batch(batch, index=...,
// entity_path=...)` and `Chunk.from_dataframe`.
#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

struct DataframeIndex {
  enum class Mode { kAuto, kColumns, kStatic };
  Mode mode = Mode::kAuto;
  std::vector<std::string> columns;  // kColumns: the columns that are timelines
};

// One chunk per entity path, in first-seen column order:
// * a batch with a row-id column and a chunk id, read with kAuto and no `entity_path`, is an
//   identified chunk and stays one chunk, ids kept (all its components must resolve to one entity);
// * otherwise row-id columns are dropped; the index columns are those of kColumns, or (kAuto)
//   those marked rerun:kind=index|time or carrying rerun:index_name, or none (kStatic); their
//   type gives the timeline type (int64, timestamp[ns], duration[ns]; anything else is an error);
// * a component's entity: its rerun:entity_path, the batch's, the "/entity:component" name
//   convention, `entity_path`, then "/"; non-list columns become one-element lists;
// * each chunk gets every index column, a fresh chunk id and sequential row ids; rows keep their
//   order.
// Errors (Status::Invalid) carry Rerun's messages.
Result<std::vector<std::shared_ptr<Chunk>>> ChunksFromDataframeBatch(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                                     const DataframeIndex& index,
                                                                     const std::optional<std::string>& entity_path);

}  // namespace chunkhouse
