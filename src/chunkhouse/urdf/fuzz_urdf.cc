// libFuzzer target: URDF documents (XML through expat, the robot model, the chunks). Run by
// scripts/fuzz.sh. Meshes are never loaded here (no file or package paths resolve: no folder,
// and the package path variables are cleared).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chunkhouse/urdf/model.h"
#include "chunkhouse/urdf/robot.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  unsetenv("ROS_PACKAGE_PATH");
  unsetenv("AMENT_PREFIX_PATH");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chunkhouse::urdf;
  auto robot = ParseRobot(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!robot.ok()) return 0;
  for (auto& link : robot->links) {
    for (auto& v : link.visuals) {
      if (v.geometry.kind == Geometry::kMesh && v.geometry.filename.rfind("file://", 0) == 0) v.geometry.filename = "x.stl";
    }
    for (auto& c : link.collisions) {
      if (c.geometry.kind == Geometry::kMesh && c.geometry.filename.rfind("file://", 0) == 0) c.geometry.filename = "x.stl";
    }
  }
  RobotOptions options;
  options.include_joint_transforms = true;
  options.max_links_visited = 10'000;
  std::vector<std::string> warnings;
  (void)RobotChunks(*robot, options, &warnings);
  return 0;
}
