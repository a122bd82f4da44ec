#include "chunkhouse/mcap/ros2_semantic_types.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <fmt/format.h>

#include <limits>

namespace chunkhouse::mcap {

namespace semantic {

// ---- column helpers ----

// The field at a dotted path of a struct array.
Result<ArrayPtr> Get(const arrow::StructArray& rows, const std::string& path) {
  const arrow::StructArray* s = &rows;
  ArrayPtr out;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    out = s->GetFieldByName(name);
    if (!out) return Internal("decoded message has no field {}", path);
    if (dot == std::string::npos) return out;
    s = static_cast<const arrow::StructArray*>(out.get());
    start = dot + 1;
  }
}

// Numeric fields side by side as doubles: row i holds [a[i], b[i], ...].
Result<ArrayPtr> PackDoubles(const arrow::StructArray& rows, const std::vector<std::string>& paths) {
  std::vector<ArrayPtr> cols;
  for (const auto& p : paths) {
    ARROW_ASSIGN_OR_RAISE(auto a, Get(rows, p));
    cols.push_back(a);
  }
  auto values = std::make_shared<arrow::DoubleBuilder>();
  arrow::ListBuilder list(arrow::default_memory_pool(), values);
  ARROW_RETURN_NOT_OK(values->Reserve(rows.length() * static_cast<int64_t>(cols.size())));
  for (int64_t i = 0; i < rows.length(); ++i) {
    ARROW_RETURN_NOT_OK(list.Append());
    for (const auto& c : cols) values->UnsafeAppend(NumberAt(*c, i));
  }
  return list.Finish();
}

// The same numeric fields packed as a fixed-size list per instance, one instance per row:
// list<fixed_size_list<item: T not null>[n]>, T float64 or float32.
template <typename T>
Result<ArrayPtr> PackFixedT(const arrow::StructArray& rows, const std::vector<std::string>& paths) {
  using CType = typename T::c_type;
  std::vector<ArrayPtr> cols;
  for (const auto& p : paths) {
    ARROW_ASSIGN_OR_RAISE(auto a, Get(rows, p));
    cols.push_back(a);
  }
  const int32_t n = static_cast<int32_t>(cols.size());
  auto item = std::make_shared<typename arrow::TypeTraits<T>::BuilderType>();
  auto fixed_type = arrow::fixed_size_list(arrow::field("item", arrow::TypeTraits<T>::type_singleton(), false), n);
  auto fixed = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), item, fixed_type);
  arrow::ListBuilder list(arrow::default_memory_pool(), fixed, arrow::list(arrow::field("item", fixed_type, true)));
  for (int64_t i = 0; i < rows.length(); ++i) {
    ARROW_RETURN_NOT_OK(list.Append());
    ARROW_RETURN_NOT_OK(fixed->Append());
    for (const auto& c : cols) ARROW_RETURN_NOT_OK(item->Append(static_cast<CType>(NumberAt(*c, i))));
  }
  return list.Finish();
}

// A list column's values converted to float64, the offsets kept.
Result<ArrayPtr> ListAsDoubles(const ArrayPtr& list_array) {
  const auto& list = static_cast<const arrow::ListArray&>(*list_array);
  const auto& values = *list.values();
  arrow::DoubleBuilder b;
  ARROW_RETURN_NOT_OK(b.Reserve(values.length()));
  for (int64_t i = 0; i < values.length(); ++i) b.UnsafeAppend(NumberAt(values, i));
  ARROW_ASSIGN_OR_RAISE(auto doubles, b.Finish());
  return std::make_shared<arrow::ListArray>(arrow::list(arrow::float64()), list.length(), list.value_offsets(), doubles,
                                            list.null_bitmap(), list.null_count(), list.offset());
}

// A list<uint8> column (a byte array per row) as blobs: list<list<item: uint8 not null>>.
Result<ArrayPtr> Blobs(const ArrayPtr& bytes) {
  const auto& list = static_cast<const arrow::ListArray&>(*bytes);
  auto blob = std::make_shared<arrow::ListArray>(BlobType(), list.length(), list.value_offsets(), list.values(),
                                                 list.null_bitmap(), list.null_count(), list.offset());
  return OnePerRow(blob);
}


ComponentDescriptor Scalars() { return D("rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"); }
ComponentDescriptor SeriesNames() { return D("rerun.archetypes.SeriesLines", "SeriesLines:names", "rerun.components.Name"); }

