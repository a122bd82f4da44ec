#include "chunkhouse/io/location.h"

namespace chunkhouse::io {

std::string Location::ToUrl() const { return scheme == "file" ? FileUrl(path) : scheme + "://" + path; }

std::string FileUrl(std::string_view path) { return fmt::format("file://{}", path); }

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A file URL's path with its %XX escapes decoded (as Path.as_uri() writes them).
Result<std::string> PercentDecode(std::string_view path, std::string_view url) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out += path[i];
      continue;
    }
    int hi = i + 2 < path.size() ? HexDigit(path[i + 1]) : -1, lo = hi >= 0 ? HexDigit(path[i + 2]) : -1;
    if (hi < 0 || lo < 0) return InvalidArgument("'{}': malformed %-escape at character {}", Quote(url), i);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

Result<Location> ParseLocation(std::string_view url) {
  if (url.find('\0') != std::string_view::npos) {
    return InvalidArgument("'{}': a URL must not contain a NUL byte", Quote(url));
  }
  std::string_view path = url;
  std::string decoded;
  if (path.rfind("file://", 0) == 0) {
    path.remove_prefix(7);
    if (path.rfind("localhost/", 0) == 0) path.remove_prefix(9);
    ARROW_ASSIGN_OR_RAISE(decoded, PercentDecode(path, url));
    if (decoded.find('\0') != std::string::npos) {
      return InvalidArgument("'{}': a URL must not contain a NUL byte", Quote(url));
    }
    path = decoded;
  } else if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    return InvalidArgument("'{}': only file:// URLs and local paths are supported (not {}://)", Quote(url),
                           Quote(path.substr(0, scheme), 20));
  }
  if (path.empty() || path[0] != '/') {
    return InvalidArgument("'{}': expected an absolute file:// URL or path", Quote(url));
  }
  return Location{"file", std::string(path)};
}

}  // namespace chunkhouse::io
