#pragma once
// The terminal that runs a pipeline into an .rrd file (LazyChunkStream.write_rrd): a recording
// with the given ids, its chunks in output order (ids kept), then the footer. The file appears
// only once complete.
#include <string>

#include "chunkhouse/transform/execute.h"

namespace chunkhouse::transform {

Status WriteRrd(const PipelinePtr& pipeline, const std::string& path, const std::string& application_id,
                const std::string& recording_id, RunOptions options = {});

}  // namespace chunkhouse::transform
