#include "chunkhouse/transform/write.h"

#include "chunkhouse/rrd/writer.h"

namespace chunkhouse::transform {

Status WriteRrd(const PipelinePtr& pipeline, const std::string& path, const std::string& application_id,
                const std::string& recording_id, RunOptions options) {
  if (application_id.empty()) return InvalidArgument("Application ID must not be empty");
  if (recording_id.empty()) return InvalidArgument("Recording ID must not be empty");
  StoreId store{StoreKind::kRecording, application_id, recording_id};
  ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(path));
  ARROW_RETURN_NOT_OK(writer->WriteStoreInfo(store));
  ARROW_RETURN_NOT_OK(Drain(
      pipeline, [&](std::shared_ptr<Chunk> chunk) { return writer->WriteChunk(store, *chunk); }, std::move(options)));
  return writer->Close();
}

}  // namespace chunkhouse::transform
