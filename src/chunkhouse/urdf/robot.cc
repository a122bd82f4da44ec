#include "chunkhouse/urdf/robot.h"

#include <arrow/io/interfaces.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/columns.h"
#include "chunkhouse/io/file.h"

namespace chunkhouse::urdf {

namespace fs = std::filesystem;

std::array<float, 4> QuaternionFromRpy(const Vec3& rpy) {
  // glam's Quat::from_euler(EulerRot::ZYX, yaw, pitch, roll), operation for operation in f32.
  const float yaw = static_cast<float>(rpy[2]), pitch = static_cast<float>(rpy[1]), roll = static_cast<float>(rpy[0]);
  const float si = std::sin(yaw * 0.5f), ci = std::cos(yaw * 0.5f);
  const float sj = std::sin(pitch * 0.5f), cj = std::cos(pitch * 0.5f);
  const float sh = std::sin(roll * 0.5f), ch = std::cos(roll * 0.5f);
  const float cc = ci * ch, cs = ci * sh, sc = si * ch, ss = si * sh;
  return {cj * cs - sj * sc, cj * ss + sj * cc, cj * sc - sj * cs, cj * cc + sj * ss};
}

namespace {

// ecolor's rounding: add a half and cast, saturating (NaN to 0).
uint8_t FastRound(float r) {
  const float v = r + 0.5f;
  if (!(v > 0.0f)) return 0;
  if (v >= 255.0f) return 255;
  return static_cast<uint8_t>(v);
}

uint8_t GammaFromLinear(float l) {
  if (l <= 0.0f) return 0;
  if (l <= 0.0031308f) return FastRound(3294.6f * l);
  if (l <= 1.0f) return FastRound(269.025f * std::pow(l, 1.0f / 2.4f) - 14.025f);
  return 255;  // and NaN, which fails every comparison above
}

}  // namespace

uint32_t Rgba32FromLinear(const std::array<double, 4>& rgba) {
  const float a = static_cast<float>(rgba[3]);
  // ecolor::Rgba::from_rgba_unmultiplied premultiplies; Color32::from(Rgba) unmultiplies, converts
  // to sRGB and premultiplies again in 8 bits; to_srgba_unmultiplied divides by the 8-bit alpha.
  const float premultiplied[3] = {static_cast<float>(rgba[0]) * a, static_cast<float>(rgba[1]) * a,
                                  static_cast<float>(rgba[2]) * a};
  uint8_t c[4];
  if (a == 0.0f) {
    for (int i = 0; i < 3; ++i) c[i] = GammaFromLinear(premultiplied[i]);
    c[3] = 0;
  } else {
    for (int i = 0; i < 3; ++i) c[i] = FastRound(static_cast<float>(GammaFromLinear(premultiplied[i] / a)) * a);
    c[3] = FastRound(a * 255.0f);
    if (c[3] != 0 && c[3] != 255) {
      const float factor = 255.0f / static_cast<float>(c[3]);
      for (int i = 0; i < 3; ++i) c[i] = FastRound(factor * static_cast<float>(c[i]));
    }
  }
  return (uint32_t{c[0]} << 24) | (uint32_t{c[1]} << 16) | (uint32_t{c[2]} << 8) | uint32_t{c[3]};
}

std::optional<std::string> MeshMediaType(std::string_view filename, std::string_view bytes) {
  // By extension: the mesh formats Rerun reads and a few more it names (its table is mime_guess2's,
  // far larger; notes/urdf.md).
  static const std::map<std::string, std::string> kByExtension = {
      {"obj", "model/obj"},         {"stl", "model/stl"},         {"glb", "model/gltf-binary"},
      {"gltf", "model/gltf+json"},  {"dae", "model/vnd.collada+xml"}, {"ply", "application/x-ply"},
      {"png", "image/png"},         {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
      {"bin", "application/octet-stream"}, {"xyz", "chemical/x-xyz"},   {"txt", "text/plain"}};
  const std::string_view name = filename.substr(0, filename.find_first_of("?#"));
  const size_t slash = name.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) {
    std::string ext(base.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (auto it = kByExtension.find(ext); it != kByExtension.end()) return it->second;
  }
  // By content, as Rerun's MediaType::guess_from_data.
  auto starts = [&](std::string_view magic) { return bytes.substr(0, magic.size()) == magic; };
  if (starts("RRF2") || starts("RRF1") || starts("RRF0")) return "application/x-rerun";
  if (starts("\x89MCAP0\r\n")) return "application/x-mcap";
  if (starts("ply\n") || starts("ply\r\n")) return "application/x-ply";
  if (starts("glTF")) return "model/gltf-binary";
  if (starts("solid")) return "model/stl";
  if (starts("<COLLADA>")) return "model/vnd.collada+xml";
  return std::nullopt;
}

namespace {

// A whole file of at most `max_bytes` (`what` names it in the error), inside `roots` when given.
// Opened as io/ opens every file: a regular file only, never waiting on a pipe or device.
Result<std::string> ReadFile(const std::string& given, int64_t max_bytes, const std::optional<io::AllowedRoots>& roots,
                             std::string_view what) {
  std::string path = given;
  if (roots) {
    auto resolved = roots->Resolve(given);
    if (!resolved.ok()) {
      return MakeError(KindOf(resolved.status()), fmt::format("Failed to read file: {}: {}", given, resolved.status().message()));
    }
    path = *resolved;
  }
  auto opened = io::OpenRegularFile(path);
  if (!opened.ok()) return NotFound("Failed to read file: {}", opened.status().message());
  const uint64_t size = opened->identity.size;
  if (size > static_cast<uint64_t>(max_bytes)) {
    return NotFound("Failed to read file: {}: {} bytes, more than the {} {} may have", path, size, max_bytes, what);
  }
  std::string bytes(size, '\0');
  auto read = opened->file->ReadAt(0, static_cast<int64_t>(size), bytes.data());
  if (!read.ok()) return NotFound("Failed to read file: {}: {}", path, read.status().message());
  if (*read != static_cast<int64_t>(size)) return NotFound("Failed to read file: {}: read short", path);
  return bytes;
}

// ROS's package://NAME/REST: NAME looked up in ROS_PACKAGE_PATH (ROS 1, NAME under each entry),
// then AMENT_PREFIX_PATH (ROS 2, share/NAME under each entry).
Result<fs::path> ResolvePackage(const std::string& uri) {
  const size_t slash = uri.find('/');
  if (slash == std::string::npos) return InvalidArgument("Invalid package URI: {}", uri);
  const std::string package = uri.substr(0, slash);
  const fs::path rest = uri.substr(slash + 1);
  if (rest.is_absolute()) return rest;
  for (const auto& [variable, share] : {std::pair("ROS_PACKAGE_PATH", false), std::pair("AMENT_PREFIX_PATH", true)}) {
    const char* value = std::getenv(variable);
    if (!value) continue;
    std::string_view entries(value);
    while (true) {
      const size_t colon = entries.find(':');
      const fs::path root(std::string(entries.substr(0, colon)));
      const fs::path candidate = share ? root / "share" / package : root / package;
      std::error_code ec;
      if (fs::exists(candidate, ec)) return candidate / rest;
      if (colon == std::string_view::npos) break;
      entries.remove_prefix(colon + 1);
    }
  }
  return InvalidArgument(
      "Failed to resolve package URI: {}, tried `ROS_PACKAGE_PATH` and `AMENT_PREFIX_PATH`, but no matching package found",
      uri);
}

Result<std::string> ReadMesh(const std::string& path, const RobotOptions& options) {
  return ReadFile(path, options.max_mesh_bytes, options.mesh_roots, "a mesh");
}

Result<std::string> LoadResource(const RobotOptions& options, const std::string& uri) {
  const size_t sep = uri.find("://");
  if (sep != std::string::npos) {
    const std::string scheme = uri.substr(0, sep), path = uri.substr(sep + 3);
    if (scheme == "file") return ReadMesh(path, options);
    if (scheme == "package") {
      ARROW_ASSIGN_OR_RAISE(fs::path resolved, ResolvePackage(path));
      if (resolved.is_absolute()) return ReadMesh(resolved.string(), options);
      if (options.urdf_dir) return ReadMesh((fs::path(*options.urdf_dir) / resolved).string(), options);
      return InvalidArgument("No root directory set for URDF, cannot load resource: {}", path);
    }
    if (scheme == "http" || scheme == "https") {
      return Unimplemented("chunkhouse does not fetch meshes over HTTP: {}", uri);
    }
    return InvalidArgument("Unknown resource scheme: \"{}\" in {}", scheme, uri);
  }
  if (options.urdf_dir) return ReadMesh((fs::path(*options.urdf_dir) / uri).string(), options);
  return InvalidArgument("No root directory set for URDF, cannot load resource: {}", uri);
}

// One row of f32 vectors (list<fixed_size_list<f32>[N]>).
Result<ArrayPtr> Vectors3(const std::vector<std::array<float, 3>>& v) { return FixedRow<arrow::FloatType, 3>(v); }
Result<ArrayPtr> Vectors4(const std::vector<std::array<float, 4>>& v) { return FixedRow<arrow::FloatType, 4>(v); }
std::array<float, 3> F32(const Vec3& v) { return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])}; }

