#include "chunkhouse/io/allowed.h"

#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace chunkhouse::io {

Result<std::string> Canonical(const std::string& path) {
  if (path.find('\0') != std::string::npos) return InvalidArgument("{}: a path must not contain a NUL byte", Quote(path));
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    const int err = errno;
    switch (err) {
      case ENOENT:
      case ENOTDIR: return MakeError(ErrorKind::kNotFound, fmt::format("file not found: {}", Quote(path)), err);
      case ELOOP:
        return MakeError(ErrorKind::kInvalidArgument,
                         fmt::format("{}: too many levels of symbolic links (a link loop?)", Quote(path)), err);
      case EACCES: return MakeError(ErrorKind::kPermissionDenied, fmt::format("{}: permission denied", Quote(path)), err);
      case ENAMETOOLONG: return MakeError(ErrorKind::kInvalidArgument, fmt::format("{}: path too long", Quote(path)), err);
      default:
        return MakeError(ErrorKind::kInternal, fmt::format("{}: cannot resolve: {}", Quote(path), std::strerror(err)), err);
    }
  }
  return std::string(resolved);
}

AllowedRoots::AllowedRoots(const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    auto canonical = Canonical(dir);
    std::string root = canonical.ok() ? *canonical : std::filesystem::path(dir).lexically_normal().string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    roots_.push_back(std::move(root));
  }
}

bool AllowedRoots::Contains(const std::string& canonical) const {
  for (const auto& root : roots_) {
    if (canonical == root || root == "/" ||
        (canonical.size() > root.size() && canonical.compare(0, root.size(), root) == 0 && canonical[root.size()] == '/')) {
      return true;
    }
  }
  return false;
}

Result<std::string> AllowedRoots::Resolve(const std::string& path) const {
  ARROW_ASSIGN_OR_RAISE(auto canonical, Canonical(path));
  if (Contains(canonical)) return canonical;
  std::string shown = canonical == path ? Quote(path) : fmt::format("{} (resolves to {})", Quote(path), Quote(canonical));
  return PermissionDenied("{} is outside the directories this server may read ({}); start the server with "
                          "--allow-dir to permit it",
                          shown, roots_.empty() ? std::string("none") : fmt::format("{}", fmt::join(roots_, ", ")));
}

}  // namespace chunkhouse::io
