#include "chunkhouse/transform/rrd_source.h"

#include "chunkhouse/rrd/reader.h"

namespace chunkhouse::transform {

namespace {

class RrdSource : public DeferredSource {
 public:
  RrdSource(std::unique_ptr<rrd::StreamReader> reader, StoreId store, std::optional<StructuredFilter> filter)
      : reader_(std::move(reader)), store_(std::move(store)), filter_(std::move(filter)) {}

  Result<std::optional<Deferred>> NextDeferred() override {
    for (;;) {
      ARROW_ASSIGN_OR_RAISE(auto msg, reader_->Next());
      if (!msg) return std::nullopt;
      if (msg->kind != rrd::MessageKind::kArrowMsg || !(msg->store == store_)) continue;
      // Chunk-level predicates that the envelope answers are checked before decoding.
      if (filter_ && filter_->is_static && msg->envelope.is_static && *msg->envelope.is_static != *filter_->is_static) {
        continue;
      }
      return Deferred([envelope = std::move(msg->envelope), offset = msg->offset + rrd::kMessageHeaderSize,
                       path = reader_->file().path(), filter = filter_]() -> Result<std::shared_ptr<Chunk>> {
        ARROW_ASSIGN_OR_RAISE(auto chunk, rrd::DecodeChunk(envelope, rrd::Where{path, offset}));
        if (!filter) return chunk;
        return filter->Keep(chunk);
      });
    }
  }

 private:
  std::unique_ptr<rrd::StreamReader> reader_;
  StoreId store_;
  std::optional<StructuredFilter> filter_;
};

}  // namespace

Result<std::unique_ptr<ChunkSource>> RrdSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto reader, rrd::StreamReader::Open(path_, rrd::ReadOptions{/*decode_chunks=*/false}));
  return std::make_unique<RrdSource>(std::move(reader), store_, filter);
}

}  // namespace chunkhouse::transform
