#pragma once
// Where data lives. Today: local files, given as file:// URLs or absolute paths. Object stores
// (s3://, gs://, ...) will come through Arrow's filesystem layer; their URLs are recognised and
// refused with a clear error until then.
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse::io {

struct Location {
  std::string scheme;  // "file"
  std::string path;    // absolute, as given (not yet resolved)

  bool is_local() const { return scheme == "file"; }
  std::string ToUrl() const;  // "file:///abs/path"
};

// Parses "file:///abs/path", "file://localhost/abs/path" or "/abs/path". A NUL byte, a relative
// path or another scheme is an invalid argument naming the (truncated) URL.
Result<Location> ParseLocation(std::string_view url);

// "file://" + path.
std::string FileUrl(std::string_view path);

}  // namespace chunkhouse::io
