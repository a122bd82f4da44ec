#pragma once
// Dataframe queries over a ChunkStore.
#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/store/store.h"

namespace chunkhouse::query {

struct QueryExpression {
  // The index timeline; nullopt = static data only (one row).
  std::optional<std::string> index;
  // View contents: (entity-path filter, components). nullopt components = all of them.
  // Components match the identifier ("Points3D:positions"), the component type
  // ("rerun.components.Position3D") or its short name ("Position3D").
  std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>> contents{{"/**", std::nullopt}};
  bool include_semantically_empty_columns = false;
  bool include_tombstone_columns = false;
  std::optional<std::pair<int64_t, int64_t>> range;        // inclusive
  std::optional<std::vector<int64_t>> filtered_index_values;
  std::optional<std::vector<int64_t>> using_index_values;  // rows exactly at these values
  std::optional<std::string> filtered_is_not_null;         // "entity:component"
  bool fill_latest_at = false;
  std::optional<std::vector<std::string>> selection;       // column names; nullopt = all view columns
  int64_t batch_rows = 64 * 1024;
};

// The columns a query returns, without running it. Unknown index / columns are errors that
// name what exists.
Result<std::shared_ptr<arrow::Schema>> OutputSchema(const ChunkStore& store, const QueryExpression& query);

// Runs the query; batches are produced as the reader is pulled.
Result<std::shared_ptr<arrow::RecordBatchReader>> Execute(std::shared_ptr<const ChunkStore> store,
                                                          QueryExpression query);

}  // namespace chunkhouse::query
