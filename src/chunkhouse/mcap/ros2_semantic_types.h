#pragma once
// The table behind ros2_semantic.h: each ROS 2 type Rerun's ros2msg decoder converts, with the
// standard definition it is read by and how a chunk's decoded rows (a struct per message, as
// cdr.h gives them) become Rerun's columns.
#include <arrow/type_fwd.h>

#include <functional>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/mcap/message_parser.h"

namespace chunkhouse::mcap {

struct FinishContext {
  RowTimes* times;
  const std::string& topic;  // the channel's, as written
};

struct SemanticType {
  std::string name;        // sensor_msgs/msg/Imu
  std::string definition;  // the .msg text, dependencies included
  bool has_header = true;  // rows get ros2_timestamp from header.stamp
  std::set<std::string> unused;  // top-level fields the conversion never reads (not kept)
  std::function<Result<std::vector<ParsedChunk>>(const arrow::StructArray& rows, const FinishContext& ctx)> finish;
};

const std::vector<SemanticType>& SemanticTypes();

// What the types are made of (ros2_semantic_types.cc), and the image types (ros2_semantic_images.cc).
namespace semantic {

// Pieces of the built-in definitions: the separator before a dependency, and common dependencies.
extern const std::string kMsgSep, kMsgTime, kMsgHeader, kMsgVector3, kMsgQuaternion;

SemanticType Make(std::string name, std::string definition,
                  std::function<Result<std::vector<ParsedChunk>>(const arrow::StructArray&, const FinishContext&)> finish,
                  bool has_header = true);

// The field at a dotted path of a struct array.
Result<ArrayPtr> Get(const arrow::StructArray& rows, const std::string& path);
// Numeric fields side by side as doubles: row i holds [a[i], b[i], ...].
Result<ArrayPtr> PackDoubles(const arrow::StructArray& rows, const std::vector<std::string>& paths);
// The same, as one fixed-size list instance per row (list<fixed_size_list<T not null>[n]>),
// T float32 or float64.
Result<ArrayPtr> PackFixed(const arrow::StructArray& rows, const std::vector<std::string>& paths, bool f32);
// A list column's values converted to float64, the offsets kept.
Result<ArrayPtr> ListAsDoubles(const ArrayPtr& list_array);
// A list<uint8> column (bytes per row) as one blob per row: list<list<uint8 not null>>.
Result<ArrayPtr> Blobs(const ArrayPtr& bytes);
ComponentDescriptor Scalars();
ComponentDescriptor SeriesNames();
// header.frame_id per row; a suffix is added to each non-empty one (`_image_plane`).
Result<ArrayPtr> FrameIds(const arrow::StructArray& rows, const std::string& suffix = "");

SemanticType ImageType();
SemanticType CompressedImageType();
SemanticType PointCloud2Type();  // ros2_semantic_pointcloud.cc

}  // namespace semantic

}  // namespace chunkhouse::mcap
