#pragma once
// A minimal Rerun RecordingStream: one recording's identity and its current sink, enough to send
// pre-built chunks (rerun.experimental.send_chunks) to a file or a viewer.
//
// As Rerun's: a new recording buffers (its SetStoreInfo, and with send_properties the static
// /__properties chunk with RecordingInfo:start_time) until a sink is set. Setting a sink sends a
// fresh SetStoreInfo, then the buffered backlog; a previous file or gRPC sink is flushed and
// closed (failures are warnings). Chunks go out unchanged under the recording's store id; a
// chunk without components is dropped with a warning.
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "chunkhouse/client/sink.h"
#include "chunkhouse/transform/pipeline.h"

namespace chunkhouse::client {

struct RecordingOptions {
  std::string application_id;
  std::string recording_id;
  bool send_properties = true;
  int source_kind = 2;       // StoreSourceKind: PYTHON_SDK
  std::string source_extra;  // e.g. a serialized PythonVersion
  // Where warnings go (default: standard error).
  std::function<void(const std::string&)> warn;
};

class RecordingStream {
 public:
  static Result<std::shared_ptr<RecordingStream>> Create(RecordingOptions options);
  ~RecordingStream();  // closes the sink: flushed, footer written / stream ended

  const StoreId& store() const { return store_; }

  // A file sink writing to `path` as messages arrive (footer when closed). Fails at once when
  // the file cannot be created ("Failed to create file: <os error>, path: <path>").
  Status Save(const std::string& path, bool write_footer = true);
  // A gRPC sink to a message proxy URL (ParseProxyUrl; an error `invalid endpoint "<url>": ...`).
  // Does not wait for the connection.
  Status ConnectGrpc(const std::string& url);
  // Back to buffering (the previous sink is flushed and closed).
  Status Disconnect();
  Status Flush(std::optional<std::chrono::milliseconds> timeout);
  // Closes a file sink (its footer written) and buffers again; other sinks stay.
  Status FinalizeFileSink();

  Status SendChunk(std::shared_ptr<const Chunk> chunk);
  // Runs the pipeline and sends each chunk as it comes out.
  Status SendPipeline(const transform::PipelinePtr& pipeline);

 private:
  explicit RecordingStream(RecordingOptions options);
  rrd::StoreInfo FreshStoreInfo() const;
  Status SetSinkLocked(std::unique_ptr<Sink> sink);
  void Warn(const std::string& message) const;

  RecordingOptions options_;
  StoreId store_;
  std::mutex mu_;
  std::unique_ptr<Sink> sink_;
  std::set<std::string> warned_empty_;  // entity paths warned about (once each, as Rerun)
};

}  // namespace chunkhouse::client
