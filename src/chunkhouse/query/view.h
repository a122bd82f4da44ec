#pragma once
// The view of a query: which timelines and component columns it sees (contents, flags, static
// only without an index), and which of them it returns (the selection). Shared by recording
// queries and dataset queries, which apply the same rules to a dataset's schema.
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/query/query.h"

namespace chunkhouse::query {

struct View {
  std::vector<Timeline> timelines;              // all of the schema's, in order
  std::vector<const sorbet::Column*> columns;   // view component columns, in schema order
  std::optional<size_t> index;                  // position of the index timeline
};

// Unknown index: an error naming the timelines that exist.
Result<View> MakeView(const sorbet::Schema& schema, const QueryExpression& q);

// An output column: an index timeline, or a view component column.
struct Selected {
  std::optional<size_t> timeline;  // into View::timelines
  size_t column = 0;               // into View::columns
};

// The output columns in order (all of the view's without a selection). Unknown names are errors
// naming what exists.
Result<std::vector<Selected>> Select(const View& v, const QueryExpression& q);

// The view column named `name`: an exact output name ("property:…" included) first, then
// "entity:component" matching the component by ComponentMatches (the first match, or with
// `last` the last one).
std::optional<size_t> FindViewColumn(const View& v, const std::string& name, bool last);

// Whether a descriptor matches a wanted component: the identifier ("Points3D:positions"), the
// component type ("rerun.components.Position3D") or its short name ("Position3D").
bool ComponentMatches(const ComponentDescriptor& d, const std::string& wanted);

}  // namespace chunkhouse::query
