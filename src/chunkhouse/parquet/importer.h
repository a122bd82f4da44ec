#pragma once
// A Parquet file as a sequence of chunks, as rerun-sdk 0.36.2's ParquetReader makes them
// (notes/parquet.md): the file's key-value metadata as a /__properties chunk first, then for
// each 1,024-row batch one chunk per column group, then the constant columns as one static chunk.
// The file is read batch by batch (Arrow's Parquet reader); it is never in memory whole.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "chunkhouse/base/status.h"
#include "chunkhouse/base/warn.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/parquet/options.h"

namespace chunkhouse::pq {

// Rows per batch, and so at most per chunk (arrow-rs's default, which Rerun keeps).
inline constexpr int64_t kBatchRows = 1024;

// The making of one chunk, which a caller may run on another thread.
using ChunkWork = std::function<Result<std::shared_ptr<Chunk>>()>;

class ParquetImporter {
 public:
  // Opens the file and checks the options against its schema: index columns, then static
  // columns, must exist. Errors about the file end in "\nFile path: <path>", as Rerun's do.
  static Result<std::unique_ptr<ParquetImporter>> Open(const std::string& path, const CheckedOptions& options,
                                                       Warn warn = {});
  ~ParquetImporter();

  // The next chunk, or null at the end. A constant column that varies is an error
  // (FailedPrecondition, "Parquet error: ..."), raised before that batch's chunks.
  Result<std::shared_ptr<Chunk>> Next();
  // The same, with the building of the chunk left to the caller (nullopt at the end). Reading
  // and the checks of constant columns happen here, in order.
  Result<std::optional<ChunkWork>> NextWork();
  // Rows in the file, from its footer.
  int64_t num_rows() const;

 private:
  struct State;
  explicit ParquetImporter(std::unique_ptr<State> state);
  Status ReadBatch();
  std::unique_ptr<State> s_;
};

}  // namespace chunkhouse::pq
