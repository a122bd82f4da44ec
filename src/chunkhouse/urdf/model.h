#pragma once
// A URDF robot description as urdf-rs 0.9 (which Rerun uses) reads it: the <link>, <joint> and
// <material> elements of the root (others, like <gazebo> or <transmission>, ignored), each link's
// <visual>, <collision> and <inertial>; required attributes checked, defaults filled, numbers read
// as Rust reads them. Behaviour and differences: notes/urdf.md.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse::urdf {

using Vec3 = std::array<double, 3>;

struct Pose {
  Vec3 xyz{};
  Vec3 rpy{};  // roll, pitch, yaw (radians)
};

struct Material {
  std::string name;
  std::optional<std::array<double, 4>> rgba;  // <color rgba="...">, linear
  std::optional<std::string> texture;         // <texture filename="...">
};

struct Geometry {
  enum Kind { kBox, kCylinder, kCapsule, kSphere, kMesh };
  Kind kind = kBox;
  Vec3 size{};                 // box
  double radius = 0, length = 0;  // cylinder, capsule, sphere
  std::string filename;        // mesh
  std::optional<Vec3> scale;   // mesh
  // "box", "cylinder", ...: the path segment Rerun files collision geometries under.
  const char* KindName() const;
};

struct Visual {
  std::optional<std::string> name;
  Pose origin;
  Geometry geometry;
  std::optional<Material> material;
};

struct Collision {
  std::optional<std::string> name;
  Pose origin;
  Geometry geometry;
};

struct Link {
  std::string name;
  std::vector<Visual> visuals;
  std::vector<Collision> collisions;
};

struct Joint {
  std::string name;
  std::string type;  // revolute, continuous, prismatic, fixed, floating, planar, spherical
  Pose origin;
  std::string parent, child;  // link names
  Vec3 axis{1, 0, 0};
};

struct Robot {
  std::string name;
  std::vector<Link> links;
  std::vector<Joint> joints;
  std::vector<Material> materials;
};

// Parses a URDF document. Errors say what was wrong and where ("link 'base' (line 4): visual:
// missing geometry").
Result<Robot> ParseRobot(std::string_view xml);

// A number as Rust's f64 parse reads it (optional sign, decimal digits with an optional point
// and exponent, inf, infinity, nan; nothing else, no spaces).
std::optional<double> ParseRustF64(std::string_view text);

}  // namespace chunkhouse::urdf
