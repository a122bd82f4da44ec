#pragma once
// Rerun's `ros2msg` decoder: a fixed list of ROS 2 message types turned into Rerun archetypes
// (Imu into Scalars and a SeriesLines legend, JointState into one Scalars entity per quantity,
// ...; notes/ros2msg.md). Each type is read by the standard ROS 2 definition built in here, not
// the file's, as Rerun does, through the same CDR decoder as reflection (cdr.h).
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/mcap/message_parser.h"

namespace chunkhouse::mcap {

// The schema names Rerun's ros2msg decoder takes, sorted.
const std::vector<std::string>& Ros2SemanticTypes();
bool Ros2SemanticSupports(const std::string& schema_name);
Result<std::unique_ptr<MessageParser>> Ros2SemanticParser(const std::string& schema_name, const std::string& topic);

}  // namespace chunkhouse::mcap
