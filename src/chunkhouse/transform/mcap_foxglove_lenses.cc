// The Foxglove lenses Rerun's MCAP importer runs when `foxglove` is selected: Foxglove's protobuf
// schemas (decoded into structs by mcap/protobuf_parser.h) turned into archetypes, each message's
// `timestamp` becoming a `timestamp` timeline. Implemented: Log, FrameTransform(s),
// PoseInFrame, PosesInFrame, LocationFix(es), CompressedImage, CompressedVideo, RawImage,
// CameraCalibration, PointCloud and VoxelGrid: all 13 of Rerun 0.36.2's.
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>
#include <cmath>
#include <string>

#include "chunkhouse/mcap/bytes.h"
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


// A colour struct (r, g, b, a in 0..1) as 0xRRGGBBAA.
Out RgbaToUInt32(const ArrayPtr& input) {
  const char* ctx = "rgba_struct_to_uint32";
  ARROW_ASSIGN_OR_RAISE(auto r, Field<arrow::Array>(*input, "r", ctx));
  ARROW_ASSIGN_OR_RAISE(auto g, Field<arrow::Array>(*input, "g", ctx));
  ARROW_ASSIGN_OR_RAISE(auto bl, Field<arrow::Array>(*input, "b", ctx));
  ARROW_ASSIGN_OR_RAISE(auto a, Field<arrow::Array>(*input, "a", ctx));
  auto channel = [](const arrow::Array& c, int64_t i) -> uint32_t {
    const double v = mcap::NumberAt(c, i);
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
    ARROW_RETURN_NOT_OK(doubles->Append(mcap::NumberAt(*lat, i)));
    ARROW_RETURN_NOT_OK(doubles->Append(mcap::NumberAt(*lon, i)));
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
      // h and stride are 32-bit, so (h - 1) * stride fits; per_row is checked on its own first.
      if (per_row > blob.size() || (h - 1) * stride > blob.size() - per_row) {
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

// ---- Foxglove's packed element fields (PointCloud, VoxelGrid): named fields of a numeric type
// at an offset in each element of a little-endian byte buffer ----

struct Packed {
  uint64_t offset = 0;
  int32_t type = 0;  // 1 uint8, 2 int8, 3 uint16, 4 int16, 5 uint32, 6 int32, 7 float32, 8 float64
};

uint64_t PackedSize(int32_t type) {
  static const uint64_t kSizes[] = {0, 1, 1, 2, 2, 4, 4, 4, 8};
  return type >= 1 && type <= 8 ? kSizes[type] : 0;
}


// A value as a double; nullopt when it runs past the data.
std::optional<double> ReadPacked(std::string_view data, uint64_t at, int32_t type) {
  if (at > data.size() || data.size() - at < PackedSize(type)) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data()) + at;
  switch (type) {
    case 1: return p[0];
    case 2: return static_cast<int8_t>(p[0]);
    case 3: return mcap::Load<uint16_t>(p);
    case 4: return mcap::Load<int16_t>(p);
    case 5: return mcap::Load<uint32_t>(p);
    case 6: return mcap::Load<int32_t>(p);
    case 7: return mcap::Load<float>(p);
    default: return mcap::Load<double>(p);
  }
}

// A colour channel as a byte: integers saturate into 0..255, floats are 0..1 scaled.
uint8_t ChannelByte(std::optional<double> v, int32_t type) {
  if (!v || std::isnan(*v)) return 0;
  if (type == 7 || type == 8) {
    const double scaled = std::clamp((type == 7 ? static_cast<double>(static_cast<float>(*v) * 255.0f) : *v * 255.0), 0.0, 255.0);
    return static_cast<uint8_t>(scaled);
  }
  return static_cast<uint8_t>(std::clamp(*v, 0.0, 255.0));
}

// The named fields of one element's `fields` list (the first of each name); nullopt entries for
// names not there, all nullopt when the list lacks its name/offset/type columns.
Result<std::vector<std::optional<Packed>>> FindPacked(const arrow::Array& fields, const std::vector<std::string>& names) {
  std::vector<std::optional<Packed>> out(names.size());
  if (fields.type_id() != arrow::Type::STRUCT) return out;
  const auto& s = static_cast<const arrow::StructArray&>(fields);
  auto name = std::dynamic_pointer_cast<arrow::StringArray>(s.GetFieldByName("name"));
  auto offset = std::dynamic_pointer_cast<arrow::UInt32Array>(s.GetFieldByName("offset"));
  auto type_struct = std::dynamic_pointer_cast<arrow::StructArray>(s.GetFieldByName("type"));
  auto type = type_struct ? std::dynamic_pointer_cast<arrow::Int32Array>(type_struct->GetFieldByName("value")) : nullptr;
  if (!name || !offset || !type) return out;
  for (size_t n = 0; n < names.size(); ++n) {
    for (int64_t i = 0; i < name->length(); ++i) {
      if (name->IsNull(i) || name->GetView(i) != names[n]) continue;
      if (PackedSize(type->Value(i)) == 0) return InvalidArgument("unknown NumericType value: {}", type->Value(i));
      out[n] = Packed{offset->Value(i), type->Value(i)};
      break;
    }
  }
  return out;
}

// The element list of row i (or nullopt when Rerun makes the row null).
struct PackedRow {
  std::string_view data;
  std::shared_ptr<arrow::Array> fields;
};
Result<std::vector<std::optional<PackedRow>>> PackedRows(const ArrayPtr& input, const char* ctx, bool need_fields) {
  ARROW_ASSIGN_OR_RAISE(auto data, Field<arrow::BinaryArray>(*input, "data", ctx));
  std::shared_ptr<arrow::ListArray> fields;
  if (need_fields) {
    ARROW_ASSIGN_OR_RAISE(fields, Field<arrow::ListArray>(*input, "fields", ctx));
  }
  std::vector<std::optional<PackedRow>> rows(static_cast<size_t>(input->length()));
  for (int64_t i = 0; i < input->length(); ++i) {
    if (input->IsNull(i) || data->IsNull(i) || (fields && fields->IsNull(i))) continue;
    rows[static_cast<size_t>(i)] = PackedRow{data->GetView(i), fields ? fields->value_slice(i) : nullptr};
  }
  return rows;
}

// PointCloud: x, y, z of each whole point as floats (a row is null without all three or a stride).
Out PackedPositions(const ArrayPtr& input) {
  ARROW_ASSIGN_OR_RAISE(auto stride, Field<arrow::UInt32Array>(*input, "point_stride", "extract_positions"));
  ARROW_ASSIGN_OR_RAISE(auto rows, PackedRows(input, "extract_positions", true));
  auto floats = std::make_shared<arrow::FloatBuilder>();
  auto points = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), floats,
                                                              arrow::fixed_size_list(arrow::field("item", arrow::float32(), false), 3));
  arrow::ListBuilder out(arrow::default_memory_pool(), points);
  for (size_t i = 0; i < rows.size(); ++i) {
    const uint64_t step = stride->Value(static_cast<int64_t>(i));
    if (!rows[i] || step == 0) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto xyz, FindPacked(*rows[i]->fields, {"x", "y", "z"}));
    if (!xyz[0] || !xyz[1] || !xyz[2]) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(out.Append());
    for (uint64_t base = 0; base + step <= rows[i]->data.size(); base += step) {
      ARROW_RETURN_NOT_OK(points->Append());
      for (const auto& f : xyz) {
        auto v = ReadPacked(rows[i]->data, base + f->offset, f->type);
        ARROW_RETURN_NOT_OK(floats->Append(v ? static_cast<float>(*v) : 0.0f));
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
}

// red, green, blue (and alpha, else opaque) of each whole element as 0xRRGGBBAA.
SelectorFn PackedColors(const char* stride_field) {
  return [stride_field](const ArrayPtr& input) -> Out {
    ARROW_ASSIGN_OR_RAISE(auto stride, Field<arrow::UInt32Array>(*input, stride_field, "extract_colors"));
    ARROW_ASSIGN_OR_RAISE(auto rows, PackedRows(input, "extract_colors", true));
    auto colors = std::make_shared<arrow::UInt32Builder>();
    arrow::ListBuilder out(arrow::default_memory_pool(), colors);
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint64_t step = stride->Value(static_cast<int64_t>(i));
      if (!rows[i] || step == 0) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto rgba, FindPacked(*rows[i]->fields, {"red", "green", "blue", "alpha"}));
      if (!rgba[0] || !rgba[1] || !rgba[2]) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out.Append());
      for (uint64_t base = 0; base + step <= rows[i]->data.size(); base += step) {
        uint32_t c = 0;
        for (size_t k = 0; k < 3; ++k) {
          c = c << 8 | ChannelByte(ReadPacked(rows[i]->data, base + rgba[k]->offset, rgba[k]->type), rgba[k]->type);
        }
        const uint8_t a = rgba[3] ? ChannelByte(ReadPacked(rows[i]->data, base + rgba[3]->offset, rgba[3]->type), rgba[3]->type) : 255;
        ARROW_RETURN_NOT_OK(colors->Append(c << 8 | a));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return std::optional<ArrayPtr>(done);
  };
}

// VoxelGrid: the (x, y, z) of every cell whose bytes lie inside the data, slice by slice, row by
// row. Strides may overlap, so the count is bounded (a hostile message cannot make it endless).
Out VoxelIndices(const ArrayPtr& input) {
  const char* ctx = "extract_voxel_indices";
  ARROW_ASSIGN_OR_RAISE(auto rows_n, Field<arrow::UInt32Array>(*input, "row_count", ctx));
  ARROW_ASSIGN_OR_RAISE(auto cols_n, Field<arrow::UInt32Array>(*input, "column_count", ctx));
  ARROW_ASSIGN_OR_RAISE(auto slice_s, Field<arrow::UInt32Array>(*input, "slice_stride", ctx));
  ARROW_ASSIGN_OR_RAISE(auto row_s, Field<arrow::UInt32Array>(*input, "row_stride", ctx));
  ARROW_ASSIGN_OR_RAISE(auto cell_s, Field<arrow::UInt32Array>(*input, "cell_stride", ctx));
  ARROW_ASSIGN_OR_RAISE(auto rows, PackedRows(input, ctx, false));
  constexpr uint64_t kMaxVoxels = uint64_t{1} << 26;
  auto ints = std::make_shared<arrow::Int32Builder>();
  auto voxels = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), ints,
                                                              arrow::fixed_size_list(arrow::field("item", arrow::int32(), false), 3));
  arrow::ListBuilder out(arrow::default_memory_pool(), voxels);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto r = static_cast<int64_t>(i);
    const uint64_t ny = rows_n->Value(r), nx = cols_n->Value(r), slice = slice_s->Value(r), row = row_s->Value(r),
                   cell = cell_s->Value(r);
    if (!rows[i] || ny == 0 || nx == 0 || slice == 0 || row == 0 || cell == 0) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(out.Append());
    const uint64_t size = rows[i]->data.size(), depth = size / slice;
    uint64_t emitted = 0;
    for (uint64_t z = 0; z < depth; ++z) {
      for (uint64_t y = 0; y < ny && z * slice + y * row + cell <= size; ++y) {
        for (uint64_t x = 0; x < nx && z * slice + y * row + x * cell + cell <= size; ++x) {
          if (++emitted > kMaxVoxels) return InvalidArgument("voxel grid holds more than {} voxels", kMaxVoxels);
          ARROW_RETURN_NOT_OK(voxels->Append());
          ARROW_RETURN_NOT_OK(ints->AppendValues(
              std::vector<int32_t>{static_cast<int32_t>(x), static_cast<int32_t>(y), static_cast<int32_t>(z)}));
        }
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
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

Result<Lens> PointCloud(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.PointCloud:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  ARROW_ASSIGN_OR_RAISE(auto flatten, S(".[]"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(".pose.position! | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(".pose.orientation! | pack(.x!, .y!, .z!, .w!)"));
  const std::string p = "rerun.archetypes.Points3D";
  return lens.ToComponent(Frame(), frame)
      .ToComponent(D(p, "Points3D:positions", "rerun.components.Position3D"), whole.Pipe(PackedPositions).Pipe(flatten))
      .ToComponent(D(p, "Points3D:colors", "rerun.components.Color"), whole.Pipe(PackedColors("point_stride")).Pipe(flatten))
      .ToComponent(D(kPoses, "InstancePoses3D:translations", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(kPoses, "InstancePoses3D:quaternions", "rerun.components.RotationQuat"), q, Auto());
}

Result<Lens> VoxelGrid(const Ctx& c) {
  ARROW_ASSIGN_OR_RAISE(auto lens, WithTime(Lens::Derive("foxglove.VoxelGrid:message"), c));
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  ARROW_ASSIGN_OR_RAISE(auto flatten, S(".[]"));
  ARROW_ASSIGN_OR_RAISE(auto size, S(".cell_size | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(".pose.position! | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(".pose.orientation! | pack(.x!, .y!, .z!, .w!)"));
  const std::string a = "rerun.archetypes.VoxelGridMap";
  return lens.ToComponent(Frame(), frame)
      .ToComponent(D(a, "VoxelGridMap:voxel_indices", "rerun.components.VoxelIndex"), whole.Pipe(VoxelIndices).Pipe(flatten))
      .ToComponent(D(a, "VoxelGridMap:voxel_size", "rerun.components.VoxelSize"), size, Auto())
      .ToComponent(D(a, "VoxelGridMap:colors", "rerun.components.Color"), whole.Pipe(PackedColors("cell_stride")).Pipe(flatten))
      .ToComponent(D(a, "VoxelGridMap:translation", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(a, "VoxelGridMap:quaternion", "rerun.components.RotationQuat"), q, Auto());
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
                    PointCloud(c), RawImage(c), VoxelGrid(c)}) {
    ARROW_ASSIGN_OR_RAISE(auto lens, std::move(made));
    out.push_back(std::move(lens));
  }
  return out;
}

}  // namespace chunkhouse::transform
