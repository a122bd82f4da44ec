#include "chunkhouse/rrd/writer.h"

#include <arrow/io/file.h>

#include <cstdio>

#include "chunkhouse/rrd/proto/log_msg.pb.h"

namespace chunkhouse::rrd {

namespace pb = rerun::log_msg::v1alpha1;

RrdWriter::RrdWriter(std::string path, WriterOptions options)
    : path_(std::move(path)), tmp_path_(options.atomic ? path_ + ".tmp" : path_), options_(options) {}

RrdWriter::~RrdWriter() {
  if (!closed_ && out_) {
    (void)out_->Close();
    if (options_.atomic) std::remove(tmp_path_.c_str());
  }
}

Result<std::unique_ptr<RrdWriter>> RrdWriter::Open(const std::string& path, WriterOptions options) {
  std::unique_ptr<RrdWriter> w(new RrdWriter(path, options));
  auto out = arrow::io::FileOutputStream::Open(w->tmp_path_);
  if (!out.ok()) return Status::IOError(fmt::format("{}: cannot create: {}", w->tmp_path_, out.status().message()));
  w->out_ = *out;
  StreamHeader header{kWriterVersion, options.compress};
  auto bytes = header.Encode();
  ARROW_RETURN_NOT_OK(w->out_->Write(bytes.data(), bytes.size()));
  w->pos_ = bytes.size();
  return w;
}

Status RrdWriter::WriteFrame(MessageKind kind, const std::string& payload) {
  if (closed_) return Status::Invalid(fmt::format("{}: writer already closed", path_));
  MessageHeader header{static_cast<uint64_t>(kind), payload.size()};
  auto bytes = header.Encode();
  ARROW_RETURN_NOT_OK(out_->Write(bytes.data(), bytes.size()));
  ARROW_RETURN_NOT_OK(out_->Write(payload.data(), static_cast<int64_t>(payload.size())));
  pos_ += bytes.size() + payload.size();
  return Status::OK();
}

Status RrdWriter::WriteStoreInfo(const StoreId& store) {
  StoreInfo info;
  info.id = store;
  info.row_id = Tuid::New();
  info.source_kind = pb::STORE_SOURCE_KIND_OTHER;
  return WriteStoreInfo(info);
}

Status RrdWriter::WriteStoreInfo(const StoreInfo& info) {
  return WriteFrame(MessageKind::kSetStoreInfo, EncodeSetStoreInfo(info));
}

Status RrdWriter::Flush() {
  if (closed_) return Status::OK();
  return out_->Flush();
}

Status RrdWriter::WriteChunk(const StoreId& store, const Chunk& chunk) {
  if (store.application_id.empty()) return Status::Invalid("store id needs a non-empty application id");
  ARROW_ASSIGN_OR_RAISE(auto msg, EncodeArrowMsg(store, chunk, options_.compress));
  const uint64_t payload_offset = pos_ + kMessageHeaderSize;
  ARROW_RETURN_NOT_OK(WriteFrame(MessageKind::kArrowMsg, msg.bytes));
  auto [it, inserted] = manifests_.try_emplace(store, store);
  if (inserted) manifest_order_.push_back(store);
  it->second.Add(chunk, payload_offset, msg.bytes.size(), msg.uncompressed_size);
  return Status::OK();
}

Status RrdWriter::WriteBlueprintActivation(const BlueprintActivation& cmd) {
  return WriteFrame(MessageKind::kBlueprintActivation, EncodeBlueprintActivation(cmd));
}

Status RrdWriter::Close() {
  if (closed_) return Status::OK();
  if (options_.write_footer) {
    pb::RrdFooter footer;
    for (const auto& store : manifest_order_) {
      ARROW_ASSIGN_OR_RAISE(auto bytes, manifests_.at(store).Finish());
      if (!footer.add_manifests()->ParseFromString(bytes)) return Status::UnknownError("manifest re-parse failed");
    }
    std::string payload = footer.SerializeAsString();
    ARROW_RETURN_NOT_OK(WriteFrame(MessageKind::kEnd, payload));
    StreamFooter sf{pos_ - payload.size(), payload.size(),
                    FooterCrc(reinterpret_cast<const uint8_t*>(payload.data()), payload.size())};
    auto bytes = sf.Encode();
    ARROW_RETURN_NOT_OK(out_->Write(bytes.data(), bytes.size()));
    pos_ += bytes.size();
  }
  ARROW_RETURN_NOT_OK(out_->Close());
  if (options_.atomic && std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return Status::IOError(fmt::format("{}: cannot move {} into place", path_, tmp_path_));
  }
  closed_ = true;
  return Status::OK();
}

}  // namespace chunkhouse::rrd
