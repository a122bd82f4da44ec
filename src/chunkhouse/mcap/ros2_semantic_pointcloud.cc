// sensor_msgs PointCloud2, as Rerun's ros2msg decoder converts it (notes/ros2msg.md §2.8),
// quirks included: extra fields are read by position against the first message's field list
// (the trailing partial point too), and each cloud's positions take the times of the n-th
// message when it is the n-th cloud with x, y and z.
#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api_vector.h>

#include <cstring>
#include <optional>

#include "chunkhouse/mcap/bytes.h"
#include "chunkhouse/mcap/ros2_semantic_types.h"

namespace chunkhouse::mcap::semantic {
namespace {

struct PointField {
  std::string name;
  uint32_t offset = 0;
  uint8_t datatype = 0;  // 1..8: int8, uint8, int16, uint16, int32, uint32, float32, float64
  uint32_t count = 0;
};

size_t SizeOf(uint8_t datatype) {
  static const size_t kSizes[] = {0, 1, 1, 2, 2, 4, 4, 4, 8};
  return datatype <= 8 ? kSizes[datatype] : 0;
}

// A value as a float (positions); nullopt when fewer bytes are left than the type needs.
std::optional<float> ReadFloat(const uint8_t* p, size_t left, uint8_t datatype, bool be) {
  if (SizeOf(datatype) == 0 || left < SizeOf(datatype)) return std::nullopt;
  switch (datatype) {
    case 1: return static_cast<float>(static_cast<int8_t>(p[0]));
    case 2: return static_cast<float>(p[0]);
    case 3: return static_cast<float>(Load<int16_t>(p, be));
    case 4: return static_cast<float>(Load<uint16_t>(p, be));
    case 5: return static_cast<float>(Load<int32_t>(p, be));
    case 6: return static_cast<float>(Load<uint32_t>(p, be));
    case 7: return Load<float>(p, be);
    default: return static_cast<float>(Load<double>(p, be));
  }
}

std::shared_ptr<arrow::DataType> TypeOf(uint8_t datatype) {
  switch (datatype) {
    case 1: return arrow::int8();
    case 2: return arrow::uint8();
    case 3: return arrow::int16();
    case 4: return arrow::uint16();
    case 5: return arrow::int32();
    case 6: return arrow::uint32();
    case 7: return arrow::float32();
    default: return arrow::float64();
  }
}

Status AppendValue(arrow::ArrayBuilder* b, const uint8_t* p, uint8_t datatype, bool be) {
  switch (datatype) {
    case 1: return static_cast<arrow::Int8Builder*>(b)->Append(static_cast<int8_t>(p[0]));
    case 2: return static_cast<arrow::UInt8Builder*>(b)->Append(p[0]);
    case 3: return static_cast<arrow::Int16Builder*>(b)->Append(Load<int16_t>(p, be));
    case 4: return static_cast<arrow::UInt16Builder*>(b)->Append(Load<uint16_t>(p, be));
    case 5: return static_cast<arrow::Int32Builder*>(b)->Append(Load<int32_t>(p, be));
    case 6: return static_cast<arrow::UInt32Builder*>(b)->Append(Load<uint32_t>(p, be));
    case 7: return static_cast<arrow::FloatBuilder*>(b)->Append(Load<float>(p, be));
    default: return static_cast<arrow::DoubleBuilder*>(b)->Append(Load<double>(p, be));
  }
}

// A list<uint32>/list<bool> column of one field, one value per row.
Result<ArrayPtr> Single(const arrow::StructArray& rows, const char* name) {
  ARROW_ASSIGN_OR_RAISE(auto values, Get(rows, name));
  return OnePerRow(values);
}

Result<std::vector<ParsedChunk>> Columns(const arrow::StructArray& decoded, const FinishContext& ctx) {
  // A field datatype outside 1..8 fails that message's decoding in Rerun: drop it and its times.
  std::shared_ptr<arrow::StructArray> rows_holder;
  const arrow::StructArray* rows = &decoded;
  {
    ARROW_ASSIGN_OR_RAISE(auto fields_array, Get(decoded, "fields"));
    const auto& fl = static_cast<const arrow::ListArray&>(*fields_array);
    auto flat = std::static_pointer_cast<arrow::StructArray>(fl.values());
    const auto& dt = static_cast<const arrow::UInt8Array&>(*flat->GetFieldByName("datatype"));
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < decoded.length(); ++i) {
      bool ok = true;
      for (int64_t k = fl.value_offset(i); k < fl.value_offset(i + 1); ++k) ok = ok && SizeOf(dt.Value(k)) > 0;
      if (ok) keep.push_back(i);
    }
    if (static_cast<int64_t>(keep.size()) != decoded.length()) {
      arrow::Int64Builder idx;
      ARROW_RETURN_NOT_OK(idx.AppendValues(keep));
      ARROW_ASSIGN_OR_RAISE(auto indices, idx.Finish());
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(decoded, *indices, arrow::compute::TakeOptions::Defaults()));
      rows_holder = std::static_pointer_cast<arrow::StructArray>(taken);
      rows = rows_holder.get();
      RowTimes times;
      for (int64_t i : keep) {
        times.log.push_back(ctx.times->log[static_cast<size_t>(i)]);
        times.publish.push_back(ctx.times->publish[static_cast<size_t>(i)]);
        if (!ctx.times->ros2.empty()) times.ros2.push_back(ctx.times->ros2[static_cast<size_t>(i)]);
      }
      *ctx.times = std::move(times);
    }
  }
  const int64_t n = rows->length();
  ARROW_ASSIGN_OR_RAISE(auto fields_array, Get(*rows, "fields"));
  ARROW_ASSIGN_OR_RAISE(auto data_array, Get(*rows, "data"));
  ARROW_ASSIGN_OR_RAISE(auto step_array, Get(*rows, "point_step"));
  ARROW_ASSIGN_OR_RAISE(auto be_array, Get(*rows, "is_bigendian"));
  const auto& fields_list = static_cast<const arrow::ListArray&>(*fields_array);
  auto flat = std::static_pointer_cast<arrow::StructArray>(fields_list.values());
  const auto& names = static_cast<const arrow::StringArray&>(*flat->GetFieldByName("name"));
  const auto& offsets = static_cast<const arrow::UInt32Array&>(*flat->GetFieldByName("offset"));
  const auto& datatypes = static_cast<const arrow::UInt8Array&>(*flat->GetFieldByName("datatype"));
  const auto& data = static_cast<const arrow::ListArray&>(*data_array);
  const auto& bytes = static_cast<const arrow::UInt8Array&>(*data.values());
  const auto& steps = static_cast<const arrow::UInt32Array&>(*step_array);
  const auto& big = static_cast<const arrow::BooleanArray&>(*be_array);
  auto field_of = [&](int64_t k) {
    return PointField{std::string(names.GetView(k)), offsets.Value(k), datatypes.Value(k), 0};
  };

