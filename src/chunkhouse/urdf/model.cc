#include "chunkhouse/urdf/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "chunkhouse/urdf/xml.h"

namespace chunkhouse::urdf {

const char* Geometry::KindName() const {
  switch (kind) {
    case kBox: return "box";
    case kCylinder: return "cylinder";
    case kCapsule: return "capsule";
    case kSphere: return "sphere";
    case kMesh: return "mesh";
  }
  return "box";
}

std::optional<double> ParseRustF64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  double v;
  if (lower == "inf" || lower == "infinity") {
    v = std::numeric_limits<double>::infinity();
  } else if (lower == "nan") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else {
    // Digits with an optional point and exponent; from_chars alone would take hex-free forms
    // Rust refuses ("nan(1)", "infinity" spellings are handled above).
    bool digits = false;
    for (char c : s) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits = true;
      else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') return std::nullopt;
    }
    if (!digits || s[0] == 'e' || s[0] == 'E' || s[0] == '+' || s[0] == '-') return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (end != s.data() + s.size()) return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
      // Rust rounds to infinity or zero where from_chars reports the range.
      const auto e = s.find_first_of("eE");
      const bool tiny = e != std::string_view::npos && s.find('-', e) != std::string_view::npos;
      v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    } else if (ec != std::errc()) {
      return std::nullopt;
    }
  }
  return negative ? -v : v;
}

namespace {

std::string At(const XmlElement& e) { return fmt::format("<{}> (line {})", e.name, e.line); }

// The child element of that name; null when absent; an error when there are several (a field
// given twice).
Result<const XmlElement*> One(const XmlElement& parent, std::string_view name) {
  const XmlElement* found = nullptr;
  for (const auto& c : parent.children) {
    if (c.name != name) continue;
    if (found) return InvalidArgument("{}: duplicate <{}>", At(parent), name);
    found = &c;
  }
  return found;
}

Result<const XmlElement*> Required(const XmlElement& parent, std::string_view name) {
  ARROW_ASSIGN_OR_RAISE(const XmlElement* e, One(parent, name));
  if (!e) return InvalidArgument("{}: missing <{}>", At(parent), name);
  return e;
}

// The attribute's text; null when it is absent and not `required`.
Result<const std::string*> AttributeText(const XmlElement& e, std::string_view name, bool required) {
  const std::string* v = e.Attribute(name);
  if (!v && required) return InvalidArgument("{}: missing attribute '{}'", At(e), name);
  return v;
}

Result<std::string> RequiredAttribute(const XmlElement& e, std::string_view name) {
  ARROW_ASSIGN_OR_RAISE(const std::string* v, AttributeText(e, name, /*required=*/true));
  return *v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A number attribute; `fallback` when absent (none: required).
Result<double> Number(const XmlElement& e, std::string_view name, std::optional<double> fallback) {
  ARROW_ASSIGN_OR_RAISE(const std::string* v, AttributeText(e, name, /*required=*/!fallback));
  if (!v) return *fallback;
  auto parsed = ParseRustF64(Trim(*v));
  if (!parsed) return InvalidArgument("{}: attribute '{}' is not a number: \"{}\"", At(e), name, *v);
  return *parsed;
}

// N numbers separated by whitespace; words that are not numbers are skipped, as urdf-rs does.
template <size_t N>
Result<std::array<double, N>> Numbers(const XmlElement& e, std::string_view name, const std::string& text) {
  std::array<double, N> out{};
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) {
      if (auto v = ParseRustF64(std::string_view(text).substr(i, j - i))) {
        if (n < N) out[n] = *v;
        ++n;
      }
    }
    i = j;
  }
  if (n != N) {
    return InvalidArgument("{}: attribute '{}' needs {} numbers, found {} in \"{}\"", At(e), name, N, n, text);
  }
  return out;
}

Result<Vec3> Vector(const XmlElement& e, std::string_view name, std::optional<Vec3> fallback) {
  ARROW_ASSIGN_OR_RAISE(const std::string* v, AttributeText(e, name, /*required=*/!fallback));
  if (!v) return *fallback;
  return Numbers<3>(e, name, *v);
}

Result<Pose> ReadPose(const XmlElement& parent) {
  ARROW_ASSIGN_OR_RAISE(const XmlElement* origin, One(parent, "origin"));
  Pose p;
  if (!origin) return p;
  ARROW_ASSIGN_OR_RAISE(p.xyz, Vector(*origin, "xyz", Vec3{}));
  ARROW_ASSIGN_OR_RAISE(p.rpy, Vector(*origin, "rpy", Vec3{}));
  return p;
}

