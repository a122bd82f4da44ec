#include "chunkhouse/query/view.h"

#include <algorithm>
#include <map>
#include <set>

namespace chunkhouse::query {

bool ComponentMatches(const ComponentDescriptor& d, const std::string& wanted) {
  if (d.component == wanted) return true;
  if (!d.component_type) return false;
  auto dot = d.component_type->rfind('.');
  return *d.component_type == wanted || (dot != std::string::npos && d.component_type->substr(dot + 1) == wanted);
}

namespace {

std::string Known(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < 50; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 50) s += fmt::format(", ... ({} in all)", names.size());
  return s.empty() ? "(none)" : s;
}

std::pair<EntityPath, std::string> SplitSelector(const std::string& name) {
  auto colon = name.find(':');
  return {EntityPath::Parse(name.substr(0, colon)), name.substr(colon + 1)};
}


}  // namespace

std::optional<size_t> FindViewColumn(const View& v, const std::string& name, bool last) {
  std::optional<size_t> found;
  // Exact output names first ("property:..." included), then entity + component matching.
  for (size_t i = 0; i < v.columns.size(); ++i) {
    if (v.columns[i]->ColumnName() == name) return i;
  }
  if (name.find(':') == std::string::npos) return std::nullopt;
  auto [entity, component] = SplitSelector(name);
  for (size_t i = 0; i < v.columns.size(); ++i) {
    if (v.columns[i]->entity == entity && ComponentMatches(v.columns[i]->descriptor, component)) {
      found = i;
      if (!last) return found;
    }
  }
  return found;
}

Result<View> MakeView(const StoreSchema& schema, const QueryExpression& q) {
  View v;
  v.timelines = schema.timelines;
  if (q.index) {
    for (size_t i = 0; i < v.timelines.size(); ++i)
      if (v.timelines[i].name == *q.index) v.index = i;
    if (!v.index) {
      std::vector<std::string> names;
      for (const auto& t : v.timelines) names.push_back(t.name);
      return Status::Invalid(fmt::format("unknown index '{}': the recording's timelines are {}", *q.index, Known(names)));
    }
  }
  // entity -> allowed components (nullopt = all); later dict entries replace earlier ones.
  std::map<EntityPath, std::optional<std::vector<std::string>>> contents;
  std::set<EntityPath> entities;
  for (const auto& c : schema.columns) entities.insert(c.entity);
  for (const auto& [expr, components] : q.contents) {
    ARROW_RETURN_NOT_OK(EntityPathFilter::Check(expr));
    auto filter = EntityPathFilter::Parse(expr);
    for (const auto& e : entities)
      if (filter.Matches(e)) contents[e] = components;
  }
  for (const auto& c : schema.columns) {
    auto it = contents.find(c.entity);
    if (it == contents.end()) continue;
    if (it->second) {
      bool wanted = std::any_of(it->second->begin(), it->second->end(),
                                [&](const std::string& w) { return ComponentMatches(c.descriptor, w); });
      if (!wanted) continue;
    }
    if (c.is_semantically_empty && !q.include_semantically_empty_columns) continue;
    if (c.is_tombstone && !q.include_tombstone_columns) continue;
    if (!q.index && !c.is_static) continue;
    v.columns.push_back(&c);
  }
  return v;
}


// Splits "entity:component" at the first ':'.
Result<std::vector<Selected>> Select(const View& v, const QueryExpression& q) {
  std::vector<Selected> out;
  if (!q.selection) {
    for (size_t i = 0; i < v.timelines.size(); ++i) out.push_back({i, 0});
    for (size_t i = 0; i < v.columns.size(); ++i) out.push_back({std::nullopt, i});
    return out;
  }
  for (const auto& name : *q.selection) {
    bool is_index = name.find(':') == std::string::npos && name.find('/') == std::string::npos;
    if (is_index) {
      std::optional<size_t> t;
      for (size_t i = 0; i < v.timelines.size(); ++i)
        if (v.timelines[i].name == name) t = i;
      if (!t) {
        std::vector<std::string> names;
        for (const auto& tl : v.timelines) names.push_back(tl.name);
        return Status::Invalid(fmt::format("unknown index column '{}': the timelines are {}", name, Known(names)));
      }
      out.push_back({t, 0});
      continue;
    }
    if (name.find(':') == std::string::npos) {
      return Status::Invalid(fmt::format("column '{}' is neither a timeline nor 'entity:component'", name));
    }
    auto c = FindViewColumn(v, name, /*last=*/false);
    if (!c) {
      std::vector<std::string> names;
      for (const auto* col : v.columns) names.push_back(col->ColumnName());
      return Status::Invalid(fmt::format("unknown column '{}': the view's columns are {}", name, Known(names)));
    }
    out.push_back({std::nullopt, *c});
  }
  return out;
}

}  // namespace chunkhouse::query
