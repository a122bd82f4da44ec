#include "chunkhouse/chunk/from_columns.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/type.h>
#include <fmt/format.h>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {

Result<std::shared_ptr<arrow::Array>> AsListArray(const std::shared_ptr<arrow::Array>& values) {
  if (values->type_id() == arrow::Type::LIST) return values;
  const int64_t n = values->length();
  ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::AllocateBuffer((n + 1) * static_cast<int64_t>(sizeof(int32_t))));
  auto* o = reinterpret_cast<int32_t*>(offsets->mutable_data());
  for (int64_t i = 0; i <= n; ++i) o[i] = static_cast<int32_t>(i);
  return std::make_shared<arrow::ListArray>(arrow::list(arrow::field("item", values->type(), true)), n,
                                            std::shared_ptr<arrow::Buffer>(std::move(offsets)), values);
}

Result<std::shared_ptr<Chunk>> ChunkFromColumns(
    const std::string& entity_path, std::vector<NamedTimes> timelines,
    std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components) {
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = EntityPath::Parse(entity_path).ToString();
  for (auto& t : timelines) {
    if (t.timeline.empty()) return Status::Invalid("Invalid `TimelineName`: must not be empty");
    auto type = TimeTypeFromArrow(*t.times->type());
    if (!type) {
      return Status::Invalid(fmt::format(
          "Error converting temporal data: Detected malformed chunk: Invalid data_type for timeline: {}", t.timeline));
    }
    if (t.times->null_count() != 0) {
      return Status::Invalid(fmt::format("Error converting temporal data: Detected malformed chunk: Invalid timeline "
                                         "{}: Time columns had nulls, but should be dense",
                                         t.timeline));
    }
    auto same = std::find_if(parts.timelines.begin(), parts.timelines.end(),
                             [&](const Chunk::TimeColumn& c) { return c.timeline.name == t.timeline; });
    Chunk::TimeColumn column{Timeline{t.timeline, *type}, t.times, std::nullopt};
    if (same != parts.timelines.end()) {
      *same = std::move(column);
    } else {
      parts.timelines.push_back(std::move(column));
    }
  }
  for (auto& entry : components) {
    auto& descriptor = entry.first;
    auto& values = entry.second;
    if (descriptor.component.empty()) return Status::Invalid("Invalid `ComponentIdentifier`: must not be empty");
    ARROW_ASSIGN_OR_RAISE(auto list, AsListArray(values));
    auto same = std::find_if(parts.components.begin(), parts.components.end(),
                             [&](const auto& c) { return c.first.component == descriptor.component; });
    if (same != parts.components.end()) {
      *same = {descriptor, list};
    } else {
      parts.components.emplace_back(descriptor, list);
    }
  }
  const int64_t rows = parts.components.empty() ? 0 : parts.components.front().second->length();
  parts.row_ids = SequentialRowIds(parts.id, rows);
  ARROW_ASSIGN_OR_RAISE(auto chunk, Chunk::Make(std::move(parts)));
  return SortedWithNewRowIds(*chunk);
}

Result<std::shared_ptr<Chunk>> ChunkFromProperty(
    const std::string& name, std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components) {
  Chunk::Parts parts;
  parts.id = Tuid::New();
  parts.entity_path = EntityPath({"__properties", name}).ToString();
  parts.row_ids = SequentialRowIds(parts.id, 1);
  for (auto& entry : components) {
    auto& descriptor = entry.first;
    auto& values = entry.second;
    if (descriptor.component.empty()) return Status::Invalid("Invalid `ComponentIdentifier`: must not be empty");
    ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::AllocateBuffer(2 * static_cast<int64_t>(sizeof(int32_t))));
    auto* o = reinterpret_cast<int32_t*>(offsets->mutable_data());
    o[0] = 0;
    o[1] = static_cast<int32_t>(values->length());
    auto row = std::make_shared<arrow::ListArray>(arrow::list(arrow::field("item", values->type(), true)), 1,
                                                  std::shared_ptr<arrow::Buffer>(std::move(offsets)), values);
    auto same = std::find_if(parts.components.begin(), parts.components.end(),
                             [&](const auto& c) { return c.first.component == descriptor.component; });
    if (same != parts.components.end()) {
      *same = {descriptor, row};
    } else {
      parts.components.emplace_back(descriptor, row);
    }
  }
  return Chunk::Make(std::move(parts));
}

}  // namespace chunkhouse
