#pragma once
// A small built-in recording (points moving on a helix, a sine plot, log lines, a static
// scene description) used by `chunkhouse sample` and tests.
#include <memory>
#include <vector>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

// `frames` frames on the "frame" sequence timeline and "sim_time" duration timeline.
Result<std::vector<std::shared_ptr<Chunk>>> MakeSampleRecording(int frames = 100);

}  // namespace chunkhouse
