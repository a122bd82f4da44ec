#pragma once
// What an index knows about a chunk without decoding it: the entity, its rows, its time range on
// each timeline and, per component, where it has data. File formats fill it from their own
// indexes (an .rrd footer manifest) or from a chunk they decoded once; stores are built on it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/time.h"
#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

// A component of a chunk that has at least one non-null cell.
struct ComponentInfo {
  std::string component;
  // Per timeline, the range of the rows where the component is non-null (static chunks: none).
  std::vector<std::pair<std::string, TimeRange>> ranges;
};

struct ChunkMeta {
  StoreId store;
  std::string entity_path;
  Tuid chunk_id;
  bool is_static = false;
  uint64_t num_rows = 0;
  std::vector<std::pair<Timeline, TimeRange>> time_ranges;  // sorted by timeline name
  // The components with data; nullopt when the index was read without them (they cost memory
  // and only a store needs them).
  std::optional<std::vector<ComponentInfo>> components;

  // The time range on `timeline`, if the chunk has that timeline.
  const TimeRange* RangeOn(std::string_view timeline) const;
  // Everything, from a decoded chunk.
  static ChunkMeta Of(const StoreId& store, const Chunk& chunk);
};

// Time ranges per timeline of a decoded chunk, sorted by timeline name.
std::vector<std::pair<Timeline, TimeRange>> ChunkTimeRanges(const Chunk& chunk);

}  // namespace chunkhouse
