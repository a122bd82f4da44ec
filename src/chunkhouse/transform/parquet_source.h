#pragma once
// A Parquet file as a stream source (parquet/importer.h), opened afresh by each run.
#include <string>

#include "chunkhouse/base/warn.h"
#include "chunkhouse/parquet/options.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

class ParquetSourceFactory : public SourceFactory {
 public:
  // Checks the options and the file now (as Rerun's `stream()` does), so that a wrong column
  // name is an error before anything runs.
  static Result<std::shared_ptr<ParquetSourceFactory>> Make(std::string path, pq::ReadOptions options, Warn warn = {});
  Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const override;
  // Decoding runs ahead on a thread of the source's own; chunks are built by the puller.
  bool defers_work() const override { return false; }
  int64_t num_rows() const { return num_rows_; }  // in the file, from its footer

 private:
  ParquetSourceFactory(std::string path, pq::CheckedOptions options, Warn warn, int64_t num_rows)
      : path_(std::move(path)), options_(std::move(options)), warn_(std::move(warn)), num_rows_(num_rows) {}
  std::string path_;
  pq::CheckedOptions options_;
  Warn warn_;
  int64_t num_rows_ = 0;
};

}  // namespace chunkhouse::transform
