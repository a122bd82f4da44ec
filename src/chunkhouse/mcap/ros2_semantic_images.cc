// sensor_msgs Image and CompressedImage, as Rerun's ros2msg decoder converts them
// (notes/ros2msg.md §2.6, §2.7).
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "chunkhouse/mcap/ros2_semantic_types.h"

namespace chunkhouse::mcap::semantic {
namespace {

// Rerun's ImageFormat fields for one ROS encoding; depth: a one-channel encoding (DepthImage).
struct Format {
  std::optional<uint8_t> pixel_format, color_model, channel_datatype;
  bool depth = false;
};

std::optional<Format> FormatOf(const std::string& encoding) {
  enum : uint8_t { L = 1, RGB = 2, RGBA = 3, BGR = 4, BGRA = 5 };
  enum : uint8_t { U8 = 6, I8 = 7, U16 = 8, I16 = 9, I32 = 11, F32 = 34, F64 = 35 };
  auto color = [](uint8_t model, uint8_t type) { return Format{std::nullopt, model, type, false}; };
  auto depth = [](uint8_t type) { return Format{std::nullopt, std::nullopt, type, true}; };
  static const std::map<std::string, Format> kFormats = {
      {"rgb8", color(RGB, U8)},     {"rgba8", color(RGBA, U8)},   {"bgr8", color(BGR, U8)},
      {"bgra8", color(BGRA, U8)},   {"rgb16", color(RGB, U16)},   {"rgba16", color(RGBA, U16)},
      {"bgr16", color(BGR, U16)},   {"bgra16", color(BGRA, U16)}, {"8UC3", color(BGR, U8)},
      {"yuyv", Format{27, std::nullopt, std::nullopt, false}},    {"yuv422_yuy2", Format{27, std::nullopt, std::nullopt, false}},
      {"nv12", Format{26, std::nullopt, std::nullopt, false}},
      {"mono8", Format{std::nullopt, L, U8, true}},               {"mono16", Format{std::nullopt, L, U16, true}},
      {"8UC1", depth(U8)},          {"8SC1", depth(I8)},          {"16UC1", depth(U16)},
      {"16SC1", depth(I16)},        {"32SC1", depth(I32)},        {"32FC1", depth(F32)},
      {"64FC1", depth(F64)}};
  auto it = kFormats.find(encoding);
  if (it == kFormats.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<arrow::DataType> ImageFormatType() {
  return arrow::struct_({arrow::field("width", arrow::uint32(), false), arrow::field("height", arrow::uint32(), false),
                         arrow::field("pixel_format", arrow::uint8(), true), arrow::field("color_model", arrow::uint8(), true),
                         arrow::field("channel_datatype", arrow::uint8(), true)});
}

Status AppendOptional(arrow::UInt8Builder* b, std::optional<uint8_t> v) { return v ? b->Append(*v) : b->AppendNull(); }

Result<std::vector<ParsedChunk>> ImageColumns(const arrow::StructArray& rows, const FinishContext&) {
  ARROW_ASSIGN_OR_RAISE(auto enc_array, Get(rows, "encoding"));
  ARROW_ASSIGN_OR_RAISE(auto width_array, Get(rows, "width"));
  ARROW_ASSIGN_OR_RAISE(auto height_array, Get(rows, "height"));
  const auto& encodings = static_cast<const arrow::StringArray&>(*enc_array);
  const auto& widths = static_cast<const arrow::UInt32Array&>(*width_array);
  const auto& heights = static_cast<const arrow::UInt32Array&>(*height_array);
  auto format_type = ImageFormatType();
  auto formats = std::make_shared<arrow::StructBuilder>(
      format_type, arrow::default_memory_pool(),
      std::vector<std::shared_ptr<arrow::ArrayBuilder>>{
          std::make_shared<arrow::UInt32Builder>(), std::make_shared<arrow::UInt32Builder>(),
          std::make_shared<arrow::UInt8Builder>(), std::make_shared<arrow::UInt8Builder>(),
          std::make_shared<arrow::UInt8Builder>()});
  arrow::ListBuilder format_list(arrow::default_memory_pool(), formats, arrow::list(arrow::field("item", format_type, true)));
  bool depth = false;
  for (int64_t i = 0; i < rows.length(); ++i) {
    const std::string encoding(encodings.GetView(i));
    auto f = FormatOf(encoding);
    if (!f) {
      return InvalidArgument("Failed to decode image format for encoding '{}' with dimensions {}x{}", encoding,
                             widths.Value(i), heights.Value(i));
    }
    depth = f->depth;  // the last message decides for the whole chunk
    ARROW_RETURN_NOT_OK(format_list.Append());
    ARROW_RETURN_NOT_OK(formats->Append());
    ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(formats->field_builder(0))->Append(widths.Value(i)));
    ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(formats->field_builder(1))->Append(heights.Value(i)));
    ARROW_RETURN_NOT_OK(AppendOptional(static_cast<arrow::UInt8Builder*>(formats->field_builder(2)), f->pixel_format));
    ARROW_RETURN_NOT_OK(AppendOptional(static_cast<arrow::UInt8Builder*>(formats->field_builder(3)), f->color_model));
    ARROW_RETURN_NOT_OK(AppendOptional(static_cast<arrow::UInt8Builder*>(formats->field_builder(4)), f->channel_datatype));
  }
  ARROW_ASSIGN_OR_RAISE(auto format_column, format_list.Finish());
  ARROW_ASSIGN_OR_RAISE(auto data, Get(rows, "data"));
  ARROW_ASSIGN_OR_RAISE(auto buffers, Blobs(data));
  ARROW_ASSIGN_OR_RAISE(auto frames, FrameIds(rows, "_image_plane"));
  const std::string arch = depth ? "rerun.archetypes.DepthImage" : "rerun.archetypes.Image";
  const std::string name = depth ? "DepthImage" : "Image";
  std::vector<ParsedChunk> out(1);
  out[0].components = {{Frame(), frames},
                       {D(arch, name + ":buffer", "rerun.components.ImageBuffer"), buffers},
                       {D(arch, name + ":format", "rerun.components.ImageFormat"), format_column}};
  return out;
}

enum class Compressed { kEncoded, kRvl, kH264 };

Compressed KindOf(std::string_view format) {
  std::string lower(format);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "h264") return Compressed::kH264;
  if (size_t semi = format.find(';'); semi != std::string_view::npos) {
    std::string_view before = format.substr(0, semi);
    while (!before.empty() && std::isspace(static_cast<unsigned char>(before.front()))) before.remove_prefix(1);
    while (!before.empty() && std::isspace(static_cast<unsigned char>(before.back()))) before.remove_suffix(1);
    std::string after = lower.substr(semi + 1);
    if (!before.empty() && after.find("compresseddepth") != std::string::npos && after.find("rvl") != std::string::npos) {
      return Compressed::kRvl;
    }
  }
  return Compressed::kEncoded;
}

Result<std::vector<ParsedChunk>> CompressedColumns(const arrow::StructArray& rows, const FinishContext&) {
  ARROW_ASSIGN_OR_RAISE(auto format_array, Get(rows, "format"));
  const auto& formats = static_cast<const arrow::StringArray&>(*format_array);
  std::optional<Compressed> kind;
  for (int64_t i = 0; i < rows.length(); ++i) {
    Compressed k = KindOf(formats.GetView(i));
    if (kind && *kind != k) return InvalidArgument("Encountered mixed compressed image payloads on the same topic; this is not supported");
    kind = k;
  }
  ARROW_ASSIGN_OR_RAISE(auto data, Get(rows, "data"));
  ARROW_ASSIGN_OR_RAISE(auto blobs, Blobs(data));
  ARROW_ASSIGN_OR_RAISE(auto frames, FrameIds(rows, "_image_plane"));
  std::vector<ParsedChunk> out(1);
  out[0].components = {{Frame(), frames}};
  switch (kind.value_or(Compressed::kEncoded)) {
    case Compressed::kEncoded:
      out[0].components.push_back({D("rerun.archetypes.EncodedImage", "EncodedImage:blob", "rerun.components.Blob"), blobs});
      break;
    case Compressed::kRvl: {
      const std::string arch = "rerun.archetypes.EncodedDepthImage";
      out[0].components.push_back({D(arch, "EncodedDepthImage:blob", "rerun.components.Blob"), blobs});
      arrow::StringBuilder media;
      for (int64_t i = 0; i < rows.length(); ++i) ARROW_RETURN_NOT_OK(media.Append("application/rvl"));
      ARROW_ASSIGN_OR_RAISE(auto media_array, media.Finish());
      ARROW_ASSIGN_OR_RAISE(auto media_column, OnePerRow(media_array));
      out[0].components.push_back({D(arch, "EncodedDepthImage:media_type", "rerun.components.MediaType"), media_column});
      break;
    }
    case Compressed::kH264: {
      const std::string arch = "rerun.archetypes.VideoStream";
      out[0].components.push_back({D(arch, "VideoStream:sample", "rerun.components.VideoSample"), blobs});
      arrow::ListBuilder codec(arrow::default_memory_pool(), std::make_shared<arrow::UInt32Builder>());
      ARROW_RETURN_NOT_OK(codec.Append());
      ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(codec.value_builder())->Append(0x61766331));  // "avc1"
      ARROW_ASSIGN_OR_RAISE(auto codec_column, codec.Finish());
      ParsedChunk s;
      s.is_static = true;
      s.components = {{D(arch, "VideoStream:codec", "rerun.components.VideoCodec"), codec_column}};
      out.push_back(std::move(s));
      break;
    }
  }
  return out;
}

}  // namespace

SemanticType ImageType() {
  return Make("sensor_msgs/msg/Image",
              "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\n"
              "uint8[] data\n" + kMsgSep + kMsgHeader,
              ImageColumns);
}

SemanticType CompressedImageType() {
  return Make("sensor_msgs/msg/CompressedImage", "std_msgs/Header header\nstring format\nuint8[] data\n" + kMsgSep + kMsgHeader,
              CompressedColumns);
}

}  // namespace chunkhouse::mcap::semantic
