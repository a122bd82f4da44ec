#include "chunkhouse/store/store.h"

#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <algorithm>
#include <cstring>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/store/schema_builder.h"

namespace chunkhouse {


size_t ChunkStore::num_loaded() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(chunks_.begin(), chunks_.end(), [](const auto& c) { return c != nullptr; }));
}

Result<std::shared_ptr<Chunk>> ChunkStore::Load(size_t i) const {
  {
    std::lock_guard lock(mutex_);
    if (chunks_[i]) return chunks_[i];
  }
  if (!loader_) return Status::Invalid("chunk store: chunk not loaded and no loader");
  ARROW_ASSIGN_OR_RAISE(auto chunk, loader_(i));
  std::lock_guard lock(mutex_);
  chunks_[i] = chunk;
  return chunk;
}

// Registers entry i in the (entity, component) indexes; static chunks are loaded here, since
// the static winner depends on row ids.
Status ChunkStore::Index(size_t i) {
  const Entry& e = entries_[i];
  if (!e.is_static) {
    for (const auto& c : e.components) temporal_[{e.entity, c}].push_back(i);
    return Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto chunk, Load(i));
  for (const auto& cc : chunk->components()) {
    const arrow::Array& col = chunk->column(cc.column);
    std::optional<int64_t> best;
    Tuid best_id;
    for (int64_t r = 0; r < chunk->num_rows(); ++r) {
      if (col.IsNull(r)) continue;
      Tuid id = chunk->row_id(r);
      if (!best || best_id < id) {
        best = r;
        best_id = id;
      }
    }
    if (!best) continue;
    auto key = std::make_pair(e.entity, cc.descriptor.component);
    auto it = static_.find(key);
    if (it == static_.end() || it->second.chunk->row_id(it->second.row) < best_id) {
      static_[key] = Cell{chunk, *best};
    }
  }
  return Status::OK();
}

Status ChunkStore::Finish() {
  for (size_t i = 0; i < entries_.size(); ++i) ARROW_RETURN_NOT_OK(Index(i));
  schema_.Sort();
  return Status::OK();
}

Result<std::shared_ptr<ChunkStore>> ChunkStore::FromChunks(std::vector<std::shared_ptr<Chunk>> chunks) {
  std::shared_ptr<ChunkStore> store(new ChunkStore());
  SchemaBuilder schema;
  for (auto& chunk : chunks) {
    schema.Add(*chunk);
    Entry e;
    e.entity = EntityPath::Parse(chunk->entity_path());
    e.is_static = chunk->is_static();
    for (const auto& cc : chunk->components()) {
      const arrow::Array& col = chunk->column(cc.column);
      if (col.null_count() == col.length()) continue;
      e.components.push_back(cc.descriptor.component);
      for (const auto& ic : chunk->indexes()) {
        auto stats = chunk->ComponentStatsOn(ic, cc);
        if (stats.range) e.component_ranges[cc.descriptor.component][ic.timeline.name] = *stats.range;
      }
    }
    store->entries_.push_back(std::move(e));
    store->chunks_.push_back(std::move(chunk));
  }
  store->schema_ = schema.Finish();
  ARROW_RETURN_NOT_OK(store->Finish());
  return store;
}

size_t ChunkStore::KeyHash::operator()(const std::pair<EntityPath, std::string>& k) const {
  size_t h = std::hash<std::string>{}(k.second);
  for (const auto& part : k.first.parts()) h = h * 1000003u ^ std::hash<std::string>{}(part);
  return h;
}

Result<std::shared_ptr<ChunkStore>> ChunkStore::FromIndex(std::optional<StoreId> id, StoreSchema schema,
                                                          const std::vector<const ChunkMeta*>& chunks, Loader loader) {
  std::shared_ptr<ChunkStore> store(new ChunkStore());
  store->store_id_ = std::move(id);
  store->schema_ = std::move(schema);
  for (const ChunkMeta* meta : chunks) {
    if (!meta->components) {
      return Status::Invalid(fmt::format("chunk {}: the index was read without component ranges",
                                         ChunkIdString(meta->chunk_id)));
    }
    Entry e;
    e.entity = EntityPath::Parse(meta->entity_path);
    e.is_static = meta->is_static;
    for (const auto& info : *meta->components) {
      e.components.push_back(info.component);
      auto& ranges = e.component_ranges[info.component];
      for (const auto& [timeline, range] : info.ranges) ranges[timeline] = range;
    }
    store->entries_.push_back(std::move(e));
  }
  store->chunks_.resize(store->entries_.size());
  store->loader_ = std::move(loader);
  ARROW_RETURN_NOT_OK(store->Finish());
  return store;
}

