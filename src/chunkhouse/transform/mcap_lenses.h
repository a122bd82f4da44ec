#pragma once
// The lenses Rerun's MCAP importer runs over every chunk it reads (forward unmatched): with the
// `ros2msg` decoder, ROS 2 types that reflection decodes into a struct turned into archetypes
// (std_msgs/String into TextDocument, geometry_msgs/PoseStamped into InstancePoses3D, ...;
// notes/ros2msg.md); with `foxglove`, Foxglove's protobuf schemas (foxglove.Log into TextLog,
// foxglove.FrameTransform into Transform3D, ...) with a `timestamp` timeline. Built with the lens
// engine users have (lens.h).
#include <optional>
#include <vector>

#include "chunkhouse/mcap/importer.h"
#include "chunkhouse/transform/lens.h"

namespace chunkhouse::transform {

Result<std::vector<Lens>> Ros2MsgLenses();                       // mcap_lenses.cc
Result<std::vector<Lens>> FoxgloveLenses(TimeType time_type);    // mcap_foxglove_lenses.cc

// The lenses an import with these options runs; nullopt when none (neither decoder selected).
Result<std::optional<LensSet>> ImporterLenses(const mcap::ImportOptions& options);

}  // namespace chunkhouse::transform
