#pragma once
// The physical chunks of one recording, kept the way Rerun's chunk store keeps them (what
// Python's ChunkStore holds):
//  - a chunk with no rows or no components is ignored, and so is a chunk id already present;
//  - a static chunk owns each of its components for which it holds the newest row id; a
//    stored static chunk left owning nothing of its entity is removed (unless the newcomer's
//    column belongs to Transform3D or Pinhole, whose static data is kept in full);
//  - with thresholds set, a temporal chunk is split when oversized and otherwise merged with
//    its best-scoring neighbour (same entity, timelines and datatypes; within the thresholds).
// Chunks are listed in ascending chunk id order, as Rerun iterates them.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/store/compaction.h"
#include "chunkhouse/store/flat_map.h"
#include "chunkhouse/store/schema_builder.h"

namespace chunkhouse {

class ChunkSet {
 public:
  explicit ChunkSet(CompactionThresholds thresholds = {}) : thresholds_(thresholds) {}

  // Fails (kind InvalidArgument) for a chunk whose rows are not in row-id order.
  Status Insert(const std::shared_ptr<Chunk>& chunk);

  size_t size() const { return chunks_.size(); }
  Result<std::vector<std::shared_ptr<Chunk>>> chunks() const;
  // Of every chunk ever inserted (Rerun's schema only grows).
  sorbet::Schema schema() const { return schema_.Finish(); }
  // Rerun's summary(): one line per chunk, by entity then static first.
  std::string Summary() const;

  // Runs the profile's finishing work over the inserted chunks (thick/thin split, extra
  // passes until the count stops falling) and returns the result, whose thresholds are zero.
  static Result<ChunkSet> Finalize(ChunkSet set, const OptimizationProfile& profile);

 private:
  // A stored chunk. A compacted chunk is kept as its pieces (in row-id order) and concatenated
  // once, when it is read: merging into a growing chunk one row at a time stays linear.
  struct Stored {
    Tuid id;
    std::vector<std::shared_ptr<Chunk>> pieces;
    mutable std::shared_ptr<Chunk> merged;  // pieces as one chunk, once asked for
    bool from_split = false;                // never merged, never split again
    bool from_compaction = false;           // never split again
    uint64_t rows = 0;
    uint64_t bytes = 0;
    bool sorted = true;  // every timeline ascending with the rows
    std::pair<Tuid, Tuid> row_range;
    // Names are views of the pieces' own strings (the pieces live as long as this).
    FlatMap<std::string_view, TimeRange> time_ranges;  // per timeline
    FlatMap<std::string_view, const arrow::DataType*> types;  // per component
    // (timeline, component) -> the time range of the rows with data there, as Rerun's election
    // sees it: a component with no data in any row has the inverted range (max, min). The start
    // is where the chunk is indexed.
    FlatMap<std::pair<std::string_view, std::string_view>, TimeRange> ranges;

    const std::string& entity() const { return pieces.front()->entity_path(); }
    Result<std::shared_ptr<Chunk>> chunk() const;
  };
  using TimeIndex = std::map<int64_t, std::set<Tuid>>;  // start time -> chunk ids

  static Stored Describe(const std::shared_ptr<Chunk>& chunk, bool from_split);
  static bool Concatenable(const Stored& a, const Stored& b);
  static Result<Stored> Merge(Stored a, Stored b);
  Status InsertImpl(const std::shared_ptr<Chunk>& chunk, bool from_split);
  void InsertStatic(const std::shared_ptr<Chunk>& chunk);
  Status InsertTemporal(Stored stored);
  // A stored chunk of another set, as a new root of this one (a compaction pass).
  Status Reinsert(Stored stored);
  const Stored* Elect(const Stored& incoming) const;
  void Index(const Stored& stored);
  Stored Remove(const Tuid& id);  // out of the set and its indexes (the id must be present)
  bool Covered(Tuid id) const;

  CompactionThresholds thresholds_;
  std::map<Tuid, Stored> chunks_;
  SchemaBuilder schema_;
  // entity -> component -> owning static chunk
  std::map<std::string, std::map<std::string, Tuid>> static_owners_;
  // (entity, timeline, component) -> start times of the temporal chunks with data there
  // Looked up by string_view triples without building strings; compared element by element
  // (tuple<string> against tuple<string_view> has no operator< under every standard library).
  using TemporalKey = std::tuple<std::string, std::string, std::string>;
  using TemporalView = std::tuple<std::string_view, std::string_view, std::string_view>;
  struct TemporalLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return TemporalView(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
             TemporalView(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    }
  };
  std::map<TemporalKey, TimeIndex, TemporalLess> temporal_;
  // Ids of inserted chunks whose data lives on in other chunks: compacted into one (which stays
  // in the set, merged further perhaps) or split on insert. Inserting one again does nothing.
  struct TuidHash {
    size_t operator()(const Tuid& t) const { return std::hash<uint64_t>{}(t.time_ns * 0x9E3779B97F4A7C15ull ^ t.inc); }
  };
  std::unordered_set<Tuid, TuidHash> absorbed_;
};

}  // namespace chunkhouse
