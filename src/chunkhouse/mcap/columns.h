#pragma once
// Building blocks of the columns the MCAP decoders emit: descriptors, blobs, key-value lists,
// one-row list columns, static chunks, and entity paths from topics (Rerun's forgiving parse).
#include <arrow/array.h>
#include <arrow/builder.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/mcap/reader.h"

namespace chunkhouse::mcap {

using ArrayPtr = std::shared_ptr<arrow::Array>;
using Components = std::vector<std::pair<ComponentDescriptor, ArrayPtr>>;

inline ComponentDescriptor D(std::string archetype, std::string component, std::string component_type = "") {
  ComponentDescriptor d;
  d.archetype = std::move(archetype);
  d.component = std::move(component);
  if (!component_type.empty()) d.component_type = std::move(component_type);  // empty: none
  return d;
}

inline int64_t Saturate(uint64_t v) {
  return v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                         : static_cast<int64_t>(v);
}

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline std::shared_ptr<arrow::DataType> BlobType() { return arrow::list(arrow::field("item", arrow::uint8(), false)); }
inline std::shared_ptr<arrow::DataType> PairType() {
  return arrow::struct_({arrow::field("first", arrow::utf8(), false), arrow::field("second", arrow::utf8(), false)});
}
inline std::shared_ptr<arrow::DataType> KeyValuesType() { return arrow::list(arrow::field("item", PairType(), false)); }

// A column of `rows` lists, the i-th holding the values `fill(i, builder)` appends.
template <typename Builder>
Result<ArrayPtr> Lists(std::shared_ptr<arrow::DataType> item_type, std::shared_ptr<Builder> items, int64_t rows,
                       const std::function<Status(int64_t, Builder&)>& fill) {
  arrow::ListBuilder outer(arrow::default_memory_pool(), items, arrow::list(arrow::field("item", item_type, true)));
  for (int64_t i = 0; i < rows; ++i) {
    ARROW_RETURN_NOT_OK(outer.Append());
    ARROW_RETURN_NOT_OK(fill(i, *items));
  }
  return outer.Finish();
}

inline Status AppendBlob(arrow::ListBuilder& blobs, const uint8_t* data, int64_t size) {
  ARROW_RETURN_NOT_OK(blobs.Append());
  return static_cast<arrow::UInt8Builder*>(blobs.value_builder())->AppendValues(data, size);
}

inline Status AppendKeyValues(arrow::ListBuilder& instances, const KeyValues& kv) {
  ARROW_RETURN_NOT_OK(instances.Append());
  auto* pairs = static_cast<arrow::StructBuilder*>(instances.value_builder());
  auto* first = static_cast<arrow::StringBuilder*>(pairs->field_builder(0));
  auto* second = static_cast<arrow::StringBuilder*>(pairs->field_builder(1));
  for (const auto& [k, v] : kv) {
    ARROW_RETURN_NOT_OK(pairs->Append());
    ARROW_RETURN_NOT_OK(first->Append(k));
    ARROW_RETURN_NOT_OK(second->Append(v));
  }
  return Status::OK();
}

inline std::shared_ptr<arrow::ListBuilder> BlobBuilder() {
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), std::make_shared<arrow::UInt8Builder>(),
                                              BlobType());
}
inline std::shared_ptr<arrow::ListBuilder> KeyValuesBuilder() {
  auto pairs = std::make_shared<arrow::StructBuilder>(
      PairType(), arrow::default_memory_pool(),
      std::vector<std::shared_ptr<arrow::ArrayBuilder>>{std::make_shared<arrow::StringBuilder>(),
                                                        std::make_shared<arrow::StringBuilder>()});
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), pairs, KeyValuesType());
}

// One row: `values` of a primitive type.
template <typename T, typename Builder = typename arrow::TypeTraits<T>::BuilderType>
Result<ArrayPtr> ScalarsRow(const std::vector<typename T::c_type>& values) {
  return Lists<Builder>(arrow::TypeTraits<T>::type_singleton(), std::make_shared<Builder>(), 1,
                        [&](int64_t, Builder& b) { return b.AppendValues(values); });
}

