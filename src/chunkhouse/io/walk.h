#pragma once
// Listing the files of a directory tree. Every file found is resolved and checked against the
// allowed directories, and only regular files are listed; what was passed over is reported with
// its reason, never thrown.
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/io/allowed.h"

namespace chunkhouse::io {

struct Listing {
  std::vector<std::string> files;  // canonical paths, sorted
  struct Skipped {
    std::string path;  // as found (or the directory, when the walk stopped early)
    Status reason;
  };
  std::vector<Skipped> skipped;  // files with a wanted extension that are not listed, and why
};

// The regular files under `dir` (recursively; directory symlinks are not followed) whose name
// ends in one of `extensions` (".rrd"), resolved and inside `roots`. Errors when `dir` itself
// cannot be read, or when more than `max_files` are found (ResourceExhausted).
Result<Listing> ListFiles(const std::string& dir, const std::vector<std::string>& extensions,
                          const AllowedRoots& roots, size_t max_files = 1'000'000);

}  // namespace chunkhouse::io