// header.frame_id per row; with a suffix added to each non-empty one (`_image_plane`).
Result<ArrayPtr> FrameIds(const arrow::StructArray& rows, const std::string& suffix) {
  ARROW_ASSIGN_OR_RAISE(auto ids, Get(rows, "header.frame_id"));
  if (suffix.empty()) return OnePerRow(ids);
  ARROW_ASSIGN_OR_RAISE(auto suffixed, SuffixNonEmpty(static_cast<const arrow::StringArray&>(*ids), suffix));
  return OnePerRow(suffixed);
}
Result<ArrayPtr> PackFixed(const arrow::StructArray& rows, const std::vector<std::string>& paths, bool f32) {
  return f32 ? PackFixedT<arrow::FloatType>(rows, paths) : PackFixedT<arrow::DoubleType>(rows, paths);
}

// ---- standard definitions (ROS 2 common_interfaces) ----

const std::string kMsgSep = "\n================================================================================\n";
const std::string kMsgTime = "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n";
const std::string kMsgHeader = "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id\n" + kMsgSep + kMsgTime;
const std::string kMsgVector3 = "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n";
const std::string kMsgQuaternion = "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n";

SemanticType Make(std::string name, std::string definition,
                  std::function<Result<std::vector<ParsedChunk>>(const arrow::StructArray&, const FinishContext&)> finish,
                  bool has_header) {
  SemanticType t;
  t.name = std::move(name);
  t.definition = std::move(definition);
  t.finish = std::move(finish);
  t.has_header = has_header;
  return t;
}

}  // namespace semantic

