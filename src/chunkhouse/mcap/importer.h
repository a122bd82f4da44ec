#pragma once
// An MCAP file as chunks, as rerun-sdk 0.36.2's McapReader makes them (notes/mcap.md): the
// file-level decoders first (attachments, metadata, recording_info, schema, stats), then the
// message decoders, each walking the chunks the summary lists. Implemented: the file-level ones
// and `raw`. A channel that Rerun would hand to a decoder not implemented yet (ros2msg,
// ros2_reflection, protobuf, urdf) is refused when the importer opens, naming the channel, so
// that nothing silently comes out different from Rerun's.
#include <deque>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/mcap/reader.h"

namespace chunkhouse::mcap {

struct ImportOptions {
  std::string timeline_type = "timestamp";  // or "duration"
  std::optional<int64_t> timestamp_offset_ns;
  std::optional<std::vector<std::string>> decoders;  // nullopt: all of them
  std::vector<std::string> include_topic_regex, exclude_topic_regex;
  std::optional<uint64_t> start_time_ns, end_time_ns;  // [start, end) on the raw log_time
};

// Every decoder name Rerun knows, sorted (McapReader.available_decoders()).
const std::vector<std::string>& AvailableDecoders();
// The decoders implemented here.
bool Implemented(const std::string& decoder);

// The options checked as Rerun checks them (its texts; InvalidArgument).
Status CheckOptions(const ImportOptions& options);

class McapImporter {
 public:
  // Reads the summary and plans which decoder takes which channel. Errors: the summary's
  // ("Failed to read MCAP summary: ..."), and Unimplemented for a channel a missing decoder
  // would take.
  static Result<std::unique_ptr<McapImporter>> Open(const std::string& path, const ImportOptions& options);
  static Result<std::unique_ptr<McapImporter>> Open(std::shared_ptr<io::ReadSource> source, const ImportOptions& options);
  // The next chunk; null at the end.
  Result<std::shared_ptr<Chunk>> Next();
  // [min, max] of the messages' log_time (Statistics, else the chunk indexes).
  static Result<std::pair<uint64_t, uint64_t>> TimeBounds(const std::string& path);

 private:
  McapImporter() = default;
  Status FileLevel();
  Status RawChunk(const ChunkIndex& index);

  std::unique_ptr<Reader> reader_;
  ImportOptions options_;
  Summary summary_;
  std::set<uint16_t> raw_channels_;
  size_t next_chunk_ = 0;
  bool raw_ = false;
  std::deque<std::shared_ptr<Chunk>> pending_;
};

}  // namespace chunkhouse::mcap
