#pragma once
// Which columns of a Parquet file become which entity and component (notes/parquet.md §2.2):
// the grouping modes, their order, and the entity path of a group.
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/parquet/options.h"

namespace chunkhouse::pq {

struct Member {
  int column = 0;         // position in the file's schema
  std::string component;  // the component (or struct field) it becomes
};

struct Group {
  std::string key;  // the entity path text, before the prefix is joined
  std::vector<Member> members;
};

// Groups `columns` ((position, name) of every column that is neither index nor static, in
// schema order), in the order their chunks are emitted: prefix groups by key byte-wise;
// individual columns in schema order; explicit prefixes' groups by prefix byte-wise, then the
// unmatched columns in schema order.
std::vector<Group> GroupColumns(const std::vector<std::pair<int, std::string>>& columns, const CheckedOptions& options);

// `prefix` joined with the forgiving parse of `key`.
EntityPath GroupEntity(const EntityPath& prefix, const std::string& key);

}  // namespace chunkhouse::pq
