#pragma once
// Building blocks of the component columns importers emit (MCAP decoders, URDF): descriptors,
// one-row list columns of scalars, strings, fixed-size vectors and blobs, one value per row,
// and static chunks.
#include <arrow/array.h>
#include <arrow/builder.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {

using ArrayPtr = std::shared_ptr<arrow::Array>;
using Components = std::vector<std::pair<ComponentDescriptor, ArrayPtr>>;

inline ComponentDescriptor D(std::string archetype, std::string component, std::string component_type = "") {
  ComponentDescriptor d;
  d.archetype = std::move(archetype);
  d.component = std::move(component);
  if (!component_type.empty()) d.component_type = std::move(component_type);  // empty: none
  return d;
}

// Rerun's CoordinateFrame:frame, the frame id converters put beside what they convert.
inline constexpr const char* kFrameIdType = "rerun.components.TransformFrameId";
inline ComponentDescriptor Frame() { return D("rerun.archetypes.CoordinateFrame", "CoordinateFrame:frame", kFrameIdType); }

inline std::shared_ptr<arrow::DataType> BlobType() { return arrow::list(arrow::field("item", arrow::uint8(), false)); }

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

inline std::shared_ptr<arrow::ListBuilder> BlobBuilder() {
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), std::make_shared<arrow::UInt8Builder>(),
                                              BlobType());
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

// One row of fixed-size vectors (list<fixed_size_list<item: T not null>[N]>): Rerun's Vec3D,
// Quaternion and the components built on them.
template <typename T, size_t N>
Result<ArrayPtr> FixedRow(const std::vector<std::array<typename T::c_type, N>>& values) {
  using Builder = typename arrow::TypeTraits<T>::BuilderType;
  auto scalars = std::make_shared<Builder>();
  auto type = arrow::fixed_size_list(arrow::field("item", arrow::TypeTraits<T>::type_singleton(), false), static_cast<int32_t>(N));
  auto fixed = std::make_shared<arrow::FixedSizeListBuilder>(arrow::default_memory_pool(), scalars, type);
  return Lists<arrow::FixedSizeListBuilder>(type, fixed, 1, [&](int64_t, arrow::FixedSizeListBuilder& b) {
    for (const auto& v : values) {
      ARROW_RETURN_NOT_OK(b.Append());
      ARROW_RETURN_NOT_OK(static_cast<Builder*>(b.value_builder())->AppendValues(v.data(), static_cast<int64_t>(N)));
    }
    return Status::OK();
  });
}

// One value per row, as a list column (rows 0, 1, 2, ... each a list of one).
inline Result<ArrayPtr> OnePerRow(const ArrayPtr& values) {
  arrow::Int32Builder offsets;
  ARROW_RETURN_NOT_OK(offsets.Reserve(values->length() + 1));
  for (int64_t i = 0; i <= values->length(); ++i) offsets.UnsafeAppend(static_cast<int32_t>(i));
  ARROW_ASSIGN_OR_RAISE(auto o, offsets.Finish());
  return arrow::ListArray::FromArrays(*o, *values);
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

}  // namespace chunkhouse
