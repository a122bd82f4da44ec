#pragma once
// How a store keeps its chunks well sized (Rerun's compaction): thresholds that split oversized
// chunks on insert and merge small neighbours, and the optimisation profiles that run extra
// passes and split heavy archetypes from light ones.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

// All zero: no compaction (what ChunkStore.from_chunks and a collected store use).
struct CompactionThresholds {
  uint64_t max_bytes = 0;
  uint64_t max_rows = 0;
  uint64_t max_rows_if_unsorted = 0;

  bool enabled() const { return max_bytes != 0 || max_rows != 0 || max_rows_if_unsorted != 0; }
  // Rerun's store defaults (= the LIVE profile): 384 KiB, 4096 rows, 1024 unsorted rows.
  static CompactionThresholds Default() { return {393216, 4096, 1024}; }
};

// Rerun's OptimizationProfile; unset thresholds fall back to CompactionThresholds::Default().
struct OptimizationProfile {
  std::optional<uint64_t> max_bytes;
  std::optional<uint64_t> max_rows;
  std::optional<uint64_t> max_rows_if_unsorted;
  int extra_passes = 50;
  bool gop_batching = true;
  std::optional<double> split_size_ratio;
  bool fix_keyframe = false;

  static OptimizationProfile Live();
  static OptimizationProfile ObjectStore();
  // What collect() without a profile applies: default thresholds, no extra work.
  static OptimizationProfile InsertOnly();
  CompactionThresholds thresholds() const;
};

// The row slices an oversized temporal chunk is cut into (the chunk itself when it fits, is
// static or has at most one row): by the unsorted row limit, else the row limit, else as many
// rows as fit the byte limit at the chunk's bytes per row.
Result<std::vector<std::shared_ptr<Chunk>>> SplitIfNeeded(const std::shared_ptr<Chunk>& chunk,
                                                          const CompactionThresholds& limits);

// Rerun's thick/thin split: components grouped by archetype, groups ordered by byte size, cut
// wherever a group is `ratio` times heavier than the next; null when the chunk needs no cut.
// Pieces keep the row ids and get fresh chunk ids.
Result<std::optional<std::vector<std::shared_ptr<Chunk>>>> SplitThickThin(const Chunk& chunk, double ratio);

}  // namespace chunkhouse
