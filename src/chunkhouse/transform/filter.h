#pragma once
// The structured filter of filter(), drop() and split(): chunk-level predicates (entity
// content, a timeline, static or not) and a component selection that slices chunks.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/chunk_meta.h"

namespace chunkhouse::transform {

struct StructuredFilter {
  std::optional<EntityPathFilter> content;
  std::string content_text;  // as given, to compare filters when fusing them
  std::optional<std::string> has_timeline;
  std::optional<bool> is_static;
  std::optional<std::vector<std::string>> components;  // OR semantics
  bool matches_nothing = false;                          // two fused filters that exclude each other

  // P(c): every chunk-level predicate holds.
  bool Predicates(const Chunk& chunk) const;
  // The same, from what an index knows of a chunk (for pushdown).
  bool Predicates(const ChunkMeta& meta) const;

  // filter(): the chunk (same id) when the predicates hold and no components were listed; the
  // chunk sliced to the listed components it has (fresh id); null when it does not match.
  Result<std::shared_ptr<Chunk>> Keep(const std::shared_ptr<Chunk>& chunk) const;
  // drop(): the complement — the chunk unchanged when the predicates fail; else without the
  // listed components (the same chunk if it has none of them, null if nothing would remain).
  Result<std::shared_ptr<Chunk>> Remove(const std::shared_ptr<Chunk>& chunk) const;

  // Two filters applied one after the other, as one (what a reader can be asked for): null
  // when they cannot be merged (different content or timeline, disjoint components).
  static std::optional<StructuredFilter> Fuse(const StructuredFilter& a, const StructuredFilter& b);
};

}  // namespace chunkhouse::transform
