#pragma once
// A chunk pipeline as a description: a source (a reader, a store, merged pipelines, one side of
// a split) and the steps after it. Nothing runs until a terminal compiles it (execute.h); each
// run is independent. Descriptions are immutable and shared, so building never copies chunks.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "chunkhouse/transform/filter.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

// A per-chunk operation producing 0..n chunks (map, flat_map, lenses).
class ChunkTransform {
 public:
  virtual ~ChunkTransform() = default;
  virtual Result<std::vector<std::shared_ptr<Chunk>>> Apply(const std::shared_ptr<Chunk>& chunk) const = 0;
  // Whether chunks may go through it on several threads at once (pure C++ work). A transform
  // calling into Python runs in order on the pulling thread.
  virtual bool parallel() const { return true; }
};

struct Pipeline;
using PipelinePtr = std::shared_ptr<const Pipeline>;

// The shared upstream of split()'s two sides.
struct SplitOrigin {
  uint64_t id;
  PipelinePtr upstream;
  StructuredFilter filter;
};

struct Step {
  enum class Kind { kFilter, kDrop, kTransform } kind;
  StructuredFilter filter;                          // kFilter, kDrop
  std::shared_ptr<const ChunkTransform> transform;  // kTransform
};

struct Pipeline {
  enum class Kind { kSource, kMerge, kSplitSide } kind = Kind::kSource;
  std::shared_ptr<const SourceFactory> source;  // kSource
  std::vector<PipelinePtr> inputs;              // kMerge
  std::shared_ptr<const SplitOrigin> split;     // kSplitSide
  bool matched_side = true;                     // kSplitSide
  std::vector<Step> steps;

  static PipelinePtr From(std::shared_ptr<const SourceFactory> source);
  static PipelinePtr Merge(std::vector<PipelinePtr> inputs);
  // (matched, unmatched): what filter() and drop() of `filter` would give, from one run.
  static std::pair<PipelinePtr, PipelinePtr> Split(PipelinePtr upstream, StructuredFilter filter);
  static PipelinePtr Then(const PipelinePtr& p, Step step);
};

}  // namespace chunkhouse::transform
