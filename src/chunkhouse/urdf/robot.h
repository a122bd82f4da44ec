#pragma once
// A URDF robot (model.h) as the static chunks Rerun's URDF importer logs (rerun-sdk 0.36.2):
//   /{robot}                                 CoordinateFrame: the root link's frame
//   /{robot}/visual_geometries/{link}/{name}  per visual: InstancePoses3D (origin, mesh scale),
//                                              CoordinateFrame (its link), then its shape
//   /{robot}/collision_geometries/{shape}/{link}/{name}   per collision, the same (white)
//   /tf_static                                 the joints' transforms, one row each (optional)
// Shapes become Boxes3D, Cylinders3D, Capsules3D, Ellipsoids3D (with the material's color, white
// without one) or Asset3D (the mesh file's bytes). Links are walked depth-first from the root,
// children in joint order. Behaviour and differences: notes/urdf.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/io/allowed.h"
#include "chunkhouse/urdf/model.h"

namespace chunkhouse::urdf {

struct RobotOptions {
  // Where relative mesh paths (and package:// paths that resolve to relative ones) are found: the
  // .urdf file's folder. None for a description read from a message (they are then not loaded).
  std::optional<std::string> urdf_dir;
  std::string entity_path_prefix;  // "" for none
  bool include_joint_transforms = false;
  int64_t max_mesh_bytes = int64_t{512} << 20;  // a mesh file larger than this is not loaded
  int64_t max_links_visited = 100'000;          // a description whose joints fan out past this is refused
  // When set, a mesh is read only from inside these directories (a server reading recordings
  // others registered: a description must not reach the rest of the machine's files).
  std::optional<io::AllowedRoots> mesh_roots;
};

// The chunks, in the order Rerun logs them. A mesh that cannot be loaded is left out with a
// warning (its pose and frame stay), as Rerun does. Errors: no root link, several roots, a joint
// naming a link that does not exist, joints that form a cycle (Rerun's importer overflows its stack).
Result<std::vector<std::shared_ptr<Chunk>>> RobotChunks(const Robot& robot, const RobotOptions& options,
                                                        std::vector<std::string>* warnings);

// A .urdf file as `rerun --save out.rrd robot.urdf` logs it: everything static, the joints'
// transforms included, meshes found relative to the file's folder. Files over 64 MiB are refused.
Result<std::vector<std::shared_ptr<Chunk>>> ReadUrdfFile(const std::string& path, const std::string& entity_path_prefix,
                                                         std::vector<std::string>* warnings);

// The rotation of roll-pitch-yaw angles (radians; yaw about Z, then pitch about Y, then roll about
// X) as a unit quaternion (x, y, z, w), computed in f32 exactly as Rerun (glam) does.
std::array<float, 4> QuaternionFromRpy(const Vec3& rpy);

// The color of a linear RGBA (0..1) as Rerun stores it (0xRRGGBBAA, sRGB, unmultiplied), rounded
// as Rerun (ecolor) rounds it: through premultiplied 8-bit sRGB.
uint32_t Rgba32FromLinear(const std::array<double, 4>& rgba);

// Rerun's media type for a mesh: by the file's extension, else by its first bytes; none when
// neither tells.
std::optional<std::string> MeshMediaType(std::string_view filename, std::string_view bytes);

}  // namespace chunkhouse::urdf
