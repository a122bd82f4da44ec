#include "chunkhouse/store/collect.h"

namespace chunkhouse {

Result<ChunkSet> Collect(const transform::PipelinePtr& pipeline, const std::optional<OptimizationProfile>& profile,
                         transform::RunOptions options) {
  const OptimizationProfile p = profile.value_or(OptimizationProfile::InsertOnly());
  ChunkSet set(p.thresholds());
  ARROW_RETURN_NOT_OK(transform::Drain(
      pipeline,
      [&](std::shared_ptr<Chunk> chunk) -> Status {
        auto st = set.Insert(chunk);
        if (!st.ok()) return st.WithMessage("Failed to add chunk to store: ", st.message());
        return st;
      },
      std::move(options)));
  return ChunkSet::Finalize(std::move(set), p);
}

}  // namespace chunkhouse
