#pragma once
// The gRPC sink of a recording: one WriteMessages stream to a Rerun message proxy (a viewer,
// `rerun --serve-grpc`, `rerun --save`), fed by one background thread from a bounded queue.
// Messages are encoded on that thread (ArrowMsg: LZ4 IPC stream, the chunk's id, an explicit
// is_static) and wrapped in LogMsg. The connection is retried every 100 ms; after 5 s without
// one, flushes fail ("gRPC has been unable to connect for Ns, uri: ...") and new messages are
// dropped instead of waiting. Close half-closes the stream and waits for the server's answer.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "chunkhouse/client/sink.h"
#include "chunkhouse/client/viewer_url.h"

namespace chunkhouse::client {

class GrpcSink : public Sink {
 public:
  static constexpr size_t kQueueCapacity = 100;
  static constexpr std::chrono::seconds kConnectTimeout{5};

  GrpcSink(const ViewerOrigin& origin, std::string uri, StoreId store);
  ~GrpcSink() override;

  Status Send(RecordingMessage msg) override;
  Status Flush(std::optional<std::chrono::milliseconds> timeout) override;
  Status Close() override;

 private:
  struct Stream;
  void Run();
  // Under mu_: an error when messages cannot get out (no connection for too long, stream broken).
  Status FailureLocked() const;

  const std::string uri_;
  const StoreId store_;
  std::unique_ptr<Stream> stream_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordingMessage> queue_;
  uint64_t enqueued_ = 0, done_ = 0;  // messages queued, and written or dropped
  bool connected_ = false, closing_ = false, closed_ = false;
  std::chrono::steady_clock::time_point connecting_since_;
  Status broken_;  // the stream failed
  uint64_t dropped_ = 0;
};

}  // namespace chunkhouse::client
