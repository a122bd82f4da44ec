#pragma once
// The directories a server may read. A path is checked after resolving every symbolic link in
// it, at every open (registration, directory walks, and each later read through the reader
// cache), so that a link placed in an allowed directory cannot reach outside it.
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse::io {

class AllowedRoots {
 public:
  AllowedRoots() = default;
  // Each directory is resolved once (symlinks followed where it exists).
  explicit AllowedRoots(const std::vector<std::string>& dirs);

  // The canonical form of `path` when it lies in an allowed directory: NotFound when it does
  // not exist, PermissionDenied when it resolves outside them, InvalidArgument for a link loop.
  Result<std::string> Resolve(const std::string& path) const;
  // Whether an already canonical path lies in an allowed directory.
  bool Contains(const std::string& canonical) const;
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  std::vector<std::string> roots_;
};

// The canonical path (every symlink resolved); errors as for AllowedRoots::Resolve.
Result<std::string> Canonical(const std::string& path);

}  // namespace chunkhouse::io
