#pragma once
// An MCAP file as a stream source (mcap/importer.h), opened afresh by each run.
#include <string>

#include "chunkhouse/mcap/importer.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

class McapSourceFactory : public SourceFactory {
 public:
  // Checks the options and reads the summary now (as Rerun's `stream()` does).
  static Result<std::shared_ptr<McapSourceFactory>> Make(std::string path, mcap::ImportOptions options);
  Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const override;
  bool defers_work() const override { return false; }

 private:
  McapSourceFactory(std::string path, mcap::ImportOptions options) : path_(std::move(path)), options_(std::move(options)) {}
  std::string path_;
  mcap::ImportOptions options_;
};

}  // namespace chunkhouse::transform
