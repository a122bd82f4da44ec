#pragma once
// A store over an .rrd file's footer manifest (Python's LazyStore): its schema, summary and
// chunk count come from the manifest alone; chunks are read only when a stream needs them, and
// a stream's leading filter is evaluated on the manifest so that only matching chunks are read.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/transform/source.h"

namespace chunkhouse {

namespace rrd {
class IndexedReader;
struct ChunkEntry;
}  // namespace rrd

class LazyStore : public std::enable_shared_from_this<LazyStore> {
 public:
  // Fails for a file without a footer (it has no manifest to be lazy with).
  static Result<std::shared_ptr<LazyStore>> Open(const std::string& path, const StoreId& store);

  size_t size() const { return entries_.size(); }
  const sorbet::Schema& schema() const { return schema_; }
  std::string Summary() const;
  // Chunks read so far (all streams together).
  uint64_t chunks_loaded() const { return loaded_->load(); }
  std::shared_ptr<const transform::SourceFactory> source() const;

 private:
  friend class LazyStoreSource;
  LazyStore() = default;

  std::shared_ptr<rrd::IndexedReader> reader_;
  std::vector<const rrd::ChunkEntry*> entries_;  // this store's, in manifest order
  sorbet::Schema schema_;
  // entity -> component -> index (in entries_) of the static chunk that owns it
  std::vector<std::vector<std::string>> owned_;  // per entry: the static components it owns
  std::shared_ptr<std::atomic<uint64_t>> loaded_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace chunkhouse
