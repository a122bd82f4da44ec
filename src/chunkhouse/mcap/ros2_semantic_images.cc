// sensor_msgs Image and CompressedImage, as Rerun's ros2msg decoder converts them
// (notes/ros2msg.md §2.6, §2.7).
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "chunkhouse/mcap/image_format.h"
#include "chunkhouse/mcap/ros2_semantic_types.h"

namespace chunkhouse::mcap::semantic {
namespace {

Result<std::vector<ParsedChunk>> ImageColumns(const arrow::StructArray& rows, const FinishContext&) {
  ARROW_ASSIGN_OR_RAISE(auto enc_array, Get(rows, "encoding"));
  ARROW_ASSIGN_OR_RAISE(auto width_array, Get(rows, "width"));
  ARROW_ASSIGN_OR_RAISE(auto height_array, Get(rows, "height"));
  const auto& encodings = static_cast<const arrow::StringArray&>(*enc_array);
  const auto& widths = static_cast<const arrow::UInt32Array&>(*width_array);
  const auto& heights = static_cast<const arrow::UInt32Array&>(*height_array);
  auto format_type = ImageFormatType();
  std::unique_ptr<arrow::ArrayBuilder> made;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), format_type, &made));
  std::shared_ptr<arrow::StructBuilder> formats(static_cast<arrow::StructBuilder*>(made.release()));
  arrow::ListBuilder format_list(arrow::default_memory_pool(), formats, arrow::list(arrow::field("item", format_type, true)));
  bool depth = false;
  for (int64_t i = 0; i < rows.length(); ++i) {
    const std::string encoding(encodings.GetView(i));
    auto f = ImageFormatOf(encoding);
    if (!f) {
      return InvalidArgument("Failed to decode image format for encoding '{}' with dimensions {}x{}", encoding,
                             widths.Value(i), heights.Value(i));
    }
    depth = f->depth;  // the last message decides for the whole chunk
    ARROW_RETURN_NOT_OK(format_list.Append());
    ARROW_RETURN_NOT_OK(AppendImageFormat(formats.get(), *f, widths.Value(i), heights.Value(i)));
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
