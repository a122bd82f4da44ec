// The generic message parsers: raw bytes and ROS 2 reflection.
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>

#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/message_parser.h"

namespace chunkhouse::mcap {
namespace {

class Raw : public MessageParser {
 public:
  Status Append(const Message& m, RowTimes* times) override {
    ARROW_RETURN_NOT_OK(outer_.Append());
    ARROW_RETURN_NOT_OK(AppendBlob(*blobs_, m.data.data(), m.data.size()));
    times->Add(m);
    return Status::OK();
  }
  Result<std::vector<ParsedChunk>> Finish(RowTimes*) override {
    ARROW_ASSIGN_OR_RAISE(auto blobs, outer_.Finish());
    std::vector<ParsedChunk> out(1);
    out[0].components.emplace_back(D("rerun.archetypes.McapMessage", "McapMessage:data", "rerun.components.Blob"), blobs);
    return out;
  }

 private:
  std::shared_ptr<arrow::ListBuilder> blobs_ = BlobBuilder();
  arrow::ListBuilder outer_{arrow::default_memory_pool(), blobs_, arrow::list(arrow::field("item", BlobType(), true))};
};

class Reflection : public MessageParser {
 public:
  Reflection(std::string name, std::unique_ptr<cdr::Decoder> decoder) : name_(std::move(name)), decoder_(std::move(decoder)) {}

  Status Reserve(int64_t messages) override { return decoder_->Reserve(messages); }
  Status Append(const Message& m, RowTimes* times) override {
    std::optional<int64_t> stamp;
    ARROW_RETURN_NOT_OK(decoder_->Append(m.data.data(), static_cast<size_t>(m.data.size()), &stamp));
    if (stamp && *stamp < 0) stamp.reset();  // Rerun's reflection leaves a negative stamp out
    times->Add(m, stamp);
    return Status::OK();
  }
  Result<std::vector<ParsedChunk>> Finish(RowTimes*) override {
    ARROW_ASSIGN_OR_RAISE(auto values, decoder_->Finish());
    ARROW_ASSIGN_OR_RAISE(auto list, OnePerRow(values));  // one message per row
    std::string archetype = name_;
    std::replace(archetype.begin(), archetype.end(), '/', '.');
    std::vector<ParsedChunk> out(1);
    out[0].components.emplace_back(D(archetype, archetype + ":message", ""), std::move(list));
    return out;
  }

 private:
  std::string name_;
  std::unique_ptr<cdr::Decoder> decoder_;
};

}  // namespace

std::unique_ptr<MessageParser> RawParser() { return std::make_unique<Raw>(); }

Result<std::unique_ptr<MessageParser>> ReflectionParser(const std::string& schema_name, const ros2::MessageSchema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, cdr::Decoder::Make(schema));
  return std::make_unique<Reflection>(schema_name, std::move(decoder));
}

}  // namespace chunkhouse::mcap
