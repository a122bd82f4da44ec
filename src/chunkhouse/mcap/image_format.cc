#include "chunkhouse/mcap/image_format.h"

#include <arrow/builder.h>

#include <algorithm>
#include <map>

namespace chunkhouse::mcap {

std::optional<ImageFormat> ImageFormatOf(const std::string& encoding) {
  enum : uint8_t { L = 1, RGB = 2, RGBA = 3, BGR = 4, BGRA = 5 };
  enum : uint8_t { U8 = 6, I8 = 7, U16 = 8, I16 = 9, I32 = 11, F32 = 34, F64 = 35 };
  auto color = [](uint8_t model, uint8_t type) { return ImageFormat{std::nullopt, model, type, false}; };
  auto depth = [](uint8_t type) { return ImageFormat{std::nullopt, std::nullopt, type, true}; };
  static const std::map<std::string, ImageFormat> kFormats = {
      {"rgb8", color(RGB, U8)},     {"rgba8", color(RGBA, U8)},   {"bgr8", color(BGR, U8)},
      {"bgra8", color(BGRA, U8)},   {"rgb16", color(RGB, U16)},   {"rgba16", color(RGBA, U16)},
      {"bgr16", color(BGR, U16)},   {"bgra16", color(BGRA, U16)}, {"8UC3", color(BGR, U8)},
      {"yuyv", ImageFormat{27, std::nullopt, std::nullopt, false}},
      {"yuv422_yuy2", ImageFormat{27, std::nullopt, std::nullopt, false}},
      {"nv12", ImageFormat{26, std::nullopt, std::nullopt, false}},
      {"mono8", ImageFormat{std::nullopt, L, U8, true}},         {"mono16", ImageFormat{std::nullopt, L, U16, true}},
      {"8UC1", depth(U8)},          {"8SC1", depth(I8)},          {"16UC1", depth(U16)},
      {"16SC1", depth(I16)},        {"32SC1", depth(I32)},        {"32FC1", depth(F32)},
      {"64FC1", depth(F64)}};
  auto it = kFormats.find(encoding);
  if (it == kFormats.end()) return std::nullopt;
  return it->second;
}

uint64_t NumBytes(const ImageFormat& f, uint32_t width, uint32_t height) {
  // At most 2^64 / 256: every product below stays in range (a claimed size beyond any real
  // image saturates rather than wrapping).
  const uint64_t pixels = std::min<uint64_t>(uint64_t{width} * height, uint64_t{1} << 56);
  if (f.pixel_format) return (*f.pixel_format == 26 ? 12 : 16) * pixels / 8;  // NV12 (4:2:0), YUY2 (4:2:2)
  const uint64_t channels = [&]() -> uint64_t {
    switch (f.color_model.value_or(1)) {
      case 2: case 4: return 3;
      case 3: case 5: return 4;
      default: return 1;
    }
  }();
  const uint64_t bits = [&]() -> uint64_t {
    switch (f.channel_datatype.value_or(6)) {
      case 8: case 9: return 16;
      case 10: case 11: case 34: return 32;
      case 35: return 64;
      default: return 8;
    }
  }();
  return (pixels * channels * bits + 7) / 8;
}

std::shared_ptr<arrow::DataType> ImageFormatType() {
  return arrow::struct_({arrow::field("width", arrow::uint32(), false), arrow::field("height", arrow::uint32(), false),
                         arrow::field("pixel_format", arrow::uint8(), true), arrow::field("color_model", arrow::uint8(), true),
                         arrow::field("channel_datatype", arrow::uint8(), true)});
}

Status AppendImageFormat(arrow::StructBuilder* b, const ImageFormat& f, uint32_t width, uint32_t height) {
  auto optional = [](arrow::ArrayBuilder* ab, std::optional<uint8_t> v) {
    auto* u = static_cast<arrow::UInt8Builder*>(ab);
    return v ? u->Append(*v) : u->AppendNull();
  };
  ARROW_RETURN_NOT_OK(b->Append());
  ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(b->field_builder(0))->Append(width));
  ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(b->field_builder(1))->Append(height));
  ARROW_RETURN_NOT_OK(optional(b->field_builder(2), f.pixel_format));
  ARROW_RETURN_NOT_OK(optional(b->field_builder(3), f.color_model));
  return optional(b->field_builder(4), f.channel_datatype);
}

}  // namespace chunkhouse::mcap
