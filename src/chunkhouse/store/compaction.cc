#include "chunkhouse/store/compaction.h"

#include <arrow/record_batch.h>

#include <algorithm>
#include <map>
#include <string>

#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {

OptimizationProfile OptimizationProfile::Live() {
  OptimizationProfile p;
  p.max_bytes = 393216;
  p.max_rows = 4096;
  p.max_rows_if_unsorted = 1024;
  return p;
}

OptimizationProfile OptimizationProfile::ObjectStore() {
  OptimizationProfile p;
  p.max_bytes = 2 * 1024 * 1024;
  p.max_rows = 65536;
  p.max_rows_if_unsorted = 8192;
  p.split_size_ratio = 10.0;
  return p;
}

OptimizationProfile OptimizationProfile::InsertOnly() {
  OptimizationProfile p;
  p.extra_passes = 0;
  p.gop_batching = false;
  return p;
}

CompactionThresholds OptimizationProfile::thresholds() const {
  auto d = CompactionThresholds::Default();
  return {max_bytes.value_or(d.max_bytes), max_rows.value_or(d.max_rows),
          max_rows_if_unsorted.value_or(d.max_rows_if_unsorted)};
}

Result<std::vector<std::shared_ptr<Chunk>>> SplitIfNeeded(const std::shared_ptr<Chunk>& chunk,
                                                          const CompactionThresholds& limits) {
  const uint64_t rows = static_cast<uint64_t>(chunk->num_rows());
  if (chunk->is_static() || rows <= 1) return std::vector{chunk};
  const uint64_t bytes = static_cast<uint64_t>(ByteSize(*chunk));
  const bool too_big = limits.max_bytes > 0 && bytes > limits.max_bytes;
  const bool too_long = limits.max_rows > 0 && rows > limits.max_rows;
  const bool too_long_unsorted =
      limits.max_rows_if_unsorted > 0 && rows > limits.max_rows_if_unsorted && !chunk->all_timelines_sorted();
  if (!too_big && !too_long && !too_long_unsorted) return std::vector{chunk};
  uint64_t target = too_long_unsorted ? limits.max_rows_if_unsorted
                    : too_long        ? limits.max_rows
                                      : limits.max_bytes / std::max<uint64_t>(bytes / rows, 1);
  target = std::max<uint64_t>(target, 1);
  std::vector<std::shared_ptr<Chunk>> pieces;
  for (uint64_t start = 0; start < rows; start += target) {
    ARROW_ASSIGN_OR_RAISE(auto piece, SliceRows(*chunk, static_cast<int64_t>(start),
                                                static_cast<int64_t>(std::min(target, rows - start))));
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

Result<std::optional<std::vector<std::shared_ptr<Chunk>>>> SplitThickThin(const Chunk& chunk, double ratio) {
  if (chunk.components().size() < 2) return std::nullopt;
  struct Group {
    uint64_t bytes = 0;
    std::vector<std::string> components;
  };
  // An archetype's components stay together; a component without one is its own group.
  std::map<std::pair<bool, std::string>, Group> groups;
  for (const auto& cc : chunk.components()) {
    auto key = cc.descriptor.archetype ? std::pair(true, *cc.descriptor.archetype) : std::pair(false, cc.descriptor.component);
    Group& g = groups[key];
    g.bytes += static_cast<uint64_t>(ByteSize(chunk.column(cc.column)));
    g.components.push_back(cc.descriptor.component);
  }
  if (groups.size() < 2) return std::nullopt;
  std::vector<Group> sorted;
  for (auto& [key, g] : groups) sorted.push_back(std::move(g));
  std::stable_sort(sorted.begin(), sorted.end(), [](const Group& a, const Group& b) { return a.bytes > b.bytes; });
  std::vector<size_t> cuts;
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    double heavier = static_cast<double>(sorted[i].bytes);
    double lighter = static_cast<double>(std::max<uint64_t>(sorted[i + 1].bytes, 1));
    if (heavier / lighter >= ratio) cuts.push_back(i + 1);
  }
  if (cuts.empty()) return std::nullopt;
  cuts.push_back(sorted.size());
  std::vector<std::shared_ptr<Chunk>> pieces;
  size_t start = 0;
  for (size_t end : cuts) {
    std::vector<std::string> keep;
    for (size_t i = start; i < end; ++i) keep.insert(keep.end(), sorted[i].components.begin(), sorted[i].components.end());
    ARROW_ASSIGN_OR_RAISE(auto piece, KeepComponents(chunk, keep));
    if (piece) pieces.push_back(std::move(piece));
    start = end;
  }
  return pieces;
}

}  // namespace chunkhouse
