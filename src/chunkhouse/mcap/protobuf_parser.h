#pragma once
// Rerun's `protobuf` MCAP decoder: a channel whose schema is a protobuf FileDescriptorSet has
// each message decoded by reflection (libprotobuf's dynamic messages) into a struct mirroring
// the descriptor, as rerun-sdk 0.36.2 lays it out (notes/mcap.md §4.4): enums as
// struct<name, value>, oneofs of several fields grouped into a struct, maps as Arrow maps with
// sorted keys, unset repeated/map/optional fields null, other unset fields their default.
#include <memory>
#include <string>

#include "chunkhouse/base/status.h"
#include "chunkhouse/mcap/message_parser.h"


namespace google::protobuf {
class Descriptor;
class Message;
}  // namespace google::protobuf

namespace chunkhouse::mcap {

// A schema's descriptor set, built into a pool once; shared by the parsers of its channels
// (which may run on several threads).
class ProtobufSchema {
 public:
  // InvalidArgument when the set does not parse or a file in it does not build.
  static Result<std::shared_ptr<ProtobufSchema>> Parse(const std::string& file_descriptor_set);
  ~ProtobufSchema();
  // The message type of that full name, or null.
  const google::protobuf::Descriptor* Find(const std::string& full_name) const;
  // The dynamic message type of a descriptor of this schema's pool.
  const google::protobuf::Message* Prototype(const google::protobuf::Descriptor* type) const;

  struct State;

 private:
  ProtobufSchema();
  std::unique_ptr<State> state_;
};

// A parser for one message type; fails for a type that contains itself (Rerun's reader crashes
// on those; here the channel is left out with a warning).
Result<std::unique_ptr<MessageParser>> ProtobufParser(std::shared_ptr<const ProtobufSchema> schema,
                                                      const google::protobuf::Descriptor* type);

}  // namespace chunkhouse::mcap
