#include "chunkhouse/mcap/ros2_semantic.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <mutex>

#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/ros2_semantic_types.h"

namespace chunkhouse::mcap {
namespace {

class Semantic : public MessageParser {
 public:
  Semantic(const SemanticType& type, std::unique_ptr<cdr::Decoder> decoder, std::string topic)
      : type_(type), decoder_(std::move(decoder)), topic_(std::move(topic)) {}

  Status Reserve(int64_t messages) override { return decoder_->Reserve(messages); }
  Status Append(const Message& m, RowTimes* times) override {
    std::optional<int64_t> stamp;
    ARROW_RETURN_NOT_OK(decoder_->Append(m.data.data(), static_cast<size_t>(m.data.size()), &stamp));
    // Rerun casts the signed stamp to unsigned and saturates: a stamp before 1970 lands at the end of time.
    if (stamp && *stamp < 0) stamp = std::numeric_limits<int64_t>::max();
    times->Add(m, type_.has_header ? stamp : std::nullopt);
    return Status::OK();
  }
  Result<std::vector<ParsedChunk>> Finish(RowTimes* times) override {
    ARROW_ASSIGN_OR_RAISE(auto rows, decoder_->Finish());
    return type_.finish(static_cast<const arrow::StructArray&>(*rows), FinishContext{times, topic_});
  }

 private:
  const SemanticType& type_;
  std::unique_ptr<cdr::Decoder> decoder_;
  std::string topic_;
};

const std::map<std::string, const SemanticType*>& Registry() {
  static const auto* registry = [] {
    auto* m = new std::map<std::string, const SemanticType*>();
    for (const SemanticType& t : SemanticTypes()) (*m)[t.name] = &t;
    return m;
  }();
  return *registry;
}

}  // namespace

const std::vector<std::string>& Ros2SemanticTypes() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (const auto& [name, type] : Registry()) v->push_back(name);
    return v;
  }();
  return *names;
}

bool Ros2SemanticSupports(const std::string& schema_name) { return Registry().count(schema_name) > 0; }

Result<std::unique_ptr<MessageParser>> Ros2SemanticParser(const std::string& schema_name, const std::string& topic) {
  auto it = Registry().find(schema_name);
  if (it == Registry().end()) return InvalidArgument("Message schema \"{}\" is currently not supported", schema_name);
  // The built-in definitions parse once; a failure is a bug here, not in the file.
  static std::mutex mu;
  static std::map<std::string, ros2::MessageSchema> parsed;
  const ros2::MessageSchema* schema = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto p = parsed.find(schema_name);
    if (p == parsed.end()) {
      auto s = ros2::ParseSchema(schema_name, it->second->definition);
      if (!s.ok()) return Internal("built-in definition of {}: {}", schema_name, s.status().message());
      p = parsed.emplace(schema_name, std::move(*s)).first;
    }
    schema = &p->second;
  }
  ARROW_ASSIGN_OR_RAISE(auto decoder, cdr::Decoder::Make(*schema, it->second->unused));
  return std::make_unique<Semantic>(*it->second, std::move(decoder), topic);
}

}  // namespace chunkhouse::mcap