Result<Geometry> ReadGeometry(const XmlElement& parent) {
  ARROW_ASSIGN_OR_RAISE(const XmlElement* g, Required(parent, "geometry"));
  if (g->children.empty()) return InvalidArgument("{}: no shape in it", At(*g));
  const XmlElement& shape = g->children.front();
  Geometry out;
  if (shape.name == "box") {
    out.kind = Geometry::kBox;
    ARROW_ASSIGN_OR_RAISE(out.size, Vector(shape, "size", std::nullopt));
  } else if (shape.name == "cylinder" || shape.name == "capsule") {
    out.kind = shape.name == "cylinder" ? Geometry::kCylinder : Geometry::kCapsule;
    ARROW_ASSIGN_OR_RAISE(out.radius, Number(shape, "radius", std::nullopt));
    ARROW_ASSIGN_OR_RAISE(out.length, Number(shape, "length", std::nullopt));
  } else if (shape.name == "sphere") {
    out.kind = Geometry::kSphere;
    ARROW_ASSIGN_OR_RAISE(out.radius, Number(shape, "radius", std::nullopt));
  } else if (shape.name == "mesh") {
    out.kind = Geometry::kMesh;
    ARROW_ASSIGN_OR_RAISE(out.filename, RequiredAttribute(shape, "filename"));
    if (shape.Attribute("scale")) {
      ARROW_ASSIGN_OR_RAISE(out.scale, Vector(shape, "scale", std::nullopt));
    }
  } else {
    return InvalidArgument("{}: unknown shape <{}>, expected box, cylinder, capsule, sphere or mesh", At(shape), shape.name);
  }
  return out;
}

Result<Material> ReadMaterial(const XmlElement& m) {
  Material out;
  ARROW_ASSIGN_OR_RAISE(out.name, RequiredAttribute(m, "name"));
  ARROW_ASSIGN_OR_RAISE(const XmlElement* color, One(m, "color"));
  if (color) {
    ARROW_ASSIGN_OR_RAISE(auto rgba_text, RequiredAttribute(*color, "rgba"));
    ARROW_ASSIGN_OR_RAISE(out.rgba, Numbers<4>(*color, "rgba", rgba_text));
  }
  ARROW_ASSIGN_OR_RAISE(const XmlElement* texture, One(m, "texture"));
  if (texture) {
    ARROW_ASSIGN_OR_RAISE(out.texture, RequiredAttribute(*texture, "filename"));
  }
  return out;
}

// An element of numbers, each optional or required, checked and then forgotten (inertial,
// limit, calibration, dynamics, safety_controller): urdf-rs refuses the file when one is wrong.
Status CheckNumbers(const XmlElement& e, std::initializer_list<std::string_view> required,
                    std::initializer_list<std::string_view> optional) {
  for (auto name : required) ARROW_RETURN_NOT_OK(Number(e, name, std::nullopt).status());
  for (auto name : optional) ARROW_RETURN_NOT_OK(Number(e, name, 0.0).status());
  return Status::OK();
}

Result<Link> ReadLink(const XmlElement& e) {
  Link link;
  ARROW_ASSIGN_OR_RAISE(link.name, RequiredAttribute(e, "name"));
  auto context = [&](const Status& st) { return InvalidArgument("link '{}': {}", link.name, st.message()); };
  auto inertial = One(e, "inertial");
  if (!inertial.ok()) return context(inertial.status());
  if (*inertial) {
    Status st = ReadPose(**inertial).status();
    auto mass = Required(**inertial, "mass");
    auto inertia = Required(**inertial, "inertia");
    if (st.ok()) st = mass.status();
    if (st.ok()) st = inertia.status();
    if (st.ok()) st = CheckNumbers(**mass, {"value"}, {});
    if (st.ok()) st = CheckNumbers(**inertia, {"ixx", "ixy", "ixz", "iyy", "iyz", "izz"}, {});
    if (!st.ok()) return context(st);
  }
  for (const auto& c : e.children) {
    if (c.name == "visual") {
      Visual v;
      if (auto* name = c.Attribute("name")) v.name = *name;
      auto origin = ReadPose(c);
      if (!origin.ok()) return context(origin.status());
      v.origin = *origin;
      auto geometry = ReadGeometry(c);
      if (!geometry.ok()) return context(geometry.status());
      v.geometry = std::move(*geometry);
      auto material = One(c, "material");
      if (!material.ok()) return context(material.status());
      if (*material) {
        auto m = ReadMaterial(**material);
        if (!m.ok()) return context(m.status());
        v.material = std::move(*m);
      }
      link.visuals.push_back(std::move(v));
    } else if (c.name == "collision") {
      Collision k;
      if (auto* name = c.Attribute("name")) k.name = *name;
      auto origin = ReadPose(c);
      if (!origin.ok()) return context(origin.status());
      k.origin = *origin;
      auto geometry = ReadGeometry(c);
      if (!geometry.ok()) return context(geometry.status());
      k.geometry = std::move(*geometry);
      link.collisions.push_back(std::move(k));
    }
  }
  return link;
}

