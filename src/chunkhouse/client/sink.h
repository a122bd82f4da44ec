#pragma once
// Where a recording's messages go (RecordingStream's sinks): a buffer until a real sink is set,
// an .rrd file, or a gRPC message proxy.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::client {

// What a recording sends: its store info, or one of its chunks (sent under the recording's id).
struct RecordingMessage {
  std::optional<rrd::StoreInfo> store_info;
  std::shared_ptr<const Chunk> chunk;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // May block while a bounded queue is full.
  virtual Status Send(RecordingMessage msg) = 0;
  // Waits until everything sent before has been handed on (to the OS, to the gRPC stream); an
  // error when that cannot happen. No timeout waits as long as it takes; zero does not wait.
  virtual Status Flush(std::optional<std::chrono::milliseconds> timeout) = 0;
  // Flushes and ends the sink (a file's footer, the end of the gRPC stream). Idempotent.
  virtual Status Close() = 0;
  // File-like sinks are finalised when a recording's `with` block ends.
  virtual bool file_like() const { return false; }
};

// Keeps everything until a real sink takes it over.
class BufferedSink : public Sink {
 public:
  Status Send(RecordingMessage msg) override {
    backlog_.push_back(std::move(msg));
    return Status::OK();
  }
  Status Flush(std::optional<std::chrono::milliseconds>) override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  std::vector<RecordingMessage> Take() { return std::move(backlog_); }

 private:
  std::vector<RecordingMessage> backlog_;
};

}  // namespace chunkhouse::client
