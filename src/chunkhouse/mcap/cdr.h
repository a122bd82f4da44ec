#pragma once
// CDR (the wire format of ROS 2 messages: a 4-byte encapsulation header naming the byte order,
// then each field aligned to its size relative to the payload's start) decoded straight into
// Arrow builders, by a plan compiled once from a ROS 2 message definition (ros2_msg.h): the
// reflection Rerun's `ros2_reflection` decoder gives, a struct per message with its fields in
// definition order. Each message is walked once without appending to check it whole, so a
// message that is cut short or malformed adds nothing; the walk's work is bounded by the
// message's size (a claimed sequence length is checked against the bytes left).
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/mcap/ros2_msg.h"

namespace chunkhouse::mcap::cdr {

// A compiled message definition; plans larger than kMaxPlanNodes (a definition whose nesting
// multiplies out) are refused.
inline constexpr size_t kMaxPlanNodes = 10000;  // real definitions have hundreds at most
inline constexpr int kMaxDepth = 64;  // nesting (a message that contains itself never ends)
struct Node;

class Decoder {
 public:
  // `skip`: top-level fields checked on the wire but left out of the struct (what a caller never reads).
  static Result<std::unique_ptr<Decoder>> Make(const ros2::MessageSchema& schema, const std::set<std::string>& skip = {});
  ~Decoder();

  // The struct type of one message (fields nullable; arrays are lists; enum-like messages their
  // primitive).
  const std::shared_ptr<arrow::DataType>& type() const { return type_; }

  // Decodes one message (with its encapsulation header) as one more row. On error nothing is
  // appended. `stamp` gets the message's header.stamp (or top-level stamp) in nanoseconds
  // (sec * 1e9 + nanosec, negative before 1970) when it has one.
  Status Append(const uint8_t* data, size_t size, std::optional<int64_t>* stamp);
  int64_t length() const;
  // Room for `rows` more messages, so the builders do not grow by copying (a hint).
  Status Reserve(int64_t rows);
  Result<std::shared_ptr<arrow::Array>> Finish();

 private:
  Decoder() = default;
  std::unique_ptr<Node> root_;
  std::shared_ptr<arrow::DataType> type_;
  std::unique_ptr<arrow::ArrayBuilder> builder_;
};

}  // namespace chunkhouse::mcap::cdr