Result<Joint> ReadJoint(const XmlElement& e) {
  Joint j;
  ARROW_ASSIGN_OR_RAISE(j.name, RequiredAttribute(e, "name"));
  auto checked = [&]() -> Status {
    ARROW_ASSIGN_OR_RAISE(j.type, RequiredAttribute(e, "type"));
    static const char* kTypes[] = {"revolute", "continuous", "prismatic", "fixed", "floating", "planar", "spherical"};
    if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return j.type == t; })) {
      return InvalidArgument("unknown type '{}', expected one of revolute, continuous, prismatic, fixed, floating, "
                             "planar, spherical",
                             j.type);
    }
    ARROW_ASSIGN_OR_RAISE(j.origin, ReadPose(e));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* parent, Required(e, "parent"));
    ARROW_ASSIGN_OR_RAISE(j.parent, RequiredAttribute(*parent, "link"));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* child, Required(e, "child"));
    ARROW_ASSIGN_OR_RAISE(j.child, RequiredAttribute(*child, "link"));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* axis, One(e, "axis"));
    if (axis) {
      ARROW_ASSIGN_OR_RAISE(j.axis, Vector(*axis, "xyz", std::nullopt));
    }
    ARROW_ASSIGN_OR_RAISE(const XmlElement* limit, One(e, "limit"));
    if (limit) ARROW_RETURN_NOT_OK(CheckNumbers(*limit, {"velocity"}, {"lower", "upper", "effort"}));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* calibration, One(e, "calibration"));
    if (calibration) ARROW_RETURN_NOT_OK(CheckNumbers(*calibration, {}, {"rising", "falling"}));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* dynamics, One(e, "dynamics"));
    if (dynamics) ARROW_RETURN_NOT_OK(CheckNumbers(*dynamics, {}, {"damping", "friction"}));
    ARROW_ASSIGN_OR_RAISE(const XmlElement* mimic, One(e, "mimic"));
    if (mimic) {
      ARROW_RETURN_NOT_OK(RequiredAttribute(*mimic, "joint").status());
      ARROW_RETURN_NOT_OK(CheckNumbers(*mimic, {}, {"multiplier", "offset"}));
    }
    ARROW_ASSIGN_OR_RAISE(const XmlElement* safety, One(e, "safety_controller"));
    if (safety) {
      ARROW_RETURN_NOT_OK(CheckNumbers(*safety, {"k_velocity"}, {"soft_lower_limit", "soft_upper_limit", "k_position"}));
    }
    return Status::OK();
  }();
  if (!checked.ok()) return InvalidArgument("joint '{}': {}", j.name, checked.message());
  return j;
}

}  // namespace

Result<Robot> ParseRobot(std::string_view xml) {
  ARROW_ASSIGN_OR_RAISE(XmlElement root, ParseXml(xml));
  Robot robot;
  if (const std::string* name = root.Attribute("name")) robot.name = *name;
  for (const auto& c : root.children) {
    if (c.name == "link") {
      ARROW_ASSIGN_OR_RAISE(auto link, ReadLink(c));
      robot.links.push_back(std::move(link));
    } else if (c.name == "joint") {
      ARROW_ASSIGN_OR_RAISE(auto joint, ReadJoint(c));
      robot.joints.push_back(std::move(joint));
    } else if (c.name == "material") {
      auto m = ReadMaterial(c);
      if (!m.ok()) return InvalidArgument("material: {}", m.status().message());
      robot.materials.push_back(std::move(*m));
    }
  }
  return robot;
}

}  // namespace chunkhouse::urdf
