// libFuzzer target: ROS 2 message definitions and CDR payloads. The input picks one of two paths:
//   byte 0 even: a `.msg` definition (2-byte little-endian length, then the text) parsed, compiled
//                and used by the reflection parser on the messages that follow;
//   byte 0 odd:  one of the ros2msg types (byte 1) fed the messages that follow;
// messages are each a 2-byte little-endian length and the payload. Errors are the expected
// outcome; a crash, hang, leak or unbounded allocation is a bug.
#include <arrow/buffer.h>

#include <string_view>

#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/message_parser.h"
#include "chunkhouse/mcap/ros2_msg.h"
#include "chunkhouse/mcap/ros2_semantic.h"

using namespace chunkhouse;

namespace {

size_t TakeLength(const uint8_t*& p, size_t& left) {
  if (left < 2) return 0;
  size_t n = p[0] | (size_t{p[1]} << 8);
  p += 2;
  left -= 2;
  return std::min(n, left);
}

void Feed(mcap::MessageParser& parser, const uint8_t* p, size_t left) {
  mcap::RowTimes times;
  uint64_t t = 0;
  while (left >= 2) {
    size_t n = TakeLength(p, left);
    mcap::Message m;
    m.channel_id = 1;
    m.log_time = m.publish_time = t++;
    m.data = mcap::ByteView{nullptr, p, static_cast<int64_t>(n)};
    (void)parser.Append(m, &times);
    p += n;
    left -= n;
  }
  (void)parser.Finish(&times);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t* p = data + 1;
  size_t left = size - 1;
  if (data[0] % 2 == 0) {
    const size_t n = TakeLength(p, left);
    std::string_view text(reinterpret_cast<const char*>(p), n);
    p += n;
    left -= n;
    auto schema = mcap::ros2::ParseSchema("fuzz_pkg/msg/Fuzz", text);
    if (!schema.ok()) return 0;
    auto parser = mcap::ReflectionParser("fuzz_pkg/msg/Fuzz", *schema);
    if (!parser.ok()) return 0;
    Feed(**parser, p, left);
  } else {
    const auto& types = mcap::Ros2SemanticTypes();
    const std::string& name = types[data[1] % types.size()];
    ++p;
    --left;
    auto parser = mcap::Ros2SemanticParser(name, data[1] & 0x80 ? "/tf_static" : "/fuzz");
    if (!parser.ok()) return 0;
    Feed(**parser, p, left);
  }
  return 0;
}
