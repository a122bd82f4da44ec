#pragma once
// ROS image encodings (`rgb8`, `mono16`, `32FC1`, ...) as Rerun's ImageFormat: its pixel format,
// colour model and channel datatype, the Arrow struct it is stored as, and the bytes an image of
// that format takes. Used by ROS 2 sensor_msgs/Image and Foxglove's RawImage.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <optional>
#include <string>

#include "chunkhouse/base/status.h"

namespace chunkhouse::mcap {

struct ImageFormat {
  std::optional<uint8_t> pixel_format, color_model, channel_datatype;
  bool depth = false;  // a one-channel encoding (Rerun makes it a DepthImage)
};

// nullopt for an encoding Rerun does not know (names are case-sensitive).
std::optional<ImageFormat> ImageFormatOf(const std::string& encoding);
// Bytes of a width x height image (rounded up to whole bytes, as Rerun counts them; claims past
// 2^56 pixels are taken as 2^56, so the result never wraps).
uint64_t NumBytes(const ImageFormat& f, uint32_t width, uint32_t height);
// struct<width: uint32 not null, height: uint32 not null, pixel_format, color_model, channel_datatype: uint8>
std::shared_ptr<arrow::DataType> ImageFormatType();
Status AppendImageFormat(arrow::StructBuilder* b, const ImageFormat& f, uint32_t width, uint32_t height);

}  // namespace chunkhouse::mcap
