// The Foxglove lenses Rerun's MCAP importer runs when `foxglove` is selected: Foxglove's protobuf
// schemas (decoded into structs by mcap/protobuf_parser.h) turned into archetypes, each message's
// `timestamp` becoming a `timestamp` timeline. Implemented: Log, FrameTransform(s),
// PoseInFrame, PosesInFrame, LocationFix(es), CompressedImage, CameraCalibration
// (mcap/protobuf_parser.h refuses the others by name).
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cmath>

#include "chunkhouse/transform/mcap_lens_ops.h"
#include "chunkhouse/transform/mcap_lenses.h"

namespace chunkhouse::transform {
namespace {

using namespace mcap_lens;  // NOLINT

// A field by its first present name among `names`, as Int64 or Int32 values.
ArrayPtr FirstField(const arrow::StructArray& s, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto f = s.GetFieldByName(n)) return f;
  }
  return nullptr;
}

int64_t IntAt(const arrow::Array& a, int64_t i) {
  switch (a.type_id()) {
    case arrow::Type::INT64: return static_cast<const arrow::Int64Array&>(a).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(a).Value(i);
    case arrow::Type::UINT32: return static_cast<const arrow::UInt32Array&>(a).Value(i);
    case arrow::Type::UINT64: return static_cast<int64_t>(static_cast<const arrow::UInt64Array&>(a).Value(i));
    default: return 0;
  }
}

