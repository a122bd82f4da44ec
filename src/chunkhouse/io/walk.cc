#include "chunkhouse/io/walk.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

namespace chunkhouse::io {

namespace fs = std::filesystem;

namespace {

bool HasExtension(const std::string& name, const std::vector<std::string>& extensions) {
  return std::any_of(extensions.begin(), extensions.end(), [&](const std::string& ext) {
    return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
  });
}

}  // namespace

Result<Listing> ListFiles(const std::string& dir, const std::vector<std::string>& extensions,
                          const AllowedRoots& roots, size_t max_files) {
  ARROW_ASSIGN_OR_RAISE(auto root, roots.Resolve(dir));
  Listing out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    return MakeError(ec.value() == ENOTDIR ? ErrorKind::kInvalidArgument : ErrorKind::kInternal,
                     fmt::format("{}: cannot list: {}", Quote(dir), ec.message()), ec.value());
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {  // the walk cannot go on past this (unreadable subdirectories are skipped already)
      out.skipped.push_back({dir, MakeError(ErrorKind::kInternal,
                                            fmt::format("{}: listing stopped early: {}", Quote(dir), ec.message()),
                                            ec.value())});
      break;
    }
    const std::string path = it->path().string();
    if (!HasExtension(it->path().filename().string(), extensions)) continue;
    // Only what resolves to a regular file inside the allowed directories: a symlink pointing
    // out, a link loop, a named pipe or a device is passed over with its reason.
    auto canonical = roots.Resolve(path);
    if (!canonical.ok()) {
      out.skipped.push_back({path, canonical.status()});
      continue;
    }
    struct stat st {};
    if (::stat(canonical->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      if (!S_ISDIR(st.st_mode)) {
        out.skipped.push_back({path, InvalidArgument("{}: not a regular file", Quote(path))});
      }
      continue;
    }
    out.files.push_back(std::move(*canonical));
    if (out.files.size() + out.skipped.size() > max_files) {
      return ResourceExhausted("{}: more files than the limit of {}; register its subdirectories separately",
                               Quote(dir), max_files);
    }
  }
  std::sort(out.files.begin(), out.files.end());
  out.files.erase(std::unique(out.files.begin(), out.files.end()), out.files.end());
  return out;
}

}  // namespace chunkhouse::io
