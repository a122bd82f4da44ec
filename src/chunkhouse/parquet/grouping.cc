#include "chunkhouse/parquet/grouping.h"

#include <algorithm>
#include <map>

namespace chunkhouse::pq {

namespace {

// Split at the first delimiter when something follows it; otherwise the whole name is both.
std::pair<std::string, std::string> SplitPrefix(const std::string& name, const std::string& delimiter) {
  const auto at = name.find(delimiter);
  if (at == std::string::npos || at + delimiter.size() >= name.size()) return {name, name};
  return {name.substr(0, at), name.substr(at + delimiter.size())};
}

std::vector<Group> ByPrefix(const std::vector<std::pair<int, std::string>>& columns, const std::string& delimiter) {
  std::map<std::string, Group> groups;  // byte-wise key order
  for (const auto& [column, name] : columns) {
    auto [key, component] = SplitPrefix(name, delimiter);
    auto& group = groups[key];
    group.key = key;
    group.members.push_back({column, std::move(component)});
  }
  std::vector<Group> out;
  for (auto& [key, group] : groups) out.push_back(std::move(group));
  return out;
}

std::vector<Group> Individually(const std::vector<std::pair<int, std::string>>& columns) {
  std::vector<Group> out;
  for (const auto& [column, name] : columns) out.push_back({name, {{column, name}}});
  return out;
}

std::vector<Group> ByExplicitPrefixes(const std::vector<std::pair<int, std::string>>& columns,
                                      std::vector<std::string> prefixes) {
  // Longest first; equal lengths keep the user's order.
  std::stable_sort(prefixes.begin(), prefixes.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::map<std::string, Group> groups;
  std::vector<std::pair<int, std::string>> unmatched;
  for (const auto& [column, name] : columns) {
    bool matched = false;
    for (const auto& prefix : prefixes) {
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      std::string rest = name.substr(prefix.size());
      if (rest.empty()) break;  // the name is the prefix: unmatched, shorter prefixes not tried
      if (rest.front() == '_') rest.erase(0, 1);
      auto& group = groups[prefix];
      group.key = prefix;
      group.members.push_back({column, std::move(rest)});
      matched = true;
      break;
    }
    if (!matched) unmatched.emplace_back(column, name);
  }
  std::vector<Group> out;
  for (auto& [key, group] : groups) out.push_back(std::move(group));
  for (auto& group : Individually(unmatched)) out.push_back(std::move(group));
  return out;
}

}  // namespace

std::vector<Group> GroupColumns(const std::vector<std::pair<int, std::string>>& columns, const CheckedOptions& options) {
  switch (options.grouping) {
    case Grouping::kPrefix: return ByPrefix(columns, options.raw.delimiter);
    case Grouping::kIndividual: return Individually(columns);
    case Grouping::kExplicitPrefixes: return ByExplicitPrefixes(columns, options.raw.prefixes.value_or(std::vector<std::string>{}));
  }
  return {};
}

EntityPath GroupEntity(const EntityPath& prefix, const std::string& key) {
  auto parts = prefix.parts();
  const EntityPath parsed = EntityPath::Parse(key);
  for (const auto& part : parsed.parts()) parts.push_back(part);
  return EntityPath(std::move(parts));
}

}  // namespace chunkhouse::pq