Result<std::shared_ptr<ChunkStore>> ChunkStore::Open(const std::string& path, std::optional<StoreId> which) {
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, rrd::IndexedReader::Open(path));
  return Open(std::move(reader), std::move(which));
}

Result<std::shared_ptr<ChunkStore>> ChunkStore::Open(std::shared_ptr<rrd::IndexedReader> reader,
                                                     std::optional<StoreId> which) {
  const std::string& path = reader->path();
  if (!which) {
    for (const auto& s : reader->stores()) {
      if (s.kind == StoreKind::kRecording) {
        which = s;
        break;
      }
    }
    if (!which) return Status::Invalid(fmt::format("{}: the file contains no recording", path));
  }
  const rrd::Manifest* manifest = reader->FindManifest(*which);
  std::vector<const rrd::ChunkEntry*> entries;
  for (const auto& entry : reader->chunks()) {
    if (entry.store == *which) entries.push_back(&entry);
  }
  if (manifest == nullptr) {
    // No footer: decode this store's chunks once, in file order.
    std::vector<std::shared_ptr<Chunk>> chunks;
    for (const auto* entry : entries) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, reader->LoadChunk(*entry));
      chunks.push_back(std::move(chunk));
    }
    if (chunks.empty() && std::find(reader->stores().begin(), reader->stores().end(), *which) == reader->stores().end()) {
      return Status::Invalid(fmt::format("{}: no store {} in this file", path, which->ToString()));
    }
    ARROW_ASSIGN_OR_RAISE(auto store, FromChunks(std::move(chunks)));
    store->store_id_ = which;
    return store;
  }
  // With a footer: schema and per-chunk ranges from the manifest; chunks decoded on demand.
  ARROW_ASSIGN_OR_RAISE(auto schema, StoreSchema::FromArrow(*manifest->sorbet_schema, path));
  std::vector<const ChunkMeta*> metas(entries.begin(), entries.end());
  return FromIndex(which, std::move(schema), metas,
                   [reader, entries](size_t i) { return reader->LoadChunk(*entries[i]); });
}

std::optional<ChunkStore::Cell> ChunkStore::StaticCell(const EntityPath& entity, const std::string& component) const {
  auto it = static_.find({entity, component});
  if (it == static_.end()) return std::nullopt;
  return it->second;
}

bool ChunkStore::HasComponent(const EntityPath& entity, const std::string& component) const {
  return temporal_.count({entity, component}) > 0 || static_.count({entity, component}) > 0;
}

const TimeRange* ChunkStore::ComponentRange(size_t i, const std::string& component, const std::string& timeline) const {
  const auto& ranges = entries_[i].component_ranges;
  auto c = ranges.find(component);
  if (c == ranges.end()) return nullptr;
  auto t = c->second.find(timeline);
  return t == c->second.end() ? nullptr : &t->second;
}

Result<std::vector<std::shared_ptr<Chunk>>> ChunkStore::TemporalChunks(const EntityPath& entity,
                                                                       const std::string& component,
                                                                       const std::string& timeline, int64_t lo,
                                                                       int64_t hi) const {
  std::vector<std::shared_ptr<Chunk>> out;
  auto it = temporal_.find({entity, component});
  if (it == temporal_.end()) return out;
  for (size_t i : it->second) {
    const TimeRange* range = ComponentRange(i, component, timeline);
    if (range == nullptr || range->max < lo || range->min > hi) continue;
    ARROW_ASSIGN_OR_RAISE(auto chunk, Load(i));
    out.push_back(std::move(chunk));
  }
  return out;
}

Result<std::vector<std::shared_ptr<Chunk>>> ChunkStore::TemporalChunksForFill(const EntityPath& entity,
                                                                              const std::string& component,
                                                                              const std::string& timeline, int64_t lo,
                                                                              int64_t hi) const {
  std::vector<std::shared_ptr<Chunk>> out;
  auto it = temporal_.find({entity, component});
  if (it == temporal_.end()) return out;
  std::vector<std::pair<size_t, TimeRange>> candidates;
  std::optional<int64_t> latest_end_before;
  for (size_t i : it->second) {
    const TimeRange* range = ComponentRange(i, component, timeline);
    if (range == nullptr || range->min > hi) continue;
    candidates.emplace_back(i, *range);
    if (range->max < lo) latest_end_before = std::max(latest_end_before.value_or(range->max), range->max);
  }
  for (const auto& [i, range] : candidates) {
    if (range.max < lo && range.max != *latest_end_before) continue;
    ARROW_ASSIGN_OR_RAISE(auto chunk, Load(i));
    out.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace chunkhouse