class Emitter {
 public:
  Emitter(const Robot& robot, const RobotOptions& options, std::vector<std::string>* warnings)
      : robot_(robot), options_(options), warnings_(warnings) {}

  Status Run();
  std::vector<std::shared_ptr<Chunk>> chunks;

 private:
  Status Static(const std::vector<std::string>& path, Components components) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk(EntityPath(path).ToString(), std::move(components)));
    chunks.push_back(std::move(chunk));
    return Status::OK();
  }
  Status FrameOf(const std::vector<std::string>& path, const std::string& frame) {
    ARROW_ASSIGN_OR_RAISE(auto f, StringsRow({frame}));
    return Static(path, {{Frame(), f}});
  }
  Status Placement(const std::vector<std::string>& path, const Pose& origin, const Geometry& geometry, const std::string& frame);
  Status Shape(const std::vector<std::string>& path, const Geometry& geometry, const Material* material);
  Status EmitLink(const Link& link);
  void Warn(std::string message) {
    if (std::find(warnings_->begin(), warnings_->end(), message) == warnings_->end()) warnings_->push_back(std::move(message));
  }

  const Robot& robot_;
  const RobotOptions& options_;
  std::vector<std::string>* warnings_;
  std::vector<std::string> root_;
  std::map<std::string, const Link*> links_;
  std::map<std::string, const Material*> materials_;
};

