#pragma once
// _core.Stream: a chunk pipeline's description, as readers and stores hand it to Python.
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/transform/pipeline.h"

namespace chunkhouse::python {

struct PyStream {
  transform::PipelinePtr pipeline;

  static PyStream FromChunks(std::vector<std::shared_ptr<Chunk>> chunks);
  static PyStream FromRrd(const std::string& path, const StoreId& store);
  std::vector<std::shared_ptr<Chunk>> ToChunks() const;
};

}  // namespace chunkhouse::python
