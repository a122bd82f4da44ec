#include "chunkhouse/transform/source.h"

namespace chunkhouse::transform {

Result<std::shared_ptr<Chunk>> DeferredSource::Next() {
  for (;;) {
    ARROW_ASSIGN_OR_RAISE(auto deferred, NextDeferred());
    if (!deferred) return nullptr;
    ARROW_ASSIGN_OR_RAISE(auto chunk, (*deferred)());
    if (chunk) return chunk;
  }
}

Result<std::optional<Deferred>> ChunkSource::NextDeferred() {
  ARROW_ASSIGN_OR_RAISE(auto chunk, Next());
  if (!chunk) return std::nullopt;
  return Deferred([chunk]() -> Result<std::shared_ptr<Chunk>> { return chunk; });
}

namespace {

class VectorSource : public ChunkSource {
 public:
  explicit VectorSource(std::shared_ptr<const std::vector<std::shared_ptr<Chunk>>> chunks) : chunks_(std::move(chunks)) {}
  Result<std::shared_ptr<Chunk>> Next() override {
    if (pos_ >= chunks_->size()) return nullptr;
    return (*chunks_)[pos_++];
  }

 private:
  std::shared_ptr<const std::vector<std::shared_ptr<Chunk>>> chunks_;
  size_t pos_ = 0;
};

class CallbackSource : public ChunkSource {
 public:
  explicit CallbackSource(CallbackSourceFactory::Pull pull) : pull_(std::move(pull)) {}
  Result<std::shared_ptr<Chunk>> Next() override {
    if (pos_ == batch_.size()) {
      if (done_) return nullptr;
      ARROW_ASSIGN_OR_RAISE(batch_, pull_());
      pos_ = 0;
      if (batch_.empty()) {
        done_ = true;
        return nullptr;
      }
    }
    return std::move(batch_[pos_++]);
  }

 private:
  CallbackSourceFactory::Pull pull_;
  std::vector<std::shared_ptr<Chunk>> batch_;
  size_t pos_ = 0;
  bool done_ = false;
};

class FilteredSource : public ChunkSource {
 public:
  FilteredSource(std::unique_ptr<ChunkSource> inner, StructuredFilter filter)
      : inner_(std::move(inner)), filter_(std::move(filter)) {}
  Result<std::shared_ptr<Chunk>> Next() override {
    for (;;) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, inner_->Next());
      if (!chunk) return nullptr;
      ARROW_ASSIGN_OR_RAISE(auto kept, filter_.Keep(chunk));
      if (kept) return kept;
    }
  }
  Result<std::optional<Deferred>> NextDeferred() override {
    ARROW_ASSIGN_OR_RAISE(auto inner, inner_->NextDeferred());
    if (!inner) return std::nullopt;
    return Deferred([work = std::move(*inner), this]() -> Result<std::shared_ptr<Chunk>> {
      ARROW_ASSIGN_OR_RAISE(auto chunk, work());
      if (!chunk) return nullptr;
      return filter_.Keep(chunk);
    });
  }
  void Cancel() override { inner_->Cancel(); }

 private:
  std::unique_ptr<ChunkSource> inner_;
  StructuredFilter filter_;
};

}  // namespace

std::unique_ptr<ChunkSource> Filtered(std::unique_ptr<ChunkSource> inner, StructuredFilter filter) {
  return std::make_unique<FilteredSource>(std::move(inner), std::move(filter));
}

Result<std::unique_ptr<ChunkSource>> VectorSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  std::unique_ptr<ChunkSource> source = std::make_unique<VectorSource>(chunks_);
  if (filter) source = Filtered(std::move(source), *filter);
  return source;
}

Result<std::unique_ptr<ChunkSource>> CallbackSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  std::unique_ptr<ChunkSource> source = std::make_unique<CallbackSource>(pull_);
  if (filter) source = Filtered(std::move(source), *filter);
  return source;
}

}  // namespace chunkhouse::transform