Status Emitter::Placement(const std::vector<std::string>& path, const Pose& origin, const Geometry& geometry,
                          const std::string& frame) {
  const std::string a = "rerun.archetypes.InstancePoses3D";
  Components cs;
  ARROW_ASSIGN_OR_RAISE(auto q, Vectors4({QuaternionFromRpy(origin.rpy)}));
  cs.emplace_back(D(a, "InstancePoses3D:quaternions", "rerun.components.RotationQuat"), q);
  if (geometry.kind == Geometry::kMesh && geometry.scale) {
    ARROW_ASSIGN_OR_RAISE(auto scales, Vectors3({F32(*geometry.scale)}));
    cs.emplace_back(D(a, "InstancePoses3D:scales", "rerun.components.Scale3D"), scales);
  }
  ARROW_ASSIGN_OR_RAISE(auto tr, Vectors3({F32(origin.xyz)}));
  cs.emplace_back(D(a, "InstancePoses3D:translations", "rerun.components.Translation3D"), tr);
  ARROW_RETURN_NOT_OK(Static(path, std::move(cs)));
  return FrameOf(path, frame);
}

Status Emitter::Shape(const std::vector<std::string>& path, const Geometry& g, const Material* material) {
  // The material's color (white without one); a mesh gets it as its albedo factor, only when given.
  const bool colored = material && material->rgba;
  const uint32_t rgba = colored ? Rgba32FromLinear(*material->rgba) : 0xFFFFFFFFu;
  ARROW_ASSIGN_OR_RAISE(auto color, ScalarsRow<arrow::UInt32Type>({rgba}));
  auto f = [](double v) { return static_cast<float>(v); };
  Components cs;
  switch (g.kind) {
    case Geometry::kMesh: {
      auto bytes = LoadResource(options_, g.filename);
      if (!bytes.ok()) {
        Warn(fmt::format("Failed to load mesh {}: {}", g.filename, bytes.status().message()));
        return Status::OK();
      }
      const std::string a = "rerun.archetypes.Asset3D";
      if (colored) {
        ARROW_ASSIGN_OR_RAISE(auto af, ScalarsRow<arrow::UInt32Type>({rgba}));
        cs.emplace_back(D(a, "Asset3D:albedo_factor", "rerun.components.AlbedoFactor"), af);
      }
      ARROW_ASSIGN_OR_RAISE(auto blob, Lists<arrow::ListBuilder>(BlobType(), BlobBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
                              return AppendBlob(b, reinterpret_cast<const uint8_t*>(bytes->data()),
                                                static_cast<int64_t>(bytes->size()));
                            }));
      cs.emplace_back(D(a, "Asset3D:blob", "rerun.components.Blob"), blob);
      if (auto media = MeshMediaType(g.filename, *bytes)) {
        ARROW_ASSIGN_OR_RAISE(auto m, StringsRow({*media}));
        cs.emplace_back(D(a, "Asset3D:media_type", "rerun.components.MediaType"), m);
      }
      if (material && material->texture) Warn("Material texture not supported");
      break;
    }
    case Geometry::kBox: {
      const std::string a = "rerun.archetypes.Boxes3D";
      cs.emplace_back(D(a, "Boxes3D:colors", "rerun.components.Color"), color);
      const auto size = F32(g.size);
      ARROW_ASSIGN_OR_RAISE(auto h, Vectors3({{size[0] / 2.0f, size[1] / 2.0f, size[2] / 2.0f}}));
      cs.emplace_back(D(a, "Boxes3D:half_sizes", "rerun.components.HalfSize3D"), h);
      break;
    }
    case Geometry::kCylinder:
    case Geometry::kCapsule: {
      const std::string name = g.kind == Geometry::kCylinder ? "Cylinders3D" : "Capsules3D";
      const std::string a = "rerun.archetypes." + name;
      cs.emplace_back(D(a, name + ":colors", "rerun.components.Color"), color);
      ARROW_ASSIGN_OR_RAISE(auto length, ScalarsRow<arrow::FloatType>({f(g.length)}));
      cs.emplace_back(D(a, name + ":lengths", "rerun.components.Length"), length);
      ARROW_ASSIGN_OR_RAISE(auto radius, ScalarsRow<arrow::FloatType>({f(g.radius)}));
      cs.emplace_back(D(a, name + ":radii", "rerun.components.Radius"), radius);
      break;
    }
    case Geometry::kSphere: {
      const std::string a = "rerun.archetypes.Ellipsoids3D";
      cs.emplace_back(D(a, "Ellipsoids3D:colors", "rerun.components.Color"), color);
      ARROW_ASSIGN_OR_RAISE(auto h, Vectors3({{f(g.radius), f(g.radius), f(g.radius)}}));
      cs.emplace_back(D(a, "Ellipsoids3D:half_sizes", "rerun.components.HalfSize3D"), h);
      break;
    }
  }
  return Static(path, std::move(cs));
}

