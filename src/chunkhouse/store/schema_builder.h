#pragma once
// The schema of a set of chunks: one index column per timeline and one column per (entity,
// component), flagged static when any of its data is static and semantically empty when no
// chunk holds an instance. Every store that is built from chunks computes its schema here.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

class SchemaBuilder {
 public:
  // Cheap for a chunk whose columns are known already (no allocation): it runs per insert.
  void Add(const Chunk& chunk);
  // Timelines by (name, type), columns by (entity, descriptor).
  sorbet::Schema Finish() const;

 private:
  struct Entity {
    EntityPath path;
    // component identifier -> the columns with it (one per distinct descriptor)
    std::map<std::string, std::vector<size_t>, std::less<>> columns;
  };
  sorbet::Schema schema_;
  std::map<std::string, Entity, std::less<>> entities_;
};

}  // namespace chunkhouse
