#pragma once
// One store of an .rrd file as a stream source: every chunk in file order, read sequentially
// and decoded on the workers of the run.
#include <string>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

class RrdSourceFactory : public SourceFactory {
 public:
  RrdSourceFactory(std::string path, StoreId store) : path_(std::move(path)), store_(std::move(store)) {}
  Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const override;

 private:
  std::string path_;
  StoreId store_;
};

}  // namespace chunkhouse::transform