namespace {

using namespace semantic;  // NOLINT



// ---- the types ----

SemanticType WithUnused(std::set<std::string> unused, SemanticType t) {
  t.unused = std::move(unused);
  return t;
}

SemanticType Imu() {
  return WithUnused({"orientation_covariance", "angular_velocity_covariance", "linear_acceleration_covariance"}, Make("sensor_msgs/msg/Imu",
              "std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n"
              "geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
              "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance\n" +
                  kMsgSep + kMsgHeader + kMsgSep + kMsgQuaternion + kMsgSep + kMsgVector3,
              [](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out(2);
                ARROW_ASSIGN_OR_RAISE(auto readings,
                                      PackDoubles(rows, {"angular_velocity.x", "angular_velocity.y", "angular_velocity.z",
                                                         "linear_acceleration.x", "linear_acceleration.y",
                                                         "linear_acceleration.z"}));
                ARROW_ASSIGN_OR_RAISE(auto orientation,
                                      PackDoubles(rows, {"orientation.x", "orientation.y", "orientation.z", "orientation.w"}));
                ARROW_ASSIGN_OR_RAISE(auto frames, FrameIds(rows));
                out[0].components = {{Scalars(), readings},
                                     {D("sensor_msgs.msg.Imu", "sensor_msgs.msg.Imu:orientation", ""), orientation},
                                     {Frame(), frames}};
                out[1].is_static = true;
                ARROW_ASSIGN_OR_RAISE(auto names, StringsRow({"gyroscope/x", "gyroscope/y", "gyroscope/z", "accelerometer/x",
                                                              "accelerometer/y", "accelerometer/z"}));
                out[1].components = {{SeriesNames(), names}};
                return out;
              }));
}

// A message whose numbers become one Scalars row, named by a static SeriesLines legend (empty
// when no message of the group decoded).
SemanticType ScalarType(std::string name, std::string fields, std::vector<std::string> values) {
  return Make(std::move(name), "std_msgs/Header header\n" + fields + kMsgSep + kMsgHeader,
              [values](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out(2);
                ARROW_ASSIGN_OR_RAISE(auto scalars, PackDoubles(rows, values));
                out[0].components = {{Scalars(), scalars}};
                out[1].is_static = true;
                ARROW_ASSIGN_OR_RAISE(auto names, StringsRow(rows.length() ? values : std::vector<std::string>{}));
                out[1].components = {{SeriesNames(), names}};
                return out;
              });
}

// header.frame_id on the channel's own entity, beside per-quantity entities.
Result<ParsedChunk> FrameChunk(const arrow::StructArray& rows) {
  ARROW_ASSIGN_OR_RAISE(auto frames, FrameIds(rows));
  ParsedChunk c;
  c.components = {{Frame(), frames}};
  return c;
}

SemanticType JointState() {
  return Make("sensor_msgs/msg/JointState",
              "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\nfloat64[] effort\n" + kMsgSep + kMsgHeader,
              [](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out;
                ARROW_ASSIGN_OR_RAISE(auto names, Get(rows, "name"));
                for (const char* q : {"position", "velocity", "effort"}) {
                  ARROW_ASSIGN_OR_RAISE(auto values, Get(rows, q));
                  ParsedChunk c;
                  c.suffix = std::string("/") + q;
                  c.components = {{Scalars(), values}, {SeriesNames(), names}};
                  out.push_back(std::move(c));
                }
                ARROW_ASSIGN_OR_RAISE(auto frames, FrameChunk(rows));
                out.push_back(std::move(frames));
                return out;
              });
}

SemanticType Joy() {
  return Make("sensor_msgs/msg/Joy", "std_msgs/Header header\nfloat32[] axes\nint32[] buttons\n" + kMsgSep + kMsgHeader,
              [](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out;
                for (const char* q : {"axes", "buttons"}) {
                  ARROW_ASSIGN_OR_RAISE(auto values, Get(rows, q));
                  ARROW_ASSIGN_OR_RAISE(auto doubles, ListAsDoubles(values));
                  ParsedChunk c;
                  c.suffix = std::string("/") + q;
                  c.components = {{Scalars(), doubles}};
                  out.push_back(std::move(c));
                }
                ARROW_ASSIGN_OR_RAISE(auto frames, FrameChunk(rows));
                out.push_back(std::move(frames));
                return out;
              });
}

SemanticType NavSatFix() {
  return WithUnused({"position_covariance"}, Make("sensor_msgs/msg/NavSatFix",
              "std_msgs/Header header\nsensor_msgs/NavSatStatus status\nfloat64 latitude\nfloat64 longitude\n"
              "float64 altitude\nfloat64[9] position_covariance\nuint8 position_covariance_type\n" +
                  kMsgSep + "MSG: sensor_msgs/NavSatStatus\nint8 status\nuint16 service\n" + kMsgSep + kMsgHeader,
              [](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out(1);
                ARROW_ASSIGN_OR_RAISE(auto frames, FrameIds(rows));
                ARROW_ASSIGN_OR_RAISE(auto positions, PackFixed(rows, {"latitude", "longitude"}, false));
                ARROW_ASSIGN_OR_RAISE(auto altitude, PackDoubles(rows, {"altitude"}));
                out[0].components = {{Frame(), frames},
                                     {D("rerun.archetypes.GeoPoints", "GeoPoints:positions", "rerun.components.LatLon"), positions},
                                     {D("sensor_msgs.msg.NavSatFix", "altitude", ""), altitude}};
                return out;
              }));
}

SemanticType Float64Data(std::string name, std::string definition) {
  return Make(std::move(name), std::move(definition),
              [](const arrow::StructArray& rows, const FinishContext&) -> Result<std::vector<ParsedChunk>> {
                std::vector<ParsedChunk> out(1);
                ARROW_ASSIGN_OR_RAISE(auto data, Get(rows, "data"));
                out[0].components = {{Scalars(), data}};
                return out;
              },
              /*has_header=*/false);
}

// One row per transform: each with its message's log and publish times and its own stamp.
// Static (no times) on the topic `/tf_static` exactly.
SemanticType TfMessage() {
  return Make(
      "tf2_msgs/msg/TFMessage",
      "geometry_msgs/TransformStamped[] transforms\n" + kMsgSep +
          "MSG: geometry_msgs/TransformStamped\nstd_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform\n" +
          kMsgSep + "MSG: geometry_msgs/Transform\ngeometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation\n" + kMsgSep +
          kMsgHeader + kMsgSep + kMsgVector3 + kMsgSep + kMsgQuaternion,
      [](const arrow::StructArray& rows, const FinishContext& ctx) -> Result<std::vector<ParsedChunk>> {
        ARROW_ASSIGN_OR_RAISE(auto list_array, Get(rows, "transforms"));
        const auto& list = static_cast<const arrow::ListArray&>(*list_array);
        auto flat = std::static_pointer_cast<arrow::StructArray>(list.Flatten().ValueOrDie());
        ARROW_ASSIGN_OR_RAISE(auto sec, Get(*flat, "header.stamp.sec"));
        ARROW_ASSIGN_OR_RAISE(auto nsec, Get(*flat, "header.stamp.nanosec"));
        RowTimes times;
        for (int64_t m = 0; m < list.length(); ++m) {
          for (int64_t k = list.value_offset(m); k < list.value_offset(m + 1); ++k) {
            times.log.push_back(ctx.times->log[static_cast<size_t>(m)]);
            times.publish.push_back(ctx.times->publish[static_cast<size_t>(m)]);
            int64_t ns = int64_t{static_cast<const arrow::Int32Array&>(*sec).Value(k)} * 1000000000 +
                         static_cast<const arrow::UInt32Array&>(*nsec).Value(k);
            times.ros2.push_back(ns < 0 ? std::numeric_limits<int64_t>::max() : ns);
          }
        }
        *ctx.times = std::move(times);
        std::vector<ParsedChunk> out(1);
        out[0].is_static = ctx.topic == "/tf_static";
        ARROW_ASSIGN_OR_RAISE(auto child, Get(*flat, "child_frame_id"));
        ARROW_ASSIGN_OR_RAISE(auto parent, Get(*flat, "header.frame_id"));
        ARROW_ASSIGN_OR_RAISE(auto children, OnePerRow(child));
        ARROW_ASSIGN_OR_RAISE(auto parents, OnePerRow(parent));
        ARROW_ASSIGN_OR_RAISE(auto quaternion,
                              PackFixed(*flat, {"transform.rotation.x", "transform.rotation.y", "transform.rotation.z",
                                                  "transform.rotation.w"}, true));
        ARROW_ASSIGN_OR_RAISE(auto translation,
                              PackFixed(*flat, {"transform.translation.x", "transform.translation.y",
                                                  "transform.translation.z"}, true));
        const std::string t3 = "rerun.archetypes.Transform3D";
        out[0].components = {{D(t3, "Transform3D:child_frame", "rerun.components.TransformFrameId"), children},
                             {D(t3, "Transform3D:parent_frame", "rerun.components.TransformFrameId"), parents},
                             {D(t3, "Transform3D:quaternion", "rerun.components.RotationQuat"), quaternion},
                             {D(t3, "Transform3D:translation", "rerun.components.Translation3D"), translation}};
        return out;
      });
}

}  // namespace

