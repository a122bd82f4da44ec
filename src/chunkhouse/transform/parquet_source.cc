#include "chunkhouse/transform/parquet_source.h"

#include <thread>

#include "chunkhouse/parquet/importer.h"
#include "chunkhouse/transform/channel.h"

namespace chunkhouse::transform {

namespace {

// Decoding runs ahead on a thread of its own while the puller builds the chunks: the two halves
// of the work take about as long as each other, and handing each chunk to a pool costs more
// than building it (bench/bench_parquet.py). At most kReadAhead chunks wait, each holding a
// reference to its decoded batch.
class ParquetSource : public ChunkSource {
 public:
  static constexpr size_t kReadAhead = 64;
  explicit ParquetSource(std::unique_ptr<pq::ParquetImporter> importer)
      : importer_(std::move(importer)), queue_(kReadAhead) {}
  ~ParquetSource() override {
    Cancel();
    if (reader_.joinable()) reader_.join();
  }
  void Cancel() override { queue_.Close(/*discard=*/true); }

  Result<std::shared_ptr<Chunk>> Next() override {
    if (!started_) {
      started_ = true;
      reader_ = std::thread([this] { Read(); });
    }
    auto item = queue_.Pop();
    if (!item) return nullptr;
    if (!item->ok()) {
      queue_.Close(/*discard=*/true);
      return item->status();
    }
    return (**item)();
  }

 private:
  void Read() {
    for (;;) {
      auto work = importer_->NextWork();
      if (!work.ok()) {
        queue_.Push(work.status());
        break;
      }
      if (!*work) break;
      if (!queue_.Push(std::move(**work))) return;  // the puller went away
    }
    queue_.Close();
  }

  std::unique_ptr<pq::ParquetImporter> importer_;
  BoundedQueue<Result<pq::ChunkWork>> queue_;
  std::thread reader_;
  bool started_ = false;
};

}  // namespace

Result<std::shared_ptr<ParquetSourceFactory>> ParquetSourceFactory::Make(std::string path, pq::ReadOptions options,
                                                                         Warn warn) {
  ARROW_ASSIGN_OR_RAISE(auto checked, pq::Check(std::move(options)));
  ARROW_ASSIGN_OR_RAISE(auto probe, pq::ParquetImporter::Open(path, checked, warn));
  const int64_t rows = probe->num_rows();
  return std::shared_ptr<ParquetSourceFactory>(
      new ParquetSourceFactory(std::move(path), std::move(checked), std::move(warn), rows));
}

Result<std::unique_ptr<ChunkSource>> ParquetSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto importer, pq::ParquetImporter::Open(path_, options_, warn_));
  std::unique_ptr<ChunkSource> source = std::make_unique<ParquetSource>(std::move(importer));
  if (filter) return Filtered(std::move(source), *filter);  // after the chunks are made
  return source;
}

}  // namespace chunkhouse::transform