// A time struct (seconds|sec, nanos|nanosec|nsec) as nanoseconds; null where the struct or a part is.
Out TimespecToNanos(const ArrayPtr& input) {
  if (input->type_id() != arrow::Type::STRUCT) {
    return InvalidArgument("Type mismatch in timespec_to_nanos input: expected StructArray, got {}", input->type()->ToString());
  }
  const auto& s = static_cast<const arrow::StructArray&>(*input);
  ArrayPtr sec = FirstField(s, {"seconds", "sec"}), nanos = FirstField(s, {"nanos", "nanosec", "nsec"});
  if (!sec) return InvalidArgument("Field `seconds | sec` not found");
  if (!nanos) return InvalidArgument("Field `nanos | nanosec | nsec` not found");
  arrow::Int64Builder b;
  for (int64_t i = 0; i < s.length(); ++i) {
    if (s.IsNull(i) || sec->IsNull(i) || nanos->IsNull(i)) {
      ARROW_RETURN_NOT_OK(b.AppendNull());
      continue;
    }
    int64_t ns = 0;
    if (__builtin_mul_overflow(IntAt(*sec, i), int64_t{1000000000}, &ns) ||
        __builtin_add_overflow(ns, static_cast<int64_t>(static_cast<int32_t>(IntAt(*nanos, i))), &ns)) {
      return InvalidArgument("Overflow happened on: {} * 1000000000", IntAt(*sec, i));
    }
    ARROW_RETURN_NOT_OK(b.Append(ns));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
  return std::optional<ArrayPtr>(out);
}

// Binary values as lists of bytes (the blob type).
Out BinaryToListUInt8(const ArrayPtr& input) {
  if (input->type_id() != arrow::Type::BINARY) {
    return InvalidArgument("Type mismatch in binary_to_list_uint8 input: expected BinaryArray, got {}", input->type()->ToString());
  }
  const auto& bin = static_cast<const arrow::BinaryArray&>(*input);
  auto values = std::make_shared<arrow::UInt8Array>(bin.total_values_length(),
                                                    arrow::SliceBuffer(bin.value_data(), bin.value_offset(0),
                                                                       bin.total_values_length()));
  arrow::Int32Builder offsets;
  for (int64_t i = 0; i <= bin.length(); ++i) ARROW_RETURN_NOT_OK(offsets.Append(bin.value_offset(i) - bin.value_offset(0)));
  ARROW_ASSIGN_OR_RAISE(auto offsets_array, offsets.Finish());
  auto type = arrow::list(arrow::field("item", arrow::uint8(), false));
  ARROW_ASSIGN_OR_RAISE(auto list, arrow::ListArray::FromArrays(type, *offsets_array, *values, arrow::default_memory_pool(),
                                                                bin.null_bitmap(), bin.null_count()));
  return std::optional<ArrayPtr>(list);
}

double DoubleAt(const arrow::Array& a, int64_t i) {
  switch (a.type_id()) {
    case arrow::Type::DOUBLE: return static_cast<const arrow::DoubleArray&>(a).Value(i);
    case arrow::Type::FLOAT: return static_cast<const arrow::FloatArray&>(a).Value(i);
    default: return static_cast<double>(IntAt(a, i));
  }
}

// A colour struct (r, g, b, a in 0..1) as 0xRRGGBBAA.
Out RgbaToUInt32(const ArrayPtr& input) {
  const char* ctx = "rgba_struct_to_uint32";
  ARROW_ASSIGN_OR_RAISE(auto r, Field<arrow::Array>(*input, "r", ctx));
  ARROW_ASSIGN_OR_RAISE(auto g, Field<arrow::Array>(*input, "g", ctx));
  ARROW_ASSIGN_OR_RAISE(auto bl, Field<arrow::Array>(*input, "b", ctx));
  ARROW_ASSIGN_OR_RAISE(auto a, Field<arrow::Array>(*input, "a", ctx));
  auto channel = [](const arrow::Array& c, int64_t i) -> uint32_t {
    const double v = DoubleAt(c, i);
    if (std::isnan(v)) return 0;
    return static_cast<uint32_t>(std::round(std::clamp(v, 0.0, 1.0) * 255.0));
  };
  arrow::UInt32Builder b;
  for (int64_t i = 0; i < input->length(); ++i) {
    if (input->IsNull(i)) {
      ARROW_RETURN_NOT_OK(b.AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(b.Append(channel(*r, i) << 24 | channel(*g, i) << 16 | channel(*bl, i) << 8 | channel(*a, i)));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
  return std::optional<ArrayPtr>(out);
}

// latitude, longitude as a pair of doubles per value (the LatLon type).
Out LatLonToFixed(const ArrayPtr& input) {
  const char* ctx = "lat_lon_struct_to_fixed";
  ARROW_ASSIGN_OR_RAISE(auto lat, Field<arrow::Array>(*input, "latitude", ctx));
  ARROW_ASSIGN_OR_RAISE(auto lon, Field<arrow::Array>(*input, "longitude", ctx));
  auto doubles = std::make_shared<arrow::DoubleBuilder>();
  arrow::FixedSizeListBuilder out(arrow::default_memory_pool(), doubles,
                                  arrow::fixed_size_list(arrow::field("item", arrow::float64(), false), 2));
  for (int64_t i = 0; i < input->length(); ++i) {
    if (input->IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(out.Append());
    ARROW_RETURN_NOT_OK(doubles->Append(DoubleAt(*lat, i)));
    ARROW_RETURN_NOT_OK(doubles->Append(DoubleAt(*lon, i)));
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
}

// Foxglove's log level names as Rerun's: WARNING -> WARN, FATAL -> CRITICAL, UNKNOWN -> null.
Out FoxgloveLogLevel(const ArrayPtr& input) {
  if (input->type_id() != arrow::Type::STRING) {
    return InvalidArgument("Type mismatch in foxglove_to_rerun_log_level input: expected StringArray, got {}",
                           input->type()->ToString());
  }
  const auto& s = static_cast<const arrow::StringArray&>(*input);
  arrow::StringBuilder b;
  for (int64_t i = 0; i < s.length(); ++i) {
    const std::string_view v = s.IsNull(i) ? std::string_view() : s.GetView(i);
    if (s.IsNull(i) || v == "UNKNOWN") {
      ARROW_RETURN_NOT_OK(b.AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(b.Append(v == "WARNING" ? "WARN" : v == "FATAL" ? "CRITICAL" : v));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
  return std::optional<ArrayPtr>(out);
}

struct Ctx {
  TimeType time_type;
};

Result<Lens> WithTime(Lens lens, const Ctx& c, std::string_view stamp = ".timestamp") {
  ARROW_ASSIGN_OR_RAISE(auto t, S(stamp));
  return lens.ToTimeline("timestamp", c.time_type, t.Pipe(TimespecToNanos));
}

const std::string kT3 = "rerun.archetypes.Transform3D", kPoses = "rerun.archetypes.InstancePoses3D",
                  kGeo = "rerun.archetypes.GeoPoints";

Result<Lens> Log(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.Log:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto text, S(".message"));
  ARROW_ASSIGN_OR_RAISE(auto level, S(".level.name"));
  return lens.ToComponent(D("rerun.archetypes.TextLog", "TextLog:text", "rerun.components.Text"), text)
      .ToComponent(D("rerun.archetypes.TextLog", "TextLog:level", "rerun.components.TextLogLevel"), level.Pipe(FoxgloveLogLevel));
}

// FrameTransform (one per message) and FrameTransforms (a list per message): one row per transform.
Result<Lens> Transforms(const Ctx& c, const char* input, const std::string& each) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive(input, std::nullopt, /*scatter=*/true), c, each + ".timestamp"));
  ARROW_ASSIGN_OR_RAISE(auto parent, S(each + ".parent_frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto child, S(each + ".child_frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(each + ".translation | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(each + ".rotation | pack(.x!, .y!, .z!, .w!)"));
  return lens.ToComponent(D(kT3, "Transform3D:parent_frame", kFrameType), parent)
      .ToComponent(D(kT3, "Transform3D:child_frame", kFrameType), child)
      .ToComponent(D(kT3, "Transform3D:translation", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(kT3, "Transform3D:quaternion", "rerun.components.RotationQuat"), q, Auto());
}

// PoseInFrame (one pose) and PosesInFrame (a list): instance poses on the message's frame.
Result<Lens> Poses(const Ctx& c, const char* input, const std::string& each) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive(input), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(each + ".position | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(each + ".orientation | pack(.x!, .y!, .z!, .w!)"));
  return lens.ToComponent(Frame(), frame)
      .ToComponent(D(kPoses, "InstancePoses3D:translations", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(kPoses, "InstancePoses3D:quaternions", "rerun.components.RotationQuat"), q, Auto());
}

// LocationFix (derive) and LocationFixes (scatter, one row per fix).
Result<Lens> Fixes(const Ctx& c, const char* input, const std::string& each, bool scatter) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive(input, std::nullopt, scatter), c, each + ".timestamp"));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(each + ".frame_id!"));
  ARROW_ASSIGN_OR_RAISE(auto fix, S(each.empty() ? "." : each));
  ARROW_ASSIGN_OR_RAISE(auto color, S(each + ".color!"));
  return lens.ToComponent(Frame(), frame)
      .ToComponent(D(kGeo, "GeoPoints:positions", "rerun.components.LatLon"), fix.Pipe(LatLonToFixed))
      .ToComponent(D(kGeo, "GeoPoints:colors", "rerun.components.Color"), color.Pipe(RgbaToUInt32));
}

Result<Lens> CompressedImage(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.CompressedImage:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto media, S(".format | string_prefix(\"image/\")"));
  ARROW_ASSIGN_OR_RAISE(auto data, S(".data"));
  const std::string a = "rerun.archetypes.EncodedImage";
  return lens.ToComponent(Frame(), frame.Pipe(SuffixNonEmpty("_image_plane")))
      .ToComponent(D(a, "EncodedImage:media_type", "rerun.components.MediaType"), media)
      .ToComponent(D(a, "EncodedImage:blob", "rerun.components.Blob"), data.Pipe(BinaryToListUInt8));
}

Result<Lens> CameraCalibration(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.CameraCalibration:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto resolution, S("pack(.width!, .height!)"));
  ARROW_ASSIGN_OR_RAISE(auto k, S(".K"));
  const std::string a = "rerun.archetypes.Pinhole";
  return lens.ToComponent(D(a, "Pinhole:child_frame", kFrameType), frame.Pipe(SuffixNonEmpty("_image_plane")))
      .ToComponent(D(a, "Pinhole:resolution", "rerun.components.Resolution"), resolution, Auto())
      .ToComponent(D(a, "Pinhole:image_from_camera", "rerun.components.PinholeProjection"), k.Pipe(RowMajor3x3ToColumnMajor))
      .ToComponent(D(a, "Pinhole:parent_frame", kFrameType), frame);
}

}  // namespace

Result<std::vector<Lens>> FoxgloveLenses(TimeType time_type) {
  const Ctx c{time_type};
  std::vector<Lens> out;
  for (auto made : {CameraCalibration(c), CompressedImage(c), Transforms(c, "foxglove.FrameTransform:message", ""),
                    Transforms(c, "foxglove.FrameTransforms:message", ".transforms[]"),
                    Fixes(c, "foxglove.LocationFix:message", "", false),
                    Fixes(c, "foxglove.LocationFixes:message", ".fixes[]", true), Log(c),
                    Poses(c, "foxglove.PoseInFrame:message", ".pose"), Poses(c, "foxglove.PosesInFrame:message", ".poses[]")}) {
    ARROW_ASSIGN_OR_RAISE(auto lens, std::move(made));
    out.push_back(std::move(lens));
  }
  return out;
}

}  // namespace chunkhouse::transform
