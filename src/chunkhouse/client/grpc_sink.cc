#include "chunkhouse/client/grpc_sink.h"

#include <grpcpp/grpcpp.h>

#include "chunkhouse/client/proto/sdk_comms.grpc.pb.h"
#include "chunkhouse/client/proxy_client.h"

namespace chunkhouse::client {

namespace pb = rerun::sdk_comms::v1alpha1;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kRetry{100};

Result<pb::WriteMessagesRequest> Encode(const StoreId& store, const RecordingMessage& msg) {
  pb::WriteMessagesRequest req;
  if (msg.store_info) {
    rrd::FillSetStoreInfo(*msg.store_info, req.mutable_log_msg()->mutable_set_store_info());
  } else {
    ARROW_RETURN_NOT_OK(rrd::FillArrowMsg(store, *msg.chunk, /*compress=*/true, req.mutable_log_msg()->mutable_arrow_msg()));
  }
  return req;
}

}  // namespace

struct GrpcSink::Stream {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::MessageProxyService::Stub> stub;
  grpc::ClientContext context;
  pb::WriteMessagesResponse response;
  std::unique_ptr<grpc::ClientWriter<pb::WriteMessagesRequest>> writer;
};

GrpcSink::GrpcSink(const ViewerOrigin& origin, std::string uri, StoreId store)
    : uri_(std::move(uri)), store_(std::move(store)), stream_(std::make_unique<Stream>()) {
  stream_->channel = ViewerChannel(origin);
  stream_->stub = pb::MessageProxyService::NewStub(stream_->channel);
  connecting_since_ = Clock::now();
  thread_ = std::thread([this] { Run(); });
}

GrpcSink::~GrpcSink() { (void)Close(); }

Status GrpcSink::FailureLocked() const {
  if (!broken_.ok()) return broken_;
  if (!connected_) {
    auto waited = Clock::now() - connecting_since_;
    if (waited > kConnectTimeout) {
      return MakeError(ErrorKind::kUnavailable,
                       fmt::format("gRPC has been unable to connect for {}s, uri: {}",
                                   std::chrono::duration_cast<std::chrono::seconds>(waited).count(), uri_));
    }
  }
  return Status::OK();
}

Status GrpcSink::Send(RecordingMessage msg) {
  std::unique_lock lock(mu_);
  while (true) {
    if (closing_) return Status::Invalid("the gRPC sink is closed");
    if (!FailureLocked().ok()) {
      ++dropped_;  // nowhere to go: dropped rather than waiting for ever
      return Status::OK();
    }
    if (queue_.size() < kQueueCapacity) break;
    cv_.wait_for(lock, kRetry);
  }
  queue_.push_back(std::move(msg));
  ++enqueued_;
  cv_.notify_all();
  return Status::OK();
}

Status GrpcSink::Flush(std::optional<std::chrono::milliseconds> timeout) {
  std::unique_lock lock(mu_);
  if (timeout && timeout->count() <= 0) return Status::OK();
  const uint64_t target = enqueued_;
  const auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
  while (done_ < target) {
    ARROW_RETURN_NOT_OK(FailureLocked());
    if (Clock::now() >= deadline) {
      return MakeError(ErrorKind::kDeadlineExceeded,
                       fmt::format("flush timed out: {} messages not yet sent to {}", target - done_, uri_));
    }
    cv_.wait_until(lock, std::min(deadline, Clock::now() + kRetry));
  }
  return FailureLocked();
}

Status GrpcSink::Close() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    cv_.notify_all();
  }
  // The owner serialises calls (RecordingStream's lock): a second Close finds nothing to join.
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  closed_ = true;
  return FailureLocked();
}

void GrpcSink::Run() {
  // Connect, retrying; give up on the messages after the connect timeout.
  while (!stream_->channel->WaitForConnected(std::chrono::system_clock::now() + kRetry)) {
    std::lock_guard lock(mu_);
    if (!FailureLocked().ok()) {
      dropped_ += queue_.size();
      done_ += queue_.size();
      queue_.clear();
      cv_.notify_all();
      if (closing_) return;
    } else if (closing_ && queue_.empty()) {
      return;
    }
  }
  stream_->writer = stream_->stub->WriteMessages(&stream_->context, &stream_->response);
  {
    std::lock_guard lock(mu_);
    connected_ = true;
    cv_.notify_all();
  }
  bool ok = true;
  while (true) {
    RecordingMessage msg;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;
      msg = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
    }
    if (ok) {
      auto req = Encode(store_, msg);
      if (!req.ok()) {
        std::lock_guard lock(mu_);
        if (broken_.ok()) broken_ = req.status();
      } else {
        ok = stream_->writer->Write(*req);
      }
    }
    std::lock_guard lock(mu_);
    if (!ok) ++dropped_;
    ++done_;
    cv_.notify_all();
    if (!ok && broken_.ok()) broken_ = MakeError(ErrorKind::kUnavailable, fmt::format("gRPC stream to {} broke", uri_));
  }
  if (ok) stream_->writer->WritesDone();
  grpc::Status st = stream_->writer->Finish();
  std::lock_guard lock(mu_);
  if (!st.ok()) {
    Status err = FromViewerRpc(st, stream_->context);
    broken_ = MakeError(ErrorKind::kUnavailable, fmt::format("gRPC stream to {} failed: {}", uri_, err.message()));
  }
  cv_.notify_all();
}

}  // namespace chunkhouse::client
