#pragma once
// Entity paths ("/world/robot/arm") and entity-path filters ("/** - /world/robot/**"), with
// Rerun's forgiving parse, display escaping and natural ordering (spec/query_semantics.md §1.1, §2.2).
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse {

class EntityPath {
 public:
  EntityPath() = default;  // the root "/"
  explicit EntityPath(std::vector<std::string> parts) : parts_(std::move(parts)) {}
  // Forgiving parse: leading slash optional, empty parts dropped, escapes resolved.
  static EntityPath Parse(std::string_view text);

  const std::vector<std::string>& parts() const { return parts_; }
  bool is_root() const { return parts_.empty(); }
  bool StartsWith(const EntityPath& prefix) const;  // prefix itself included
  EntityPath Parent() const;
  // "/a/b" with punctuation and spaces escaped ("/my\ entity/with\:colon").
  std::string ToString() const;

  bool operator==(const EntityPath& o) const { return parts_ == o.parts_; }
  // Natural order: parts compared one by one; "__" parts after others; digits by value.
  bool operator<(const EntityPath& o) const;

 private:
  std::vector<std::string> parts_;
};

// Natural-order comparison of two path parts (-1, 0, 1).
int ComparePathParts(std::string_view a, std::string_view b);

// An entity-path filter: include/exclude rules on exact paths or subtrees ("/a/**").
class EntityPathFilter {
 public:
  // Parses filter text (rules separated by whitespace or newlines, "+" / "-" prefixes).
  // `/__properties/**` is excluded unless a rule names that subtree.
  static EntityPathFilter Parse(std::string_view text);
  // Whether `text` is well formed: a '*' may only appear as a trailing "/**" of a rule. The
  // error names the offending rule and how rules are written.
  static Status Check(std::string_view text);
  bool Matches(const EntityPath& path) const;

 private:
  struct Rule {
    EntityPath path;
    bool subtree = false;
    bool include = true;
    std::string raw;
  };
  std::vector<Rule> rules_;  // sorted by (path, subtree before exact)
};

}  // namespace chunkhouse
