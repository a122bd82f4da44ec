#pragma once
// The lenses Rerun's MCAP importer runs over every chunk it reads when the `ros2msg` decoder is
// selected (forward unmatched): ROS 2 types that reflection decodes into a struct and a lens turns
// into archetypes (std_msgs/String into TextDocument, geometry_msgs/PoseStamped into
// InstancePoses3D, ...; notes/ros2msg.md). Built with the lens engine users have (lens.h).
#include "chunkhouse/transform/lens.h"

namespace chunkhouse::transform {

// The ROS 2 lenses, built once.
Result<LensSet> Ros2MsgLenses();

}  // namespace chunkhouse::transform