Status Emitter::EmitLink(const Link& link) {
  for (size_t i = 0; i < link.visuals.size(); ++i) {
    const Visual& v = link.visuals[i];
    std::vector<std::string> path = root_;
    path.insert(path.end(), {"visual_geometries", link.name, v.name.value_or(fmt::format("visual_{}", i))});
    // An inline material with a color or texture is used as it is; one naming a material refers
    // to the robot's material of that name.
    const Material* material = nullptr;
    if (v.material) {
      if (v.material->rgba || v.material->texture) {
        material = &*v.material;
      } else if (auto it = materials_.find(v.material->name); it != materials_.end()) {
        material = it->second;
      }
    }
    ARROW_RETURN_NOT_OK(Placement(path, v.origin, v.geometry, link.name));
    ARROW_RETURN_NOT_OK(Shape(path, v.geometry, material));
  }
  for (size_t i = 0; i < link.collisions.size(); ++i) {
    const Collision& c = link.collisions[i];
    std::vector<std::string> path = root_;
    path.insert(path.end(), {"collision_geometries", c.geometry.KindName(), link.name,
                             c.name.value_or(fmt::format("collision_{}", i))});
    ARROW_RETURN_NOT_OK(Placement(path, c.origin, c.geometry, link.name));
    ARROW_RETURN_NOT_OK(Shape(path, c.geometry, nullptr));
  }
  return Status::OK();
}

