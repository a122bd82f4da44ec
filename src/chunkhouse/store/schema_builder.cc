#include "chunkhouse/store/schema_builder.h"

#include <arrow/array.h>
#include <arrow/record_batch.h>


namespace chunkhouse {

namespace {

bool ListIsEmpty(const arrow::Array& array) {
  const auto& list = static_cast<const arrow::ListArray&>(array);
  if (list.length() == 0) return true;
  return list.value_offset(list.length()) == list.value_offset(0);
}

}  // namespace

void SchemaBuilder::Add(const Chunk& chunk) {
  for (const auto& ic : chunk.indexes()) {
    auto* t = const_cast<Timeline*>(schema_.FindTimeline(ic.timeline.name));
    if (t == nullptr) {
      schema_.timelines.push_back(ic.timeline);
    } else {
      t->type = ic.timeline.type;  // the latest type wins
    }
  }
  auto found = entities_.find(std::string_view(chunk.entity_path()));
  if (found == entities_.end()) {
    found = entities_.emplace(chunk.entity_path(), Entity{EntityPath::Parse(chunk.entity_path()), {}}).first;
  }
  Entity& entity = found->second;
  for (const auto& cc : chunk.components()) {
    auto by_id = entity.columns.find(std::string_view(cc.descriptor.component));
    if (by_id == entity.columns.end()) by_id = entity.columns.emplace(cc.descriptor.component, std::vector<size_t>{}).first;
    size_t index = SIZE_MAX;
    for (size_t i : by_id->second) {
      if (schema_.columns[i].descriptor == cc.descriptor) index = i;
    }
    if (index == SIZE_MAX) {
      index = schema_.columns.size();
      by_id->second.push_back(index);
      sorbet::Column column{entity.path, cc.descriptor, chunk.batch()->schema()->field(cc.column)->type()};
      column.is_tombstone = sorbet::IsTombstone(cc.descriptor);
      schema_.columns.push_back(std::move(column));
    }
    sorbet::Column& column = schema_.columns[index];
    column.is_static |= chunk.is_static();
    if (column.is_semantically_empty) column.is_semantically_empty = ListIsEmpty(chunk.column(cc.column));
  }
}

sorbet::Schema SchemaBuilder::Finish() const {
  sorbet::Schema out = schema_;
  out.Sort();
  return out;
}

}  // namespace chunkhouse
