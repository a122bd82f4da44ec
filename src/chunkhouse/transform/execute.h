#pragma once
// Running a pipeline: compiling its description into a pulled source. Per run:
//  - the filters right after a reader or store are fused and offered to it (an indexed source
//    then reads only what matches);
//  - runs of C++ steps (filters, lenses) and the reading and decoding before them execute on
//    worker threads, several chunks at a time, in order, with a bounded number in flight;
//  - Python steps (map, flat_map) run in order on the thread that pulls;
//  - merged inputs each run on their own thread into one bounded queue;
//  - when both sides of a split feed this run, the upstream runs once and a router thread
//    deals each chunk's parts to the two sides; when only one side does, that side becomes a
//    filter or drop over its own run of the upstream (with a warning).
// Memory is bounded by the queues (16 chunks) and the chunks in flight (2 per worker).
#include <functional>
#include <memory>
#include <string>

#include "chunkhouse/transform/pipeline.h"

namespace chunkhouse::transform {

struct RunOptions {
  int workers = 0;  // 0: one per core
  size_t queue_capacity = 16;
  // Where warnings go (default: standard error).
  std::function<void(const std::string&)> warn;
};

Result<std::unique_ptr<ChunkSource>> Compile(const PipelinePtr& pipeline, RunOptions options = {});

// Applies `steps` to one chunk: what comes out, in order.
Result<std::vector<std::shared_ptr<Chunk>>> ApplySteps(const std::shared_ptr<Chunk>& chunk,
                                                       const std::vector<Step>& steps);

// Runs the pipeline to its end, handing each chunk to `sink` (which may stop it with an error).
Status Drain(const PipelinePtr& pipeline, const std::function<Status(std::shared_ptr<Chunk>)>& sink,
             RunOptions options = {});

}  // namespace chunkhouse::transform