Status Emitter::Run() {
  // The robot's links and materials by name (a later one of the same name wins, as in Rerun).
  for (const auto& m : robot_.materials) materials_[m.name] = &m;
  for (const auto& l : robot_.links) links_[l.name] = &l;
  std::map<std::string, std::vector<const Joint*>> children;
  std::set<std::string> child_links;
  for (const auto& j : robot_.joints) {
    children[j.parent].push_back(&j);
    child_links.insert(j.child);
  }
  std::vector<const Link*> roots;
  for (const auto& [name, link] : links_) {
    if (!child_links.count(name)) roots.push_back(link);
  }
  if (roots.empty()) return InvalidArgument("No root link found in URDF");
  if (roots.size() > 1) return InvalidArgument("Multiple roots in URDF");
  for (const auto& j : robot_.joints) {
    if (!links_.count(j.child)) return InvalidArgument("Joint '{}' references unknown child link '{}'", j.name, j.child);
    if (!links_.count(j.parent)) return InvalidArgument("Joint '{}' references unknown parent link '{}'", j.name, j.parent);
  }
  root_ = EntityPath::Parse(options_.entity_path_prefix).parts();
  root_.push_back(robot_.name);
  ARROW_RETURN_NOT_OK(FrameOf(root_, roots[0]->name));

  // Depth first from the root, each link before the links its joints lead to, joints in order;
  // the joints' transforms in the order they are met.
  struct Step {
    const Link* link;
    size_t next_joint = 0;
  };
  std::vector<Step> stack;
  std::set<std::string> on_path;
  std::vector<const Joint*> transforms;
  int64_t visited = 0;
  auto enter = [&](const Link* link) -> Status {
    if (++visited > options_.max_links_visited) {
      return InvalidArgument("the joints reach more than {} links (the tree fans out again and again)",
                             options_.max_links_visited);
    }
    if (!on_path.insert(link->name).second) return InvalidArgument("the joints form a cycle through link '{}'", link->name);
    stack.push_back({link});
    return EmitLink(*link);
  };
  ARROW_RETURN_NOT_OK(enter(roots[0]));
  while (!stack.empty()) {
    Step& top = stack.back();
    auto it = children.find(top.link->name);
    if (it == children.end() || top.next_joint >= it->second.size()) {
      on_path.erase(top.link->name);
      stack.pop_back();
      continue;
    }
    const Joint* joint = it->second[top.next_joint++];
    transforms.push_back(joint);
    ARROW_RETURN_NOT_OK(enter(links_.at(joint->child)));
  }

  if (options_.include_joint_transforms && !transforms.empty()) {
    const std::string a = "rerun.archetypes.Transform3D";
    std::vector<std::array<float, 4>> quaternions;
    std::vector<std::array<float, 3>> translations;
    arrow::StringBuilder parents, childs;
    for (const Joint* j : transforms) {
      quaternions.push_back(QuaternionFromRpy(j->origin.rpy));
      translations.push_back(F32(j->origin.xyz));
      ARROW_RETURN_NOT_OK(parents.Append(j->parent));
      ARROW_RETURN_NOT_OK(childs.Append(j->child));
    }
    ARROW_ASSIGN_OR_RAISE(auto parent_values, parents.Finish());
    ARROW_ASSIGN_OR_RAISE(auto child_values, childs.Finish());
    ARROW_ASSIGN_OR_RAISE(auto q, Vectors4(quaternions));
    ARROW_ASSIGN_OR_RAISE(auto t, Vectors3(translations));
    const auto& q_values = static_cast<const arrow::ListArray&>(*q).values();
    const auto& t_values = static_cast<const arrow::ListArray&>(*t).values();
    Components cs;
    ARROW_ASSIGN_OR_RAISE(auto cc, OnePerRow(child_values));
    cs.emplace_back(D(a, "Transform3D:child_frame", kFrameIdType), cc);
    ARROW_ASSIGN_OR_RAISE(auto pc, OnePerRow(parent_values));
    cs.emplace_back(D(a, "Transform3D:parent_frame", kFrameIdType), pc);
    ARROW_ASSIGN_OR_RAISE(auto qc, OnePerRow(q_values));
    cs.emplace_back(D(a, "Transform3D:quaternion", "rerun.components.RotationQuat"), qc);
    ARROW_ASSIGN_OR_RAISE(auto tc, OnePerRow(t_values));
    cs.emplace_back(D(a, "Transform3D:translation", "rerun.components.Translation3D"), tc);
    ARROW_ASSIGN_OR_RAISE(auto chunk, StaticChunk("/tf_static", std::move(cs), static_cast<int64_t>(transforms.size())));
    chunks.push_back(std::move(chunk));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<std::shared_ptr<Chunk>>> ReadUrdfFile(const std::string& path, const std::string& entity_path_prefix,
                                                         std::vector<std::string>* warnings) {
  ARROW_ASSIGN_OR_RAISE(auto text, ReadFile(path, int64_t{64} << 20, std::nullopt, "a URDF file"));
  auto robot = ParseRobot(text);
  if (!robot.ok()) return InvalidArgument("{}: {}", path, robot.status().message());
  RobotOptions options;
  options.urdf_dir = fs::absolute(fs::path(path)).parent_path().string();
  options.entity_path_prefix = entity_path_prefix;
  options.include_joint_transforms = true;
  auto chunks = RobotChunks(*robot, options, warnings);
  if (!chunks.ok()) return InvalidArgument("{}: {}", path, chunks.status().message());
  return chunks;
}

Result<std::vector<std::shared_ptr<Chunk>>> RobotChunks(const Robot& robot, const RobotOptions& options,
                                                        std::vector<std::string>* warnings) {
  Emitter e(robot, options, warnings);
  ARROW_RETURN_NOT_OK(e.Run());
  return std::move(e.chunks);
}

}  // namespace chunkhouse::urdf
