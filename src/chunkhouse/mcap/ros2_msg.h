#pragma once
// ROS 2 message definitions (`.msg`, as MCAP's `ros2msg` schema encoding stores them: the main
// definition, then each dependency after a line of `=`s and a `MSG: pkg/Name` line), parsed as
// rerun-sdk 0.36.2 parses them (notes/ros2msg.md): constants and defaults checked, field-less
// messages padded with `structure_needs_at_least_one_member`, constant-only uint8-like messages
// treated as enums, types resolved by exact name (a relative name within the message's package).
// Decoding (and the Arrow type of a message) is cdr.h's.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse::mcap::ros2 {

enum class Builtin : uint8_t {
  kBool, kByte, kChar, kFloat32, kFloat64, kInt8, kInt16, kInt32, kInt64,
  kUInt8, kUInt16, kUInt32, kUInt64, kString, kWString,
};

struct Type {
  enum class Kind : uint8_t { kBuiltin, kComplex } kind = Kind::kBuiltin;
  Builtin builtin = Builtin::kBool;
  std::optional<size_t> string_bound;  // string<=N
  std::string package;                 // complex: empty for a name relative to the message's package
  std::string name;
  enum class Array : uint8_t { kNone, kFixed, kBounded, kUnbounded } array = Array::kNone;
  size_t array_size = 0;  // kFixed: the length; kBounded: the bound

  bool operator==(const Type& o) const;
  Type Element() const;  // this type without its array part
};

struct Field {
  Type type;
  std::string name;
};
struct Constant {
  Type type;
  std::string name, value;
};

struct MessageSpec {
  std::string name;
  std::vector<Field> fields;
  std::vector<Constant> constants;
  // The primitive a constant-only message stands for on the wire (bool, byte, char, int8 or
  // uint8 constants, all of one type); nullopt for any other message.
  std::optional<Builtin> EnumLike() const;
};

struct MessageSchema {
  MessageSpec spec;
  std::vector<MessageSpec> dependencies;

  // The dependency a field type of `scope` names; InvalidArgument (Rerun's words) if none.
  Result<const MessageSpec*> Resolve(const MessageSpec& scope, const Type& type) const;
  bool UsesWString() const;
  // Every complex field type, in every message, resolves (else the field named).
  Status CheckResolves() const;
};

// Errors are InvalidArgument: "failed to parse main message spec `NAME`: syntax error: ..." as
// Rerun words them.
Result<MessageSchema> ParseSchema(std::string_view name, std::string_view text);

}  // namespace chunkhouse::mcap::ros2
