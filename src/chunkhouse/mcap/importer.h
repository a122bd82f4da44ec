#pragma once
// An MCAP file as chunks, as rerun-sdk 0.36.2's McapReader makes them (notes/mcap.md): the
// file-level decoders first (attachments, metadata, recording_info, schema, stats), then the
// message decoders (protobuf, raw, ros2_reflection, ros2msg) over the chunks the summary lists,
// with a parser per channel (message_parser.h), then the `urdf` decoder's robot descriptions
// (urdf/robot.h). The lenses Rerun applies
// afterwards (ROS 2 and Foxglove types into archetypes) are transform/'s (mcap_source.h).
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/base/warn.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/io/allowed.h"
#include "chunkhouse/mcap/message_parser.h"
#include "chunkhouse/mcap/protobuf_parser.h"
#include "chunkhouse/mcap/reader.h"
#include "chunkhouse/mcap/ros2_msg.h"

namespace chunkhouse::mcap {

struct ImportOptions {
  std::string timeline_type = "timestamp";  // or "duration"
  std::optional<int64_t> timestamp_offset_ns;
  std::optional<std::vector<std::string>> decoders;  // nullopt: all of them
  std::vector<std::string> include_topic_regex, exclude_topic_regex;
  std::optional<uint64_t> start_time_ns, end_time_ns;  // [start, end) on the raw log_time
  bool recover = false;  // without a readable summary, rebuild one from the data section (recover.h)
  // Where what Rerun logs as warnings goes (each once): messages that fail to decode, meshes that
  // cannot be loaded, ... Standard error when empty.
  Warn warn;
  // When set, the `urdf` decoder reads meshes only from inside these directories (urdf/robot.h).
  std::optional<io::AllowedRoots> mesh_roots;
};

// Every decoder name Rerun knows, sorted (McapReader.available_decoders()).
const std::vector<std::string>& AvailableDecoders();
// Whether the options select that decoder (all are selected when none are named).
bool Selects(const ImportOptions& options, std::string_view decoder);

// The options checked as Rerun checks them (its texts; InvalidArgument).
Status CheckOptions(const ImportOptions& options);

class McapImporter {
 public:
  // Reads the summary and plans which decoder takes which channel. Errors: the summary's
  // ("Failed to read MCAP summary: ...").
  static Result<std::unique_ptr<McapImporter>> Open(const std::string& path, const ImportOptions& options);
  static Result<std::unique_ptr<McapImporter>> Open(std::shared_ptr<io::ReadSource> source, const ImportOptions& options);
  // The next chunk; null at the end.
  Result<std::shared_ptr<Chunk>> Next();
  // What Rerun would log as warnings so far (each once): messages that failed to decode,
  // channels whose definition cannot be reflected, meshes that could not be loaded. Each is also
  // handed to ImportOptions::warn when it first happens.
  std::vector<std::string> warnings() const;
  // [min, max] of the messages' log_time (Statistics, else the chunk indexes; with `recover` and
  // no readable summary, the time ranges of the chunks a recovery would keep).
  static Result<std::pair<uint64_t, uint64_t>> TimeBounds(const std::string& path, bool recover = false);
  // Whether the summary was rebuilt from the data section (McapInfo.summary_source).
  bool reconstructed() const { return reconstructed_; }
  const Summary& summary() const { return summary_; }
  const Header& header() const { return reader_->header(); }

 private:
  McapImporter() = default;
  Status FileLevel();
  // The message decoders, in the order Rerun runs them (alphabetical).
  // Rerun runs each over the whole file in turn; here each MCAP chunk is read once and handed to
  // every decoder in that order, so the chunks come in file order (the same chunks; notes/mcap.md §2).
  enum { kProtobuf, kRaw, kReflection, kRos2Msg, kRunners };
  struct Runner {
    std::set<uint16_t> channels;  // the channels this decoder claimed
  };
  bool Wanted(int runner, const ChunkIndex& index) const;
  Result<std::vector<std::shared_ptr<Chunk>>> DecodeMessages(int runner, const std::vector<Message>& messages) const;
  Result<std::unique_ptr<MessageParser>> ParserFor(int runner, uint16_t channel) const;
  void Warn(const std::string& message) const;
  Status RobotDescriptions();
  static constexpr size_t kInFlight = 2;  // MCAP chunks decoding at once

  std::unique_ptr<Reader> reader_;
  ImportOptions options_;
  Summary summary_;
  Runner runners_[kRunners];
  std::map<uint16_t, ros2::MessageSchema> reflected_;  // by channel
  std::map<uint16_t, std::pair<std::shared_ptr<const ProtobufSchema>, const google::protobuf::Descriptor*>> protobuf_;
  bool reconstructed_ = false;
  Status deferred_;  // an error Rerun raises at the first chunk (a definition that does not parse)
  size_t next_chunk_ = 0;
  std::set<uint16_t> robot_channels_;  // the robot descriptions the `urdf` decoder reads
  bool robots_done_ = false;
  mutable std::mutex warn_mu_;
  mutable std::set<std::string> warned_;
  mutable std::vector<std::string> warnings_;
  std::deque<std::shared_ptr<Chunk>> pending_;
  // Declared last: destroyed first, so no decoding outlives what it reads.
  std::deque<std::future<Result<std::vector<std::shared_ptr<Chunk>>>>> inflight_;
};

}  // namespace chunkhouse::mcap
