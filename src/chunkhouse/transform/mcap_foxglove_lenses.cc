// The Foxglove lenses Rerun's MCAP importer runs when `foxglove` is selected: Foxglove's protobuf
// schemas (decoded into structs by mcap/protobuf_parser.h) turned into archetypes, each message's
// `timestamp` becoming a `timestamp` timeline. Implemented: Log, FrameTransform(s),
// PoseInFrame, PosesInFrame, LocationFix(es), CompressedImage, CompressedVideo, RawImage,
// CameraCalibration (mcap/protobuf_parser.h refuses the others, PointCloud and VoxelGrid, by name).
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "chunkhouse/mcap/image_format.h"
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

// RawImage's encoding, width and height as Rerun's ImageFormat (an unknown encoding fails the column).
Out RawImageFormat(const ArrayPtr& input) {
  const char* ctx = "encoding_to_image_format";
  ARROW_ASSIGN_OR_RAISE(auto width, Field<arrow::UInt32Array>(*input, "width", ctx));
  ARROW_ASSIGN_OR_RAISE(auto height, Field<arrow::UInt32Array>(*input, "height", ctx));
  ARROW_ASSIGN_OR_RAISE(auto encoding, Field<arrow::StringArray>(*input, "encoding", ctx));
  std::unique_ptr<arrow::ArrayBuilder> made;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), mcap::ImageFormatType(), &made));
  auto* b = static_cast<arrow::StructBuilder*>(made.get());
  for (int64_t i = 0; i < input->length(); ++i) {
    if (encoding->IsNull(i)) {
      ARROW_RETURN_NOT_OK(b->AppendNull());
      continue;
    }
    auto f = mcap::ImageFormatOf(std::string(encoding->GetView(i)));
    if (!f) return InvalidArgument("Unexpected value: `{}`", encoding->GetView(i));
    ARROW_RETURN_NOT_OK(mcap::AppendImageFormat(b, *f, width->Value(i), height->Value(i)));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, b->Finish());
  return std::optional<ArrayPtr>(out);
}

// RawImage's pixels without row padding: `height` rows of the format's bytes per row, read
// `step` apart; a blob longer than the image is cut to it.
Out RawImageBuffer(const ArrayPtr& input) {
  const char* ctx = "extract_image_buffer";
  ARROW_ASSIGN_OR_RAISE(auto width, Field<arrow::UInt32Array>(*input, "width", ctx));
  ARROW_ASSIGN_OR_RAISE(auto height, Field<arrow::UInt32Array>(*input, "height", ctx));
  ARROW_ASSIGN_OR_RAISE(auto step, Field<arrow::UInt32Array>(*input, "step", ctx));
  ARROW_ASSIGN_OR_RAISE(auto encoding, Field<arrow::StringArray>(*input, "encoding", ctx));
  ARROW_ASSIGN_OR_RAISE(auto data, Field<arrow::BinaryArray>(*input, "data", ctx));
  auto bytes = std::make_shared<arrow::UInt8Builder>();
  arrow::ListBuilder out(arrow::default_memory_pool(), bytes, arrow::list(arrow::field("item", arrow::uint8(), false)));
  for (int64_t i = 0; i < input->length(); ++i) {
    if (input->IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(out.Append());
    if (data->IsNull(i)) continue;
    auto f = mcap::ImageFormatOf(std::string(encoding->GetView(i)));
    if (!f) return InvalidArgument("Unexpected value: `{}`", encoding->GetView(i));
    const std::string_view blob = data->GetView(i);
    const uint64_t h = height->Value(i);
    const uint64_t total = mcap::NumBytes(*f, width->Value(i), height->Value(i));
    const uint64_t stride = step->Value(i) > 0 ? step->Value(i) : (h ? blob.size() / h : 0);
    const uint64_t per_row = h ? total / h : 0;
    const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
    if (stride > per_row && h > 0) {
      if ((h - 1) * stride + per_row > blob.size()) {
        return InvalidArgument("image of {} rows of {} bytes, {} apart, needs more than the {} bytes given", h, per_row,
                               stride, blob.size());
      }
      for (uint64_t r = 0; r < h; ++r) ARROW_RETURN_NOT_OK(bytes->AppendValues(p + r * stride, static_cast<int64_t>(per_row)));
    } else {
      ARROW_RETURN_NOT_OK(bytes->AppendValues(p, static_cast<int64_t>(std::min<uint64_t>(blob.size(), total))));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
}

// A codec name (any case) as Rerun's VideoCodec value (its FourCC).
Out VideoCodec(const ArrayPtr& input) {
  if (input->type_id() != arrow::Type::STRING) {
    return InvalidArgument("Type mismatch in string_to_video_codec input: expected StringArray, got {}", input->type()->ToString());
  }
  const auto& s = static_cast<const arrow::StringArray&>(*input);
  arrow::UInt32Builder b;
  for (int64_t i = 0; i < s.length(); ++i) {
    if (s.IsNull(i)) {
      ARROW_RETURN_NOT_OK(b.AppendNull());
      continue;
    }
    std::string v(s.GetView(i));
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const uint32_t code = v == "h264" ? 0x61766331 : v == "h265" ? 0x68657631 : v == "av1" ? 0x61763031
                        : v == "vp8" ? 0x76703038 : v == "vp9" ? 0x76703039 : 0;
    if (code == 0) return InvalidArgument("Unexpected value: expected one of h264, h265, av1, vp8, vp9, got `{}`", s.GetView(i));
    ARROW_RETURN_NOT_OK(b.Append(code));
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

Result<Lens> RawImage(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.RawImage:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  const std::string a = "rerun.archetypes.Image";
  return lens.ToComponent(Frame(), frame.Pipe(SuffixNonEmpty("_image_plane")))
      .ToComponent(D(a, "Image:format", "rerun.components.ImageFormat"), whole.Pipe(RawImageFormat))
      .ToComponent(D(a, "Image:buffer", "rerun.components.ImageBuffer"), whole.Pipe(RawImageBuffer));
}

Result<Lens> CompressedVideo(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.CompressedVideo:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto format, S(".format"));
  ARROW_ASSIGN_OR_RAISE(auto data, S(".data"));
  const std::string a = "rerun.archetypes.VideoStream";
  return lens.ToComponent(Frame(), frame.Pipe(SuffixNonEmpty("_image_plane")))
      .ToComponent(D(a, "VideoStream:codec", "rerun.components.VideoCodec"), format.Pipe(VideoCodec))
      .ToComponent(D(a, "VideoStream:sample", "rerun.components.VideoSample"), data.Pipe(BinaryToListUInt8));
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
  for (auto made : {CameraCalibration(c), CompressedImage(c), CompressedVideo(c),
                    Transforms(c, "foxglove.FrameTransform:message", ""),
                    Transforms(c, "foxglove.FrameTransforms:message", ".transforms[]"),
                    Fixes(c, "foxglove.LocationFix:message", "", false),
                    Fixes(c, "foxglove.LocationFixes:message", ".fixes[]", true), Log(c),
                    Poses(c, "foxglove.PoseInFrame:message", ".pose"), Poses(c, "foxglove.PosesInFrame:message", ".poses[]"),
                    RawImage(c)}) {
    ARROW_ASSIGN_OR_RAISE(auto lens, std::move(made));
    out.push_back(std::move(lens));
  }
  return out;
}

}  // namespace chunkhouse::transform