  // Extra-field builders: the first message with fields names them and fixes their types.
  std::vector<std::pair<PointField, std::unique_ptr<arrow::ListBuilder>>> extracted;
  // Positions: one chunk per cloud with x, y and z.
  std::vector<ParsedChunk> clouds;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t f0 = fields_list.value_offset(i), f1 = fields_list.value_offset(i + 1);
    const uint32_t step = steps.Value(i);
    const bool be = big.Value(i);
    const uint8_t* base = bytes.raw_values() + data.value_offset(i);
    const size_t size = static_cast<size_t>(data.value_length(i));
    if (extracted.empty() && f1 > f0) {
      for (int64_t k = f0; k < f1; ++k) {
        std::unique_ptr<arrow::ArrayBuilder> values;
        ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), TypeOf(datatypes.Value(k)), &values));
        auto list = std::make_unique<arrow::ListBuilder>(arrow::default_memory_pool(), std::move(values));
        extracted.emplace_back(field_of(k), std::move(list));
      }
    }
    for (auto& e : extracted) ARROW_RETURN_NOT_OK(e.second->Append());  // this row's list starts here
    if (step != 0) {
      for (size_t start = 0; start < size; start += step) {
        const size_t len = std::min<size_t>(step, size - start);
        for (int64_t k = f0, e = 0; k < f1 && e < static_cast<int64_t>(extracted.size()); ++k, ++e) {
          const PointField f = field_of(k);
          auto& [first, builder] = extracted[static_cast<size_t>(e)];
          if (f.offset > len) {
            return InvalidArgument("field `{}` offset {} exceeds point step {}", f.name, f.offset, step);
          }
          if (len - f.offset < SizeOf(f.datatype)) return InvalidArgument("failed to fill whole buffer");
          if (f.datatype != first.datatype) {
            return InvalidArgument("found datatype {}, but a builder of datatype {}", f.datatype, first.datatype);
          }
          ARROW_RETURN_NOT_OK(AppendValue(builder->value_builder(), base + start + f.offset, f.datatype, be));
        }
      }
    }
    // x, y and z (a later duplicate wins) and a point step: the cloud's positions.
    std::optional<PointField> x, y, z;
    for (int64_t k = f0; k < f1; ++k) {
      const PointField f = field_of(k);
      if (f.name == "x") x = f;
      if (f.name == "y") y = f;
      if (f.name == "z") z = f;
    }
    if (step == 0 || !x || !y || !z) continue;
    auto floats = std::make_shared<arrow::FloatBuilder>();
    auto point_type = arrow::fixed_size_list(arrow::field("item", arrow::float32(), false), 3);
    auto points = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), floats, point_type);
    arrow::ListBuilder column(arrow::default_memory_pool(), points, arrow::list(arrow::field("item", point_type, true)));
    ARROW_RETURN_NOT_OK(column.Append());
    for (size_t start = 0; start + step <= size; start += step) {
      ARROW_RETURN_NOT_OK(points->Append());
      for (const PointField* f : {&*x, &*y, &*z}) {
        std::optional<float> v;
        if (f->offset <= step) v = ReadFloat(base + start + f->offset, step - f->offset, f->datatype, be);
        ARROW_RETURN_NOT_OK(floats->Append(v.value_or(std::numeric_limits<float>::quiet_NaN())));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto positions, column.Finish());
    ParsedChunk c;
    c.components = {{D("rerun.archetypes.Points3D", "Points3D:positions", "rerun.components.Position3D"), positions}};
    c.time_rows = {static_cast<int64_t>(clouds.size())};
    clouds.push_back(std::move(c));
  }

  std::vector<ParsedChunk> out;
  ParsedChunk frames;
  ARROW_ASSIGN_OR_RAISE(auto frame_ids, FrameIds(*rows));
  frames.components = {{Frame(), frame_ids}};
  out.push_back(std::move(frames));
  for (auto& c : clouds) out.push_back(std::move(c));

  const std::string a = "sensor_msgs.msg.PointCloud2";
  ParsedChunk columns;
  for (const char* name : {"height", "width"}) {
    ARROW_ASSIGN_OR_RAISE(auto col, Single(*rows, name));
    columns.components.push_back({D(a, a + ":" + name, ""), col});
  }
  // fields: list<list<struct<name, offset, datatype, count>>> with every struct field required.
  auto field_type = arrow::struct_({arrow::field("name", arrow::utf8(), false), arrow::field("offset", arrow::uint32(), false),
                                    arrow::field("datatype", arrow::uint8(), false), arrow::field("count", arrow::uint32(), false)});
  auto retyped_flat = std::make_shared<arrow::StructArray>(field_type, flat->length(), flat->fields(), flat->null_bitmap(),
                                                           flat->null_count(), flat->offset());
  auto retyped = std::make_shared<arrow::ListArray>(arrow::list(arrow::field("item", field_type, true)), fields_list.length(),
                                                    fields_list.value_offsets(), retyped_flat, fields_list.null_bitmap(),
                                                    fields_list.null_count(), fields_list.offset());
  ARROW_ASSIGN_OR_RAISE(auto fields_column, OnePerRow(retyped));
  columns.components.push_back({D(a, a + ":fields", ""), fields_column});
  for (const char* name : {"is_bigendian", "point_step", "row_step"}) {
    ARROW_ASSIGN_OR_RAISE(auto col, Single(*rows, name));
    columns.components.push_back({D(a, a + ":" + name, ""), col});
  }
  ARROW_ASSIGN_OR_RAISE(auto blobs, Blobs(data_array));
  columns.components.push_back({D(a, a + ":data", "rerun.components.Blob"), blobs});
  ARROW_ASSIGN_OR_RAISE(auto dense, Single(*rows, "is_dense"));
  columns.components.push_back({D(a, a + ":is_dense", ""), dense});
  if (!clouds.empty()) {
    for (auto& [f, builder] : extracted) {
      if (f.name == "x" || f.name == "y" || f.name == "z" || f.name.empty()) continue;
      ARROW_ASSIGN_OR_RAISE(auto col, builder->Finish());
      columns.components.push_back({D("rerun.archetypes.Points3D", "Points3D:" + f.name, ""), col});
    }
  }
  out.push_back(std::move(columns));
  return out;
}

}  // namespace

SemanticType PointCloud2Type() {
  return Make("sensor_msgs/msg/PointCloud2",
              "std_msgs/Header header\nuint32 height\nuint32 width\nsensor_msgs/PointField[] fields\nbool is_bigendian\n"
              "uint32 point_step\nuint32 row_step\nuint8[] data\nbool is_dense\n" +
                  kMsgSep + "MSG: sensor_msgs/PointField\nstring name\nuint32 offset\nuint8 datatype\nuint32 count\n" + kMsgSep +
                  kMsgHeader,
              Columns);
}

}  // namespace chunkhouse::mcap::semantic
