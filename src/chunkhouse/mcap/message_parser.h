#pragma once
// A message decoder's work on one channel within one MCAP chunk, as Rerun's message parsers do
// it: messages are appended one at a time (one that fails adds nothing, not even its times),
// then the parser yields its columns, each group becoming one chunk. The importer (importer.h)
// owns the walk over chunks and channels, the times and the chunk building.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/mcap/columns.h"
#include "chunkhouse/mcap/reader.h"
#include "chunkhouse/mcap/ros2_msg.h"

namespace chunkhouse::mcap {

// The times of the rows appended so far (raw nanoseconds; the importer applies the offset and
// the timeline type). `ros2` holds one value per row once any row has a stamp.
struct RowTimes {
  std::vector<int64_t> log, publish;
  std::vector<int64_t> ros2;
  void Add(const Message& m, std::optional<int64_t> stamp = std::nullopt) {
    log.push_back(Saturate(m.log_time));
    publish.push_back(Saturate(m.publish_time));
    if (stamp) ros2.push_back(*stamp);
  }
  size_t rows() const { return log.size(); }
};

// One chunk's worth of a parser's output: on the channel's entity path plus `suffix`
// ("/position" for JointState's positions), temporal (with the rows' times) or static.
struct ParsedChunk {
  std::string suffix;
  bool is_static = false;
  Components components;
  // Temporal chunks: the rows of the times it takes (all of them when empty; PointCloud2's
  // per-cloud position chunks take one).
  std::vector<int64_t> time_rows;
};

class MessageParser {
 public:
  virtual ~MessageParser() = default;
  // A hint: this many messages are coming.
  virtual Status Reserve(int64_t messages) { return Status::OK(); }
  virtual Status Append(const Message& m, RowTimes* times) = 0;
  // The columns. A parser whose rows are not one per message (TFMessage: one per transform)
  // rewrites `times` to match. An error loses the whole group (Rerun logs it and goes on).
  virtual Result<std::vector<ParsedChunk>> Finish(RowTimes* times) = 0;
};

// `raw`: each message's bytes, verbatim, as a blob.
std::unique_ptr<MessageParser> RawParser();
// `ros2_reflection`: each message decoded by its own definition into a struct
// (`<pkg>.msg.<Type>:message`), with `ros2_timestamp` from header.stamp or stamp. Errors if the
// definition cannot be reflected (a type that does not resolve, nesting without end).
Result<std::unique_ptr<MessageParser>> ReflectionParser(const std::string& schema_name,
                                                        const ros2::MessageSchema& schema);

}  // namespace chunkhouse::mcap