const std::vector<SemanticType>& SemanticTypes() {
  static const auto* types = new std::vector<SemanticType>{
      Imu(),
      semantic::ImageType(),
      semantic::CompressedImageType(),
      semantic::PointCloud2Type(),
      JointState(),
      Joy(),
      NavSatFix(),
      TfMessage(),
      ScalarType("sensor_msgs/msg/Temperature", "float64 temperature\nfloat64 variance\n", {"temperature", "variance"}),
      ScalarType("sensor_msgs/msg/FluidPressure", "float64 fluid_pressure\nfloat64 variance\n", {"fluid_pressure", "variance"}),
      ScalarType("sensor_msgs/msg/Illuminance", "float64 illuminance\nfloat64 variance\n", {"illuminance", "variance"}),
      ScalarType("sensor_msgs/msg/RelativeHumidity", "float64 relative_humidity\nfloat64 variance\n",
                 {"relative_humidity", "variance"}),
      ScalarType("sensor_msgs/msg/Range",
                 "uint8 radiation_type\nfloat32 field_of_view\nfloat32 min_range\nfloat32 max_range\nfloat32 range\n",
                 {"range", "min_range", "max_range"}),
      ScalarType("sensor_msgs/msg/BatteryState",
                 "float32 voltage\nfloat32 temperature\nfloat32 current\nfloat32 charge\nfloat32 capacity\n"
                 "float32 design_capacity\nfloat32 percentage\nuint8 power_supply_status\nuint8 power_supply_health\n"
                 "uint8 power_supply_technology\nbool present\nfloat32[] cell_voltage\nfloat32[] cell_temperature\n"
                 "string location\nstring serial_number\n",
                 {"percentage", "voltage", "current", "charge", "temperature"}),
      Float64Data("std_msgs/msg/Float64Array", "float64[] data\n"),
      Float64Data("std_msgs/msg/Float64MultiArray",
                  "std_msgs/MultiArrayLayout layout\nfloat64[] data\n" + kMsgSep +
                      "MSG: std_msgs/MultiArrayLayout\nstd_msgs/MultiArrayDimension[] dim\nuint32 data_offset\n" + kMsgSep +
                      "MSG: std_msgs/MultiArrayDimension\nstring label\nuint32 size\nuint32 stride\n"),
  };
  return *types;
}

}  // namespace chunkhouse::mcap
