#include "chunkhouse/client/recording_stream.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chunkhouse/client/grpc_sink.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/base/warn.h"

namespace chunkhouse::client {

namespace {

// An .rrd file written as messages arrive (not atomically: what was flushed can be read), its
// footer written when closed.
class FileSink : public Sink {
 public:
  static Result<std::unique_ptr<FileSink>> Open(const std::string& path, bool write_footer) {
    // Rerun's wording for a file that cannot be created; the writer then truncates it again.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      int err = errno;
      return MakeError(ErrorKind::kInvalidArgument,
                       fmt::format("Failed to create file: {} (os error {}), path: {}", std::strerror(err), err, path),
                       err);
    }
    ::close(fd);
    rrd::WriterOptions options;
    options.write_footer = write_footer;
    options.atomic = false;
    ARROW_ASSIGN_OR_RAISE(auto writer, rrd::RrdWriter::Open(path, options));
    return std::unique_ptr<FileSink>(new FileSink(std::move(writer)));
  }

  Status Send(RecordingMessage msg) override {
    if (!writer_) return Status::Invalid("the file sink is closed");
    if (msg.store_info) {
      store_ = msg.store_info->id;
      return writer_->WriteStoreInfo(*msg.store_info);
    }
    return writer_->WriteChunk(store_, *msg.chunk);
  }
  Status Flush(std::optional<std::chrono::milliseconds>) override { return writer_ ? writer_->Flush() : Status::OK(); }
  Status Close() override {
    if (!writer_) return Status::OK();
    auto writer = std::move(writer_);
    return writer->Close();
  }
  bool file_like() const override { return true; }

 private:
  explicit FileSink(std::unique_ptr<rrd::RrdWriter> writer) : writer_(std::move(writer)) {}
  std::unique_ptr<rrd::RrdWriter> writer_;
  StoreId store_;  // from the SetStoreInfo every sink receives first
};

// The static /__properties chunk Rerun sends for a new recording: RecordingInfo:start_time.
Result<std::shared_ptr<Chunk>> PropertiesChunk() {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto values = std::make_shared<arrow::Int64Builder>();
  arrow::ListBuilder list(arrow::default_memory_pool(), values);
  ARROW_RETURN_NOT_OK(list.Append());
  ARROW_RETURN_NOT_OK(values->Append(now_ns));
  ARROW_ASSIGN_OR_RAISE(auto array, list.Finish());
  return ChunkBuilder("/__properties")
      .AddComponent(ComponentDescriptor{"rerun.archetypes.RecordingInfo", "RecordingInfo:start_time",
                                        "rerun.components.Timestamp"},
                    array)
      .Build();
}

}  // namespace

RecordingStream::RecordingStream(RecordingOptions options)
    : options_(std::move(options)),
      store_{StoreKind::kRecording, options_.application_id, options_.recording_id},
      sink_(std::make_unique<BufferedSink>()) {}

Result<std::shared_ptr<RecordingStream>> RecordingStream::Create(RecordingOptions options) {
  if (options.application_id.empty()) return InvalidArgument("Application ID must not be empty");
  if (options.recording_id.empty()) return InvalidArgument("Recording ID must not be empty");
  const bool properties = options.send_properties;
  std::shared_ptr<RecordingStream> rec(new RecordingStream(std::move(options)));
  ARROW_RETURN_NOT_OK(rec->sink_->Send({rec->FreshStoreInfo(), nullptr}));
  if (properties) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, PropertiesChunk());
    ARROW_RETURN_NOT_OK(rec->sink_->Send({std::nullopt, std::move(chunk)}));
  }
  return rec;
}

RecordingStream::~RecordingStream() {
  std::lock_guard lock(mu_);
  if (auto st = sink_->Close(); !st.ok()) Warn(fmt::format("Failed to flush messages during shutdown: {}", st.message()));
}

rrd::StoreInfo RecordingStream::FreshStoreInfo() const {
  rrd::StoreInfo info;
  info.id = store_;
  info.row_id = Tuid::New();
  info.source_kind = options_.source_kind;
  info.source_extra = options_.source_extra;
  return info;
}

void RecordingStream::Warn(const std::string& message) const {
  if (options_.warn) {
    options_.warn(message);
  } else {
    WarnToStderr(message);
  }
}

Status RecordingStream::SetSinkLocked(std::unique_ptr<Sink> sink) {
  auto old = std::move(sink_);
  sink_ = std::move(sink);
  ARROW_RETURN_NOT_OK(sink_->Send({FreshStoreInfo(), nullptr}));
  if (auto* buffered = dynamic_cast<BufferedSink*>(old.get())) {
    for (auto& msg : buffered->Take()) ARROW_RETURN_NOT_OK(sink_->Send(std::move(msg)));
  } else if (auto st = old->Close(); !st.ok()) {
    Warn(fmt::format("Failed to flush previous sink: {}", st.message()));
  }
  return Status::OK();
}

Status RecordingStream::Save(const std::string& path, bool write_footer) {
  ARROW_ASSIGN_OR_RAISE(auto sink, FileSink::Open(path, write_footer));
  std::lock_guard lock(mu_);
  return SetSinkLocked(std::move(sink));
}

Status RecordingStream::ConnectGrpc(const std::string& url) {
  auto origin = ParseProxyUrl(url);
  if (!origin.ok()) return InvalidArgument("invalid endpoint \"{}\": {}", url, origin.status().message());
  auto sink = std::make_unique<GrpcSink>(*origin, origin->ToString() + "/proxy", store_);
  std::lock_guard lock(mu_);
  return SetSinkLocked(std::move(sink));
}

Status RecordingStream::Disconnect() {
  std::lock_guard lock(mu_);
  return SetSinkLocked(std::make_unique<BufferedSink>());
}

Status RecordingStream::Flush(std::optional<std::chrono::milliseconds> timeout) {
  std::lock_guard lock(mu_);
  return sink_->Flush(timeout);
}

Status RecordingStream::FinalizeFileSink() {
  std::lock_guard lock(mu_);
  if (!sink_->file_like()) return Status::OK();
  return SetSinkLocked(std::make_unique<BufferedSink>());
}

Status RecordingStream::SendChunk(std::shared_ptr<const Chunk> chunk) {
  std::lock_guard lock(mu_);
  if (chunk->components().empty()) {
    if (warned_empty_.insert(chunk->entity_path()).second) {
      Warn(fmt::format("Dropping chunk without components. Entity path: {}", chunk->entity_path()));
    }
    return Status::OK();
  }
  return sink_->Send({std::nullopt, std::move(chunk)});
}

Status RecordingStream::SendPipeline(const transform::PipelinePtr& pipeline) {
  return transform::Drain(pipeline, [&](std::shared_ptr<Chunk> chunk) { return SendChunk(std::move(chunk)); });
}

}  // namespace chunkhouse::client