inline Result<ArrayPtr> StringsRow(const std::vector<std::string>& values) {
  return Lists<arrow::StringBuilder>(arrow::utf8(), std::make_shared<arrow::StringBuilder>(), 1,
                                     [&](int64_t, arrow::StringBuilder& b) { return b.AppendValues(values); });
}

inline Result<ArrayPtr> KeyValuesRow(const std::vector<KeyValues>& instances) {
  return Lists<arrow::ListBuilder>(KeyValuesType(), KeyValuesBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
    for (const auto& kv : instances) ARROW_RETURN_NOT_OK(AppendKeyValues(b, kv));
    return Status::OK();
  });
}

// A static chunk of `rows` rows (file-level outputs have one).
inline Result<std::shared_ptr<Chunk>> StaticChunk(const std::string& entity, Components components, int64_t rows = 1) {
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = entity;
  parts.row_ids = SequentialRowIds(parts.id, rows);
  parts.components = std::move(components);
  return Chunk::Make(std::move(parts));
}

inline std::string TopicEntity(const std::string& topic) { return EntityPath::Parse(topic).ToString(); }

// One value per row, as a list column (rows 0, 1, 2, ... each a list of one).
inline Result<ArrayPtr> OnePerRow(const ArrayPtr& values) {
  arrow::Int32Builder offsets;
  ARROW_RETURN_NOT_OK(offsets.Reserve(values->length() + 1));
  for (int64_t i = 0; i <= values->length(); ++i) offsets.UnsafeAppend(static_cast<int32_t>(i));
  ARROW_ASSIGN_OR_RAISE(auto o, offsets.Finish());
  return arrow::ListArray::FromArrays(*o, *values);
}

// A numeric array's value as a double (float32 widened exactly, integers converted; 0 for other types).
inline double NumberAt(const arrow::Array& a, int64_t i) {
  switch (a.type_id()) {
    case arrow::Type::DOUBLE: return static_cast<const arrow::DoubleArray&>(a).Value(i);
    case arrow::Type::FLOAT: return static_cast<const arrow::FloatArray&>(a).Value(i);
    case arrow::Type::INT8: return static_cast<const arrow::Int8Array&>(a).Value(i);
    case arrow::Type::UINT8: return static_cast<const arrow::UInt8Array&>(a).Value(i);
    case arrow::Type::INT16: return static_cast<const arrow::Int16Array&>(a).Value(i);
    case arrow::Type::UINT16: return static_cast<const arrow::UInt16Array&>(a).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(a).Value(i);
    case arrow::Type::UINT32: return static_cast<const arrow::UInt32Array&>(a).Value(i);
    case arrow::Type::INT64: return static_cast<double>(static_cast<const arrow::Int64Array&>(a).Value(i));
    case arrow::Type::UINT64: return static_cast<double>(static_cast<const arrow::UInt64Array&>(a).Value(i));
    default: return 0;
  }
}

// Each non-empty string with `suffix` after it (a camera's frame id and `_image_plane`); empty
// strings and nulls as they are.
inline Result<ArrayPtr> SuffixNonEmpty(const arrow::StringArray& strings, const std::string& suffix) {
  arrow::StringBuilder b;
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      ARROW_RETURN_NOT_OK(b.AppendNull());
      continue;
    }
    const std::string_view v = strings.GetView(i);
    ARROW_RETURN_NOT_OK(v.empty() ? b.Append(v) : b.Append(std::string(v) + suffix));
  }
  return b.Finish();
}

// Rerun's CoordinateFrame:frame, the frame id converters put beside what they convert.
inline constexpr const char* kFrameIdType = "rerun.components.TransformFrameId";
inline ComponentDescriptor Frame() { return D("rerun.archetypes.CoordinateFrame", "CoordinateFrame:frame", kFrameIdType); }

}  // namespace chunkhouse::mcap
