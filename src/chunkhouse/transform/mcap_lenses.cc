#include "chunkhouse/transform/mcap_lenses.h"

#include "chunkhouse/mcap/image_format.h"
#include "chunkhouse/transform/mcap_lens_ops.h"

#include <arrow/array.h>

#include <algorithm>
#include <arrow/builder.h>
#include <fmt/format.h>

namespace chunkhouse::transform {
namespace {

using namespace mcap_lens;  // NOLINT

// rcl_interfaces/Log: "[name] msg".
Out LogText(const ArrayPtr& input) {
  ARROW_ASSIGN_OR_RAISE(auto name, Field<arrow::StringArray>(*input, "name", "ros2_log_text"));
  ARROW_ASSIGN_OR_RAISE(auto msg, Field<arrow::StringArray>(*input, "msg", "ros2_log_text"));
  arrow::StringBuilder b;
  for (int64_t i = 0; i < input->length(); ++i) {
    if (input->IsNull(i) || name->IsNull(i) || msg->IsNull(i)) {
      ARROW_RETURN_NOT_OK(b.AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(b.Append(fmt::format("[{}] {}", name->GetView(i), msg->GetView(i))));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
  return std::optional<ArrayPtr>(out);
}

// A log level to Rerun's level name, or to its colour (0xRRGGBBAA).
template <typename Builder, typename F>
SelectorFn LevelMap(const char* context, F map) {
  return [context, map](const ArrayPtr& input) -> Out {
    if (input->type_id() != arrow::Type::UINT8) {
      return InvalidArgument("Type mismatch in {} input: expected UInt8Array, got {}", context, input->type()->ToString());
    }
    const auto& levels = static_cast<const arrow::UInt8Array&>(*input);
    Builder b;
    for (int64_t i = 0; i < levels.length(); ++i) {
      if (levels.IsNull(i)) {
        ARROW_RETURN_NOT_OK(b.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(b.Append(map(levels.Value(i))));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
    return std::optional<ArrayPtr>(out);
  };
}

std::string LevelName(uint8_t level) {
  switch (level) {
    case 10: return "DEBUG";
    case 20: return "INFO";
    case 30: return "WARN";
    case 40: return "ERROR";
    case 50: return "CRITICAL";
    default: return "UNKNOWN";
  }
}

uint32_t LevelColor(uint8_t level) {
  switch (level) {
    case 20: return 0x0080FFFF;
    case 30: return 0xFFA500FF;
    case 40: return 0xFF0000FF;
    case 50: return 0x8B0000FF;
    default: return 0x808080FF;
  }
}

// nav_msgs/OccupancyGrid's cells (int8, row 0 at the bottom) as an image buffer (uint8, row 0 at the top).
Out MapBuffer(const ArrayPtr& input) {
  const char* ctx = "map_buffer_to_image_buffer";
  ARROW_ASSIGN_OR_RAISE(auto data, Field<arrow::ListArray>(*input, "data", ctx));
  ARROW_ASSIGN_OR_RAISE(auto info, Field<arrow::StructArray>(*input, "info", ctx));
  ARROW_ASSIGN_OR_RAISE(auto width, Field<arrow::UInt32Array>(*info, "width", ctx));
  ARROW_ASSIGN_OR_RAISE(auto height, Field<arrow::UInt32Array>(*info, "height", ctx));
  auto cells = std::dynamic_pointer_cast<arrow::Int8Array>(data->values());
  if (!cells) return InvalidArgument("Type mismatch in {} values: expected Int8Array", ctx);
  auto bytes = std::make_shared<arrow::UInt8Builder>();
  arrow::ListBuilder out(arrow::default_memory_pool(), bytes);
  for (int64_t i = 0; i < input->length(); ++i) {
    if (data->IsNull(i) || info->IsNull(i) || width->IsNull(i) || height->IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    const uint64_t w = width->Value(i), h = height->Value(i);
    const uint64_t n = static_cast<uint64_t>(data->value_length(i));
    if (w * h != n) {  // both are 32-bit: the product cannot overflow 64 bits
      return InvalidArgument("ros_map_buffer_to_image_buffer expected {} cells from {}x{} grid, got {}", w * h, w, h, n);
    }
    ARROW_RETURN_NOT_OK(out.Append());
    const int64_t start = data->value_offset(i);
    for (uint64_t r = h; r-- > 0;) {
      for (uint64_t c = 0; c < w; ++c) {
        const int64_t idx = start + static_cast<int64_t>(r * w + c);
        if (cells->IsNull(idx)) {
          ARROW_RETURN_NOT_OK(bytes->AppendNull());
        } else {
          ARROW_RETURN_NOT_OK(bytes->Append(static_cast<uint8_t>(cells->Value(idx))));
        }
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
  return std::optional<ArrayPtr>(done);
}

// An L8 image format of the map's width and height.
Out MapFormat(const ArrayPtr& input) {
  const char* ctx = "map_dimensions_to_l8_image_format";
  ARROW_ASSIGN_OR_RAISE(auto width, Field<arrow::UInt32Array>(*input, "width", ctx));
  ARROW_ASSIGN_OR_RAISE(auto height, Field<arrow::UInt32Array>(*input, "height", ctx));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), mcap::ImageFormatType(), &builder));
  auto* b = static_cast<arrow::StructBuilder*>(builder.get());
  const mcap::ImageFormat l8{std::nullopt, 1, 6, false};  // colour model L, channel datatype U8
  for (int64_t i = 0; i < input->length(); ++i) {
    ARROW_RETURN_NOT_OK(mcap::AppendImageFormat(b, l8, width->Value(i), height->Value(i)));
  }
  ARROW_ASSIGN_OR_RAISE(auto done, b->Finish());
  return std::optional<ArrayPtr>(done);
}

// The same value for every instance.
template <typename Builder, typename V>
SelectorFn Constant(V value) {
  return [value](const ArrayPtr& input) -> Out {
    Builder b;
    for (int64_t i = 0; i < input->length(); ++i) ARROW_RETURN_NOT_OK(b.Append(value));
    ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
    return std::optional<ArrayPtr>(out);
  };
}

// nav2_msgs/VoxelGrid: per grid, the known voxels (free or marked; unknown ones skipped) in
// y, x, z order, as indices, colours or values. Each z bit has a companion 16 bits up: neither
// set is free, one set unknown, both marked.
enum class VoxelOut { kIndices, kColors, kValues };
SelectorFn Voxels(VoxelOut what) {
  return [what](const ArrayPtr& input) -> Out {
    const char* ctx = "extract_nav2_voxel";
    ARROW_ASSIGN_OR_RAISE(auto data, Field<arrow::ListArray>(*input, "data", ctx));
    ARROW_ASSIGN_OR_RAISE(auto sx, Field<arrow::UInt32Array>(*input, "size_x", ctx));
    ARROW_ASSIGN_OR_RAISE(auto sy, Field<arrow::UInt32Array>(*input, "size_y", ctx));
    ARROW_ASSIGN_OR_RAISE(auto sz, Field<arrow::UInt32Array>(*input, "size_z", ctx));
    auto columns = std::dynamic_pointer_cast<arrow::UInt32Array>(data->values());
    if (!columns) return InvalidArgument("Type mismatch in {} values: expected UInt32Array", ctx);
    std::shared_ptr<arrow::ArrayBuilder> items;
    std::shared_ptr<arrow::Int32Builder> ints;
    if (what == VoxelOut::kIndices) {
      ints = std::make_shared<arrow::Int32Builder>();
      items = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), ints,
                                                            arrow::fixed_size_list(arrow::field("item", arrow::int32(), false), 3));
    } else if (what == VoxelOut::kColors) {
      items = std::make_shared<arrow::UInt32Builder>();
    } else {
      items = std::make_shared<arrow::FloatBuilder>();
    }
    arrow::ListBuilder out(arrow::default_memory_pool(), items);
    for (int64_t i = 0; i < input->length(); ++i) {
      if (input->IsNull(i) || data->IsNull(i) || sx->IsNull(i) || sy->IsNull(i) || sz->IsNull(i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      const uint64_t x_n = sx->Value(i), y_n = sy->Value(i), z_n = std::min<uint64_t>(sz->Value(i), 16);
      const uint64_t n = static_cast<uint64_t>(data->value_length(i));
      if (x_n * y_n != n) {
        return InvalidArgument("nav2 voxel grid expected {} columns from {}x{} grid, got {}", x_n * y_n, x_n, y_n, n);
      }
      ARROW_RETURN_NOT_OK(out.Append());
      const int64_t start = data->value_offset(i);
      for (uint64_t y = 0; y < y_n; ++y) {
        for (uint64_t x = 0; x < x_n; ++x) {
          const uint32_t column = columns->Value(start + static_cast<int64_t>(y * x_n + x));
          for (uint64_t z = 0; z < z_n; ++z) {
            const uint32_t mask = ((1u << 16) | 1u) << z;
            const int bits = __builtin_popcount(column & mask);
            if (bits == 1) continue;  // unknown
            const bool marked = bits == 2;
            if (what == VoxelOut::kIndices) {
              auto* fixed = static_cast<arrow::FixedSizeListBuilder*>(items.get());
              ARROW_RETURN_NOT_OK(fixed->Append());
              ARROW_RETURN_NOT_OK(ints->Append(static_cast<int32_t>(x)));
              ARROW_RETURN_NOT_OK(ints->Append(static_cast<int32_t>(y)));
              ARROW_RETURN_NOT_OK(ints->Append(static_cast<int32_t>(z)));
            } else if (what == VoxelOut::kColors) {
              ARROW_RETURN_NOT_OK(static_cast<arrow::UInt32Builder*>(items.get())->Append(marked ? 0xFF0000FF : 0x00FF00FF));
            } else {
              ARROW_RETURN_NOT_OK(static_cast<arrow::FloatBuilder*>(items.get())->Append(marked ? 1.0f : 0.0f));
            }
          }
        }
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return std::optional<ArrayPtr>(done);
  };
}

// ---- the lenses ----

Result<Lens> StringLens() {
  ARROW_ASSIGN_OR_RAISE(auto data, S(".data"));
  return Lens::Derive("std_msgs.msg.String:message")
      .ToComponent(D("rerun.archetypes.TextDocument", "TextDocument:text", "rerun.components.Text"), data);
}

Result<Lens> PoseStampedLens() {
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".header.frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(".pose.position | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(".pose.orientation | pack(.x!, .y!, .z!, .w!)"));
  const std::string a = "rerun.archetypes.InstancePoses3D";
  return Lens::Derive("geometry_msgs.msg.PoseStamped:message")
      .ToComponent(Frame(), frame)
      .ToComponent(D(a, "InstancePoses3D:translations", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(a, "InstancePoses3D:quaternions", "rerun.components.RotationQuat"), q, Auto());
}

Result<Lens> MagneticFieldLens() {
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".header.frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto v, S(".magnetic_field | pack(.x!, .y!, .z!)"));
  return Lens::Derive("sensor_msgs.msg.MagneticField:message")
      .ToComponent(Frame(), frame)
      .ToComponent(D("rerun.archetypes.Arrows3D", "Arrows3D:vectors", "rerun.components.Vector3D"), v, Auto());
}

Result<Lens> CameraInfoLens() {
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".header.frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto resolution, S("pack(.width!, .height!)"));
  ARROW_ASSIGN_OR_RAISE(auto k, S(".k"));
  const std::string a = "rerun.archetypes.Pinhole";
  return Lens::Derive("sensor_msgs.msg.CameraInfo:message")
      .ToComponent(D(a, "Pinhole:child_frame", kFrameType), frame.Pipe(SuffixNonEmpty("_image_plane")))
      .ToComponent(D(a, "Pinhole:resolution", "rerun.components.Resolution"), resolution, Auto())
      .ToComponent(D(a, "Pinhole:image_from_camera", "rerun.components.PinholeProjection"), k.Pipe(RowMajor3x3ToColumnMajor))
      .ToComponent(D(a, "Pinhole:parent_frame", kFrameType), frame);
}

Result<Lens> LogLens() {
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  ARROW_ASSIGN_OR_RAISE(auto level, S(".level"));
  ARROW_ASSIGN_OR_RAISE(auto file, S(".file"));
  ARROW_ASSIGN_OR_RAISE(auto function, S(".function"));
  ARROW_ASSIGN_OR_RAISE(auto line, S(".line"));
  const std::string a = "rerun.archetypes.TextLog", log = "rcl_interfaces.msg.Log";
  return Lens::Derive("rcl_interfaces.msg.Log:message")
      .ToComponent(D(a, "TextLog:text", "rerun.components.Text"), whole.Pipe(LogText))
      .ToComponent(D(a, "TextLog:level", "rerun.components.TextLogLevel"),
                   level.Pipe(LevelMap<arrow::StringBuilder>("ros2_log_level", LevelName)))
      .ToComponent(D(a, "TextLog:color", "rerun.components.Color"),
                   level.Pipe(LevelMap<arrow::UInt32Builder>("ros2_log_color", LevelColor)))
      .ToComponent(D(log, "file"), file)
      .ToComponent(D(log, "function"), function)
      .ToComponent(D(log, "line"), line);
}

Result<Lens> OccupancyGridLens() {
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".header.frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  ARROW_ASSIGN_OR_RAISE(auto info, S(".info"));
  ARROW_ASSIGN_OR_RAISE(auto cell, S(".info.resolution"));
  ARROW_ASSIGN_OR_RAISE(auto t, S(".info.origin.position | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto q, S(".info.origin.orientation | pack(.x!, .y!, .z!, .w!)"));
  const std::string a = "rerun.archetypes.GridMap";
  return Lens::Derive("nav_msgs.msg.OccupancyGrid:message")
      .ToComponent(Frame(), frame)
      .ToComponent(D(a, "GridMap:data", "rerun.components.ImageBuffer"), whole.Pipe(MapBuffer))
      .ToComponent(D(a, "GridMap:format", "rerun.components.ImageFormat"), info.Pipe(MapFormat))
      .ToComponent(D(a, "GridMap:cell_size", "rerun.components.CellSize"), cell)
      .ToComponent(D(a, "GridMap:translation", "rerun.components.Translation3D"), t, Auto())
      .ToComponent(D(a, "GridMap:quaternion", "rerun.components.RotationQuat"), q, Auto())
      .ToComponent(D(a, "GridMap:colormap", "rerun.components.Colormap"),
                   whole.Pipe(Constant<arrow::UInt8Builder>(uint8_t{10})));  // RvizMap
}

Result<Lens> VoxelGridLens() {
  ARROW_ASSIGN_OR_RAISE(auto frame, S(".header.frame_id"));
  ARROW_ASSIGN_OR_RAISE(auto whole, S("."));
  ARROW_ASSIGN_OR_RAISE(auto flatten, S(".[]"));
  ARROW_ASSIGN_OR_RAISE(auto size, S(".resolutions | pack(.x!, .y!, .z!)"));
  ARROW_ASSIGN_OR_RAISE(auto origin, S(".origin | pack(.x!, .y!, .z!)"));
  const std::string a = "rerun.archetypes.VoxelGridMap";
  return Lens::Derive("nav2_msgs.msg.VoxelGrid:message")
      .ToComponent(Frame(), frame)
      .ToComponent(D(a, "VoxelGridMap:voxel_indices", "rerun.components.VoxelIndex"),
                   whole.Pipe(Voxels(VoxelOut::kIndices)).Pipe(flatten))
      .ToComponent(D(a, "VoxelGridMap:voxel_size", "rerun.components.VoxelSize"), size, Auto())
      .ToComponent(D(a, "VoxelGridMap:colors", "rerun.components.Color"), whole.Pipe(Voxels(VoxelOut::kColors)).Pipe(flatten))
      .ToComponent(D(a, "VoxelGridMap:values", "rerun.components.VoxelValue"), whole.Pipe(Voxels(VoxelOut::kValues)).Pipe(flatten))
      .ToComponent(D(a, "VoxelGridMap:opacity", "rerun.components.Opacity"), whole.Pipe(Constant<arrow::FloatBuilder>(0.5f)))
      .ToComponent(D(a, "VoxelGridMap:translation", "rerun.components.Translation3D"), origin, Auto());
}

}  // namespace

Result<std::vector<Lens>> Ros2MsgLenses() {
  std::vector<Lens> lenses;
  for (auto make : {CameraInfoLens, LogLens, MagneticFieldLens, OccupancyGridLens, PoseStampedLens, StringLens, VoxelGridLens}) {
    ARROW_ASSIGN_OR_RAISE(auto lens, make());
    lenses.push_back(std::move(lens));
  }
  return lenses;
}

Result<std::optional<LensSet>> ImporterLenses(const mcap::ImportOptions& options) {
  std::vector<Lens> lenses;
  if (mcap::Selects(options, "ros2msg")) {
    ARROW_ASSIGN_OR_RAISE(lenses, Ros2MsgLenses());
  }
  if (mcap::Selects(options, "foxglove")) {
    ARROW_ASSIGN_OR_RAISE(auto foxglove,
                          FoxgloveLenses(options.timeline_type == "duration" ? TimeType::kDuration : TimeType::kTimestamp));
    for (auto& l : foxglove) lenses.push_back(std::move(l));
  }
  if (lenses.empty()) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto set, LensSet::Make(std::move(lenses)));
  return std::optional<LensSet>(std::move(set));
}

}  // namespace chunkhouse::transform
