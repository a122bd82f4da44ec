#pragma once
// A recording's chunks, indexed per (entity, component, timeline) by time range.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/base/time.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/chunk_meta.h"

namespace chunkhouse {

namespace rrd {
class IndexedReader;
}

using StoreColumn = sorbet::Column;
using StoreSchema = sorbet::Schema;

class ChunkStore {
 public:
  // What the store knows about a chunk without loading it.
  struct Entry {
    EntityPath entity;
    bool is_static = false;
    // component -> per timeline (name -> range of rows where it is non-null)
    std::map<std::string, std::map<std::string, TimeRange>> component_ranges;
    std::vector<std::string> components;  // components with any non-null cell (static chunks: all)
  };
  // Loads chunk i of the index a store was built from.
  using Loader = std::function<Result<std::shared_ptr<Chunk>>(size_t)>;

  static Result<std::shared_ptr<ChunkStore>> FromChunks(std::vector<std::shared_ptr<Chunk>> chunks);
  // A lazy store over an index of chunks (any format): its schema, what it knows of each chunk
  // (with components, see ChunkMeta) and how to load one. Static chunks are loaded at once (the
  // static winners depend on row ids), temporal ones when a query needs them.
  static Result<std::shared_ptr<ChunkStore>> FromIndex(std::optional<StoreId> id, StoreSchema schema,
                                                       const std::vector<const ChunkMeta*>& chunks, Loader loader);
  // Opens one store of an .rrd file (default: the first recording). With a footer the index
  // comes from the manifest and temporal chunks are decoded only when a query touches them.
  static Result<std::shared_ptr<ChunkStore>> Open(const std::string& path, std::optional<StoreId> store = std::nullopt);
  // The same over a reader that is already open (its footer already read).
  static Result<std::shared_ptr<ChunkStore>> Open(std::shared_ptr<rrd::IndexedReader> reader,
                                                  std::optional<StoreId> store);

  const StoreSchema& schema() const { return schema_; }
  const std::optional<StoreId>& store_id() const { return store_id_; }
  size_t num_chunks() const { return entries_.size(); }
  // How many chunks have been decoded so far (lazy stores).
  size_t num_loaded() const;

  // The static cell of (entity, component), if any: chunk and row.
  struct Cell {
    std::shared_ptr<Chunk> chunk;
    int64_t row = 0;
  };
  std::optional<Cell> StaticCell(const EntityPath& entity, const std::string& component) const;
  // Temporal chunks with non-null (entity, component) cells on `timeline` within [lo, hi].
  Result<std::vector<std::shared_ptr<Chunk>>> TemporalChunks(const EntityPath& entity, const std::string& component,
                                                             const std::string& timeline, int64_t lo, int64_t hi) const;
  // The chunks a latest-at fill over [lo, hi] needs: those overlapping [lo, hi], plus, of the
  // chunks entirely before lo, the ones ending latest (they hold the value in force at lo).
  Result<std::vector<std::shared_ptr<Chunk>>> TemporalChunksForFill(const EntityPath& entity,
                                                                    const std::string& component,
                                                                    const std::string& timeline, int64_t lo,
                                                                    int64_t hi) const;
  // Entities that have data for `component` (used for Clear lookups).
  bool HasComponent(const EntityPath& entity, const std::string& component) const;

 private:
  ChunkStore() = default;
  Status Index(size_t i);
  Status Finish();
  Result<std::shared_ptr<Chunk>> Load(size_t i) const;
  // Chunk i's time range of `component` on `timeline`, if it has data there.
  const TimeRange* ComponentRange(size_t i, const std::string& component, const std::string& timeline) const;

  std::optional<StoreId> store_id_;
  StoreSchema schema_;
  std::vector<Entry> entries_;
  mutable std::vector<std::shared_ptr<Chunk>> chunks_;  // loaded chunks (null until loaded)
  Loader loader_;
  mutable std::mutex mutex_;
  // (entity, component) -> temporal chunk indices / static winner
  // (entity, component) -> ...: exact lookups only, hashed (ordered maps compared paths in
  // natural order on every step of every lookup).
  struct KeyHash {
    size_t operator()(const std::pair<EntityPath, std::string>& k) const;
  };
  std::unordered_map<std::pair<EntityPath, std::string>, std::vector<size_t>, KeyHash> temporal_;
  std::unordered_map<std::pair<EntityPath, std::string>, Cell, KeyHash> static_;
};

}  // namespace chunkhouse
