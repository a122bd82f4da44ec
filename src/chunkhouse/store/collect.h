#pragma once
// The terminal that runs a pipeline into a store (LazyChunkStream.collect): every chunk
// inserted with compaction thresholds (the profile's, or the defaults), then the profile's
// finishing work; the result does not compact further.
#include <optional>

#include "chunkhouse/store/chunk_set.h"
#include "chunkhouse/transform/execute.h"

namespace chunkhouse {

Result<ChunkSet> Collect(const transform::PipelinePtr& pipeline, const std::optional<OptimizationProfile>& profile,
                         transform::RunOptions options = {});

}  // namespace chunkhouse
