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
  if (chunk.entity_path() != last_entity_text_ || last_entity_text_.empty()) {
    last_entity_text_ = chunk.entity_path();
    last_entity_ = EntityPath::Parse(last_entity_text_);
  }
  const EntityPath& entity = last_entity_;
  for (const auto& cc : chunk.components()) {
    auto [it, fresh] = column_index_.try_emplace(std::make_pair(entity, cc.descriptor), schema_.columns.size());
    if (fresh) {
      sorbet::Column column{entity, cc.descriptor, chunk.batch()->schema()->field(cc.column)->type()};
      column.is_tombstone = sorbet::IsTombstone(cc.descriptor);
      schema_.columns.push_back(std::move(column));
    }
    sorbet::Column& column = schema_.columns[it->second];
    column.is_static |= chunk.is_static();
    column.is_semantically_empty &= ListIsEmpty(chunk.column(cc.column));
  }
}

sorbet::Schema SchemaBuilder::Finish() const {
  sorbet::Schema out = schema_;
  out.Sort();
  return out;
}

}  // namespace chunkhouse
