#pragma once
// The schema of a set of chunks: one index column per timeline and one column per (entity,
// component), flagged static when any of its data is static and semantically empty when no
// chunk holds an instance. Every store that is built from chunks computes its schema here.
#include <map>
#include <string>
#include <utility>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

class SchemaBuilder {
 public:
  void Add(const Chunk& chunk);
  // Timelines by (name, type), columns by (entity, descriptor).
  sorbet::Schema Finish() const;

 private:
  sorbet::Schema schema_;
  std::map<std::pair<EntityPath, ComponentDescriptor>, size_t> column_index_;
  // The last chunk's entity, parsed (chunks of one entity tend to come together).
  std::string last_entity_text_;
  EntityPath last_entity_;
};

}  // namespace chunkhouse
