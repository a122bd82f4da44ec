#pragma once
// Query results into files: Parquet (Arrow's writer), CSV (Arrow's CSV writer) or Arrow IPC,
// batch by batch as the query produces them, so memory does not grow with the result.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <optional>
#include <string>

#include "chunkhouse/base/status.h"

namespace chunkhouse::query {

enum class OutputFormat { kParquet, kCsv, kArrow };

// The format `format` names ("parquet", "csv", "arrow"), else the one `path`'s extension says
// (.parquet/.pq, .csv, .arrow/.feather/.ipc); "-" (standard output) is CSV unless told otherwise.
Result<OutputFormat> FormatFor(const std::string& path, const std::optional<std::string>& format);

// CSV has no lists: a component column whose cells hold at most one value becomes that value's
// column (empty and null cells are empty), any other nested column its values as text
// ("[1.0, 2.0]"), as Rerun prints them.
Result<std::shared_ptr<arrow::RecordBatch>> ForCsv(const std::shared_ptr<arrow::RecordBatch>& batch);

// Every batch of `reader` into `path` ("-": standard output). A file is written under a
// temporary name next to it and renamed into place when complete: a failed query leaves no
// file behind. Returns the rows written.
Result<int64_t> WriteResult(arrow::RecordBatchReader& reader, const std::string& path, OutputFormat format);

}  // namespace chunkhouse::query
