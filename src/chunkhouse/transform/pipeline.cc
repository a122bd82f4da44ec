#include "chunkhouse/transform/pipeline.h"

namespace chunkhouse::transform {

namespace {
std::atomic<uint64_t> g_next_split{1};
}

PipelinePtr Pipeline::From(std::shared_ptr<const SourceFactory> source) {
  auto p = std::make_shared<Pipeline>();
  p->kind = Kind::kSource;
  p->source = std::move(source);
  return p;
}

PipelinePtr Pipeline::Merge(std::vector<PipelinePtr> inputs) {
  auto p = std::make_shared<Pipeline>();
  p->kind = Kind::kMerge;
  p->inputs = std::move(inputs);
  return p;
}

std::pair<PipelinePtr, PipelinePtr> Pipeline::Split(PipelinePtr upstream, StructuredFilter filter) {
  auto origin = std::make_shared<SplitOrigin>(SplitOrigin{g_next_split++, std::move(upstream), std::move(filter)});
  auto side = [&](bool matched) {
    auto p = std::make_shared<Pipeline>();
    p->kind = Kind::kSplitSide;
    p->split = origin;
    p->matched_side = matched;
    return PipelinePtr(p);
  };
  return {side(true), side(false)};
}

PipelinePtr Pipeline::Then(const PipelinePtr& p, Step step) {
  auto next = std::make_shared<Pipeline>(*p);
  next->steps.push_back(std::move(step));
  return next;
}

}  // namespace chunkhouse::transform
