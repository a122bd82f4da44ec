#include "chunkhouse/transform/execute.h"

#include <arrow/util/future.h>
#include <arrow/util/thread_pool.h>

#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "chunkhouse/transform/channel.h"
#include "chunkhouse/base/warn.h"

namespace chunkhouse::transform {

using ChunkPtr = std::shared_ptr<Chunk>;
using Chunks = std::vector<ChunkPtr>;

Result<Chunks> ApplySteps(const ChunkPtr& chunk, const std::vector<Step>& steps) {
  Chunks current{chunk};
  for (const Step& step : steps) {
    Chunks next;
    for (const auto& c : current) {
      switch (step.kind) {
        case Step::Kind::kFilter: {
          ARROW_ASSIGN_OR_RAISE(auto kept, step.filter.Keep(c));
          if (kept) next.push_back(std::move(kept));
          break;
        }
        case Step::Kind::kDrop: {
          ARROW_ASSIGN_OR_RAISE(auto rest, step.filter.Remove(c));
          if (rest) next.push_back(std::move(rest));
          break;
        }
        case Step::Kind::kTransform: {
          ARROW_ASSIGN_OR_RAISE(auto out, step.transform->Apply(c));
          for (auto& o : out) {
            if (o) next.push_back(std::move(o));
          }
          break;
        }
      }
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

namespace {

// Hands out the chunks of vectors produced one at a time.
class Buffered : public ChunkSource {
 public:
  Result<ChunkPtr> Next() final {
    while (pending_.empty()) {
      if (done_) return nullptr;
      ARROW_ASSIGN_OR_RAISE(auto more, Produce());
      if (!more) {
        done_ = true;
        return nullptr;
      }
      for (auto& c : *more) pending_.push_back(std::move(c));
    }
    ChunkPtr out = std::move(pending_.front());
    pending_.pop_front();
    return out;
  }

 protected:
  // The next batch of output; nullopt at the end.
  virtual Result<std::optional<Chunks>> Produce() = 0;

 private:
  std::deque<ChunkPtr> pending_;
  bool done_ = false;
};

// Steps applied in order on the pulling thread (Python transforms).
class SequentialSteps : public Buffered {
 public:
  SequentialSteps(std::unique_ptr<ChunkSource> inner, std::vector<Step> steps)
      : inner_(std::move(inner)), steps_(std::move(steps)) {}

 protected:
  Result<std::optional<Chunks>> Produce() override {
    ARROW_ASSIGN_OR_RAISE(auto chunk, inner_->Next());
    if (!chunk) return std::nullopt;
    return ApplySteps(chunk, steps_);
  }

 public:
  void Cancel() override { inner_->Cancel(); }

 private:
  std::unique_ptr<ChunkSource> inner_;
  std::vector<Step> steps_;
};

// Reading, decoding and C++ steps on the CPU pool: a feeder thread pulls deferred chunks and
// submits each with the steps; the puller takes the results in order. At most `in_flight`
// chunks are being worked on or waiting, which bounds memory.
class ParallelSteps : public Buffered {
 public:
  ParallelSteps(std::unique_ptr<ChunkSource> inner, std::vector<Step> steps, size_t in_flight)
      : inner_(std::move(inner)), steps_(std::make_shared<const std::vector<Step>>(std::move(steps))), queue_(in_flight) {}
  ~ParallelSteps() override {
    // Work still running refers to the sources upstream: wait for it before they go.
    Cancel();
    if (feeder_.joinable()) feeder_.join();
    while (auto pending = queue_.Pop()) pending->Wait();
  }
  void Cancel() override {
    queue_.Close();
    inner_->Cancel();
  }

 protected:
  Result<std::optional<Chunks>> Produce() override {
    if (failed_) return std::nullopt;
    if (!started_) {
      started_ = true;
      feeder_ = std::thread([this] { Feed(); });
    }
    auto next = queue_.Pop();
    if (!next) return std::nullopt;
    auto result = next->result();  // waits for this chunk's work
    if (!result.ok()) {
      failed_ = true;
      queue_.Close();
      return result.status();
    }
    return std::optional<Chunks>(std::move(*result));
  }

 private:
  void Feed() {
    auto* pool = arrow::internal::GetCpuThreadPool();
    for (;;) {
      auto deferred = inner_->NextDeferred();
      if (!deferred.ok()) {
        queue_.Push(arrow::Future<Chunks>::MakeFinished(deferred.status()));
        break;
      }
      if (!*deferred) break;
      auto submitted = pool->Submit([work = std::move(**deferred), steps = steps_]() -> Result<Chunks> {
        ARROW_ASSIGN_OR_RAISE(auto chunk, work());
        if (!chunk) return Chunks{};
        return ApplySteps(chunk, *steps);
      });
      auto future = submitted.ok() ? *submitted : arrow::Future<Chunks>::MakeFinished(submitted.status());
      if (!queue_.Push(future)) {  // the puller went away
        future.Wait();
        return;
      }
    }
    queue_.Close();
  }

  std::unique_ptr<ChunkSource> inner_;
  std::shared_ptr<const std::vector<Step>> steps_;
  BoundedQueue<arrow::Future<Chunks>> queue_;
  std::thread feeder_;
  bool started_ = false;
  bool failed_ = false;
};

// Each input on its own thread, into one queue; per-input order kept.
class MergeSource : public ChunkSource {
 public:
  MergeSource(std::vector<std::unique_ptr<ChunkSource>> inputs, size_t capacity)
      : inputs_(std::move(inputs)), queue_(capacity), running_(inputs_.size()) {}
  ~MergeSource() override {
    Cancel();
    for (auto& t : threads_) t.join();
  }
  void Cancel() override {
    queue_.Close(/*discard=*/true);
    for (auto& input : inputs_) input->Cancel();
  }
  Result<ChunkPtr> Next() override {
    if (!started_) {
      started_ = true;
      if (inputs_.empty()) queue_.Close();
      for (auto& input : inputs_) threads_.emplace_back([this, source = input.get()] { Run(*source); });
    }
    auto item = queue_.Pop();
    if (!item) return nullptr;
    if (!item->ok()) {
      queue_.Close(/*discard=*/true);
      return item->status();
    }
    return std::move(*item);
  }

 private:
  void Run(ChunkSource& source) {
    for (;;) {
      auto chunk = source.Next();
      if (!chunk.ok() || !*chunk) {
        if (!chunk.ok()) queue_.Push(chunk.status());
        break;
      }
      if (!queue_.Push(std::move(*chunk))) break;
    }
    std::lock_guard lock(mutex_);
    if (--running_ == 0) queue_.Close();
  }

  std::vector<std::unique_ptr<ChunkSource>> inputs_;
  BoundedQueue<Result<ChunkPtr>> queue_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  size_t running_;
  bool started_ = false;
};

// One run of a split's upstream, dealing each chunk's matched and unmatched parts to two queues.
class SplitRouter {
 public:
  SplitRouter(std::unique_ptr<ChunkSource> upstream, StructuredFilter filter, size_t capacity)
      : upstream_(std::move(upstream)), filter_(std::move(filter)), matched_(capacity), unmatched_(capacity) {}
  ~SplitRouter() {
    matched_.Close(true);
    unmatched_.Close(true);
    upstream_->Cancel();
    if (thread_.joinable()) thread_.join();
  }
  BoundedQueue<Result<ChunkPtr>>& side(bool matched) {
    std::call_once(started_, [this] { thread_ = std::thread([this] { Route(); }); });
    return matched ? matched_ : unmatched_;
  }
  // That side's consumer is gone: the router skips it from now on, and stops when both are.
  void Abandon(bool matched) {
    (matched ? matched_ : unmatched_).Close(/*discard=*/true);
    if (matched_.closed() && unmatched_.closed()) upstream_->Cancel();
  }

 private:
  void Route() {
    bool live_m = true, live_u = true;
    for (;;) {
      live_m = live_m && !matched_.closed();
      live_u = live_u && !unmatched_.closed();
      if (!live_m && !live_u) break;
      auto chunk = upstream_->Next();
      if (!chunk.ok()) {
        if (live_m) matched_.Push(chunk.status());
        if (live_u) unmatched_.Push(chunk.status());
        break;
      }
      if (!*chunk) break;
      auto m = filter_.Keep(*chunk);
      auto u = filter_.Remove(*chunk);
      if (live_m && (!m.ok() || *m)) live_m = matched_.Push(m.ok() ? Result<ChunkPtr>(*m) : Result<ChunkPtr>(m.status()));
      if (live_u && (!u.ok() || *u)) live_u = unmatched_.Push(u.ok() ? Result<ChunkPtr>(*u) : Result<ChunkPtr>(u.status()));
      if (!live_m && !live_u) break;
    }
    matched_.Close();
    unmatched_.Close();
  }

  std::unique_ptr<ChunkSource> upstream_;
  StructuredFilter filter_;
  BoundedQueue<Result<ChunkPtr>> matched_, unmatched_;
  std::once_flag started_;
  std::thread thread_;
};

class SplitSide : public ChunkSource {
 public:
  SplitSide(std::shared_ptr<SplitRouter> router, bool matched) : router_(std::move(router)), matched_(matched) {}
  ~SplitSide() override { router_->Abandon(matched_); }
  void Cancel() override { router_->Abandon(matched_); }
  Result<ChunkPtr> Next() override {
    auto item = router_->side(matched_).Pop();
    if (!item) return nullptr;
    return std::move(*item);
  }

 private:
  std::shared_ptr<SplitRouter> router_;
  bool matched_;
};

class Compiler {
 public:
  explicit Compiler(RunOptions options) : options_(std::move(options)) {
    if (options_.workers <= 0) options_.workers = std::max(1, arrow::internal::GetCpuThreadPool()->GetCapacity());
    options_.warn = OrStderr(std::move(options_.warn));
  }

  void Scan(const PipelinePtr& p) {
    switch (p->kind) {
      case Pipeline::Kind::kSource: break;
      case Pipeline::Kind::kMerge:
        for (const auto& in : p->inputs) Scan(in);
        break;
      case Pipeline::Kind::kSplitSide: {
        auto& use = usage_[p->split->id];
        bool first = !use.first && !use.second;
        (p->matched_side ? use.first : use.second) = true;
        if (first) Scan(p->split->upstream);
        break;
      }
    }
  }

  Result<std::unique_ptr<ChunkSource>> Build(const PipelinePtr& p) {
    std::unique_ptr<ChunkSource> source;
    size_t first_step = 0;
    switch (p->kind) {
      case Pipeline::Kind::kSource: {
        // Fuse the leading filters and offer them to the source.
        std::optional<StructuredFilter> fused;
        while (first_step < p->steps.size() && p->steps[first_step].kind == Step::Kind::kFilter) {
          const auto& f = p->steps[first_step].filter;
          if (!fused) {
            fused = f;
          } else if (auto both = StructuredFilter::Fuse(*fused, f)) {
            fused = std::move(both);
          } else {
            break;
          }
          ++first_step;
        }
        ARROW_ASSIGN_OR_RAISE(source, p->source->Open(fused));
        break;
      }
      case Pipeline::Kind::kMerge: {
        std::vector<std::unique_ptr<ChunkSource>> inputs;
        for (const auto& in : p->inputs) {
          ARROW_ASSIGN_OR_RAISE(auto s, Build(in));
          inputs.push_back(std::move(s));
        }
        source = std::make_unique<MergeSource>(std::move(inputs), options_.queue_capacity);
        break;
      }
      case Pipeline::Kind::kSplitSide: {
        const auto& use = usage_[p->split->id];
        if (use.first && use.second) {
          auto& router = routers_[p->split->id];
          if (!router) {
            ARROW_ASSIGN_OR_RAISE(auto upstream, Build(p->split->upstream));
            router = std::make_shared<SplitRouter>(std::move(upstream), p->split->filter, options_.queue_capacity);
          }
          source = std::make_unique<SplitSide>(router, p->matched_side);
        } else {
          options_.warn(
              "Only one branch of a split is connected to the pipeline. The split has been optimized into a "
              "filter/drop operation.");
          auto side = Pipeline::Then(p->split->upstream, Step{p->matched_side ? Step::Kind::kFilter : Step::Kind::kDrop,
                                                              p->split->filter, nullptr});
          ARROW_ASSIGN_OR_RAISE(source, Build(side));
        }
        break;
      }
    }
    const bool deferred = p->kind == Pipeline::Kind::kSource && p->source->defers_work();
    return WithSteps(std::move(source), p->steps, first_step, deferred);
  }

 private:
  // The steps from `i` on: runs of C++ steps on the pool (when there is work worth moving
  // there: a source's reading and decoding, or a heavy step), filters in line, Python ones in
  // order on the pulling thread.
  Result<std::unique_ptr<ChunkSource>> WithSteps(std::unique_ptr<ChunkSource> source, const std::vector<Step>& steps,
                                                 size_t i, bool deferred) {
    const size_t in_flight = 2 * static_cast<size_t>(options_.workers);
    bool pooled = false;  // the source's deferred work has been given to the pool
    while (i < steps.size() || (deferred && !pooled)) {
      std::vector<Step> run;
      const bool parallel = i >= steps.size() || IsParallel(steps[i]);
      while (i < steps.size() && IsParallel(steps[i]) == parallel) run.push_back(steps[i++]);
      const bool heavy = std::any_of(run.begin(), run.end(), [](const Step& s) { return s.kind == Step::Kind::kTransform; });
      if (parallel && (heavy || (deferred && !pooled))) {
        source = std::make_unique<ParallelSteps>(std::move(source), std::move(run), in_flight);
        pooled = true;
        continue;
      }
      if (!parallel && deferred && !pooled) {  // read and decode on the pool even so
        source = std::make_unique<ParallelSteps>(std::move(source), std::vector<Step>{}, in_flight);
        pooled = true;
      }
      source = std::make_unique<SequentialSteps>(std::move(source), std::move(run));
    }
    return source;
  }

  static bool IsParallel(const Step& step) { return step.kind != Step::Kind::kTransform || step.transform->parallel(); }

  RunOptions options_;
  std::map<uint64_t, std::pair<bool, bool>> usage_;  // split id -> (matched used, unmatched used)
  std::map<uint64_t, std::shared_ptr<SplitRouter>> routers_;
};

}  // namespace

Result<std::unique_ptr<ChunkSource>> Compile(const PipelinePtr& pipeline, RunOptions options) {
  Compiler compiler(std::move(options));
  compiler.Scan(pipeline);
  return compiler.Build(pipeline);
}

Status Drain(const PipelinePtr& pipeline, const std::function<Status(std::shared_ptr<Chunk>)>& sink,
             RunOptions options) {
  ARROW_ASSIGN_OR_RAISE(auto source, Compile(pipeline, std::move(options)));
  for (;;) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, source->Next());
    if (!chunk) return Status::OK();
    ARROW_RETURN_NOT_OK(sink(std::move(chunk)));
  }
}

}  // namespace chunkhouse::transform
