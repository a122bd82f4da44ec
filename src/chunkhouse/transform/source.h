#pragma once
// Where a running pipeline's chunks come from, pulled one at a time.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/transform/filter.h"

namespace chunkhouse::transform {

// A chunk whose costly part (reading, decoding) has not been done yet, so that a parallel
// stage can do it on a worker thread. It yields null when the chunk turns out to be filtered out.
using Deferred = std::function<Result<std::shared_ptr<Chunk>>()>;

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The next chunk, or null at the end.
  virtual Result<std::shared_ptr<Chunk>> Next() = 0;
  // The next chunk, possibly deferred; nullopt at the end. By default: Next(), done.
  virtual Result<std::optional<Deferred>> NextDeferred();
  // The consumer is going away: wake and stop whatever waits on its behalf (threads, queues),
  // here and upstream. Safe to call from another thread while Next() runs.
  virtual void Cancel() {}
};

// A source whose chunks come deferred (read here, decoded by whoever runs them): Next() runs
// them in turn until one is not filtered out.
class DeferredSource : public ChunkSource {
 public:
  Result<std::shared_ptr<Chunk>> Next() override;
  Result<std::optional<Deferred>> NextDeferred() override = 0;
};

// What a stream starts from (a file, a store, a list of chunks): opened afresh by each run.
class SourceFactory {
 public:
  virtual ~SourceFactory() = default;
  // A source yielding exactly what `filter` keeps of the chunks (StructuredFilter::Keep), or
  // everything without one. A factory that can evaluate the filter on an index reads only what
  // matches; others filter what they produce.
  virtual Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const = 0;
  // Whether its chunks come with work worth doing on the pool (reading, decoding).
  virtual bool defers_work() const { return true; }
};

// Chunks already in memory (a ChunkStore's, a list's).
class VectorSourceFactory : public SourceFactory {
 public:
  explicit VectorSourceFactory(std::vector<std::shared_ptr<Chunk>> chunks)
      : chunks_(std::make_shared<const std::vector<std::shared_ptr<Chunk>>>(std::move(chunks))) {}
  Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const override;
  bool defers_work() const override { return false; }

 private:
  std::shared_ptr<const std::vector<std::shared_ptr<Chunk>>> chunks_;
};

// A source that yields what a callback produces, a batch at a time, until it returns an empty
// batch (a user's iterator: pulling several items per call saves a lock round trip per chunk).
// One-shot sources are shared between runs: what one run consumed, the next does not see.
class CallbackSourceFactory : public SourceFactory {
 public:
  using Pull = std::function<Result<std::vector<std::shared_ptr<Chunk>>>()>;
  explicit CallbackSourceFactory(Pull pull) : pull_(std::move(pull)) {}
  Result<std::unique_ptr<ChunkSource>> Open(const std::optional<StructuredFilter>& filter) const override;
  bool defers_work() const override { return false; }

 private:
  Pull pull_;
};

// `inner`, keeping only what `filter` keeps.
std::unique_ptr<ChunkSource> Filtered(std::unique_ptr<ChunkSource> inner, StructuredFilter filter);

}  // namespace chunkhouse::transform
