#include "chunkhouse/chunk/chunk_meta.h"

#include <arrow/array.h>

#include <algorithm>

namespace chunkhouse {

const TimeRange* ChunkMeta::RangeOn(std::string_view timeline) const {
  for (const auto& [tl, range] : time_ranges) {
    if (tl.name == timeline) return &range;
  }
  return nullptr;
}

std::vector<std::pair<Timeline, TimeRange>> ChunkTimeRanges(const Chunk& chunk) {
  std::vector<std::pair<Timeline, TimeRange>> out;
  for (const auto& ic : chunk.indexes()) {
    if (auto r = chunk.TimeRangeOf(ic)) out.push_back({ic.timeline, *r});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first.name < b.first.name; });
  return out;
}

ChunkMeta ChunkMeta::Of(const StoreId& store, const Chunk& chunk) {
  ChunkMeta m;
  m.store = store;
  m.entity_path = chunk.entity_path();
  m.chunk_id = chunk.id();
  m.is_static = chunk.is_static();
  m.num_rows = static_cast<uint64_t>(chunk.num_rows());
  m.time_ranges = ChunkTimeRanges(chunk);
  m.components.emplace();
  for (const auto& cc : chunk.components()) {
    const arrow::Array& col = chunk.column(cc.column);
    if (col.null_count() == col.length()) continue;
    ComponentInfo info{cc.descriptor.component, {}};
    for (const auto& ic : chunk.indexes()) {
      if (auto stats = chunk.ComponentStatsOn(ic, cc); stats.range) info.ranges.emplace_back(ic.timeline.name, *stats.range);
    }
    m.components->push_back(std::move(info));
  }
  return m;
}

}  // namespace chunkhouse
