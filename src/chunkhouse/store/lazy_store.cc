#include "chunkhouse/store/lazy_store.h"

#include <algorithm>
#include <map>

#include "chunkhouse/rrd/reader.h"

namespace chunkhouse {

Result<std::shared_ptr<LazyStore>> LazyStore::Open(const std::string& path, const StoreId& store) {
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, rrd::IndexedReader::Open(path));
  const rrd::Manifest* manifest = reader->FindManifest(store);
  if (!reader->has_footer() || manifest == nullptr) {
    return InvalidArgument(
        "Legacy RRD without footer: {}. Use RrdReader.stream().collect() to read it eagerly into a ChunkStore.", path);
  }
  auto out = std::shared_ptr<LazyStore>(new LazyStore());
  ARROW_ASSIGN_OR_RAISE(out->schema_, sorbet::Schema::FromArrow(*manifest->sorbet_schema, path));
  for (const auto& entry : reader->chunks()) {
    if (entry.store == store) out->entries_.push_back(&entry);
  }
  // Static ownership as Rerun reads it from a manifest: the last static chunk with data wins.
  std::map<std::pair<std::string, std::string>, size_t> owner;
  for (size_t i = 0; i < out->entries_.size(); ++i) {
    const auto* e = out->entries_[i];
    if (!e->is_static || !e->components) continue;
    for (const auto& info : *e->components) owner[{e->entity_path, info.component}] = i;
  }
  out->owned_.resize(out->entries_.size());
  for (const auto& [key, i] : owner) out->owned_[i].push_back(key.second);
  out->reader_ = std::move(reader);
  return out;
}

std::string LazyStore::Summary() const {
  std::vector<size_t> order(entries_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto *ea = entries_[a], *eb = entries_[b];
    if (ea->entity_path != eb->entity_path) return ea->entity_path < eb->entity_path;
    return ea->is_static && !eb->is_static;
  });
  std::string out;
  for (size_t i : order) {
    const auto* e = entries_[i];
    std::vector<std::string> timelines, components;
    if (e->is_static) {
      components = owned_[i];
    } else if (e->components) {
      for (const auto& info : *e->components) {
        components.push_back(info.component);
        for (const auto& [timeline, range] : info.ranges) {
          if (std::find(timelines.begin(), timelines.end(), timeline) == timelines.end()) timelines.push_back(timeline);
        }
      }
    }
    out += (out.empty() ? "" : "\n") + SummaryLine(e->entity_path, static_cast<int64_t>(e->num_rows), e->is_static,
                                                   std::move(timelines), std::move(components));
  }
  return out;
}

// Streams the store's chunks in manifest order: the filter's chunk-level predicates (and
// whether a chunk has any listed component) are decided on the manifest; only matches are read.
class LazyStoreSource : public transform::DeferredSource {
 public:
  LazyStoreSource(std::shared_ptr<const LazyStore> store, std::optional<transform::StructuredFilter> filter)
      : store_(std::move(store)), filter_(std::move(filter)) {}

  Result<std::optional<transform::Deferred>> NextDeferred() override {
    while (next_ < store_->entries_.size()) {
      const size_t i = next_++;
      if (!Wanted(i)) continue;
      return transform::Deferred([store = store_, i, filter = filter_]() -> Result<std::shared_ptr<Chunk>> {
        ARROW_ASSIGN_OR_RAISE(auto chunk, store->reader_->LoadChunk(*store->entries_[i]));
        store->loaded_->fetch_add(1);
        if (!filter) return chunk;
        return filter->Keep(chunk);
      });
    }
    return std::nullopt;
  }

 private:
  bool Wanted(size_t i) const {
    if (!filter_) return true;
    const auto* e = store_->entries_[i];
    if (!filter_->Predicates(*e)) return false;
    if (!filter_->components) return true;
    auto listed = [&](const std::string& c) {
      return std::find(filter_->components->begin(), filter_->components->end(), c) != filter_->components->end();
    };
    if (e->is_static) return std::any_of(store_->owned_[i].begin(), store_->owned_[i].end(), listed);
    if (!e->components) return true;  // unknown: read it, the slicing decides
    return std::any_of(e->components->begin(), e->components->end(), [&](const auto& info) { return listed(info.component); });
  }

  std::shared_ptr<const LazyStore> store_;
  std::optional<transform::StructuredFilter> filter_;
  size_t next_ = 0;
};

namespace {

class LazyStoreFactory : public transform::SourceFactory {
 public:
  explicit LazyStoreFactory(std::shared_ptr<const LazyStore> store) : store_(std::move(store)) {}
  Result<std::unique_ptr<transform::ChunkSource>> Open(
      const std::optional<transform::StructuredFilter>& filter) const override {
    return std::make_unique<LazyStoreSource>(store_, filter);
  }

 private:
  std::shared_ptr<const LazyStore> store_;
};

}  // namespace

std::shared_ptr<const transform::SourceFactory> LazyStore::source() const {
  return std::make_shared<LazyStoreFactory>(shared_from_this());
}

}  // namespace chunkhouse
