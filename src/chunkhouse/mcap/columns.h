#pragma once
// Building blocks of the columns the MCAP decoders emit, beyond chunk/columns.h's: key-value
// lists, one value per row, numbers as doubles, suffixed frame ids, and entity paths from topics
// (Rerun's forgiving parse).
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
#include "chunkhouse/chunk/columns.h"
#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/mcap/reader.h"

namespace chunkhouse::mcap {

inline int64_t Saturate(uint64_t v) {
  return v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                         : static_cast<int64_t>(v);
}

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline std::shared_ptr<arrow::DataType> PairType() {
  return arrow::struct_({arrow::field("first", arrow::utf8(), false), arrow::field("second", arrow::utf8(), false)});
}
inline std::shared_ptr<arrow::DataType> KeyValuesType() { return arrow::list(arrow::field("item", PairType(), false)); }

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

inline std::shared_ptr<arrow::ListBuilder> KeyValuesBuilder() {
  auto pairs = std::make_shared<arrow::StructBuilder>(
      PairType(), arrow::default_memory_pool(),
      std::vector<std::shared_ptr<arrow::ArrayBuilder>>{std::make_shared<arrow::StringBuilder>(),
                                                        std::make_shared<arrow::StringBuilder>()});
  return std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), pairs, KeyValuesType());
}

inline Result<ArrayPtr> KeyValuesRow(const std::vector<KeyValues>& instances) {
  return Lists<arrow::ListBuilder>(KeyValuesType(), KeyValuesBuilder(), 1, [&](int64_t, arrow::ListBuilder& b) {
    for (const auto& kv : instances) ARROW_RETURN_NOT_OK(AppendKeyValues(b, kv));
    return Status::OK();
  });
}

inline std::string TopicEntity(const std::string& topic) { return EntityPath::Parse(topic).ToString(); }

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
}  // namespace chunkhouse::mcap
