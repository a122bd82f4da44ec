#include "chunkhouse/io/file.h"

#include <arrow/buffer.h>
#include <arrow/io/file.h>
#include <arrow/io/interfaces.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace chunkhouse::io {

namespace {

FileIdentity IdentityOf(const struct stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                      static_cast<uint64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::string_view TypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

Status OsError(const std::string& path, std::string_view what, int err) {
  std::string message = fmt::format("{}: cannot {}: {}", Quote(path), what, std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR: return MakeError(ErrorKind::kNotFound, message, err);
    case EACCES:
    case EPERM: return MakeError(ErrorKind::kPermissionDenied, message, err);
    case ELOOP: return MakeError(ErrorKind::kInvalidArgument, message + " (a symbolic link loop?)", err);
    case EMFILE:
    case ENFILE: return MakeError(ErrorKind::kResourceExhausted, message, err);
    default: return MakeError(ErrorKind::kInternal, message, err);
  }
}

class ArrowSource final : public ReadSource {
 public:
  ArrowSource(std::string name, std::shared_ptr<arrow::io::RandomAccessFile> file, uint64_t size)
      : name_(std::move(name)), file_(std::move(file)), size_(size) {}
  const std::string& name() const override { return name_; }
  uint64_t size() const override { return size_; }
  Result<std::shared_ptr<arrow::Buffer>> ReadAt(uint64_t offset, uint64_t length) override {
    return file_->ReadAt(static_cast<int64_t>(offset), static_cast<int64_t>(length));
  }
  Result<int64_t> ReadAt(uint64_t offset, uint64_t length, void* out) override {
    return file_->ReadAt(static_cast<int64_t>(offset), static_cast<int64_t>(length), out);
  }

 private:
  std::string name_;
  std::shared_ptr<arrow::io::RandomAccessFile> file_;
  uint64_t size_;
};

}  // namespace

std::string FileIdentity::DescribeChange(const FileIdentity& before) const {
  std::vector<std::string> what;
  if (device != before.device || inode != before.inode) what.emplace_back("replaced by another file");
  if (size != before.size) what.push_back(fmt::format("size {} -> {} bytes", before.size, size));
  if (mtime_ns != before.mtime_ns) what.emplace_back("modified");
  return what.empty() ? "unchanged" : fmt::format("{}", fmt::join(what, ", "));
}

Result<FileIdentity> StatRegularFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return OsError(path, "stat", errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument("{}: {}, expected a regular file", Quote(path), TypeName(st.st_mode));
  }
  return IdentityOf(st);
}

Result<OpenedFile> OpenRegularFile(const std::string& path, bool no_follow) {
  if (path.find('\0') != std::string::npos) return InvalidArgument("{}: a path must not contain a NUL byte", Quote(path));
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (no_follow ? O_NOFOLLOW : 0);
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return OsError(path, "open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return OsError(path, "stat", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("{}: {}, expected a regular file", Quote(path), TypeName(st.st_mode));
  }
  auto file = arrow::io::ReadableFile::Open(fd);  // owns fd from here on
  if (!file.ok()) {
    ::close(fd);
    return Internal("{}: cannot open: {}", Quote(path), file.status().message());
  }
  return OpenedFile{path, *file, IdentityOf(st)};
}

std::shared_ptr<ReadSource> SourceOf(std::string name, std::shared_ptr<arrow::io::RandomAccessFile> file,
                                     uint64_t size) {
  return std::make_shared<ArrowSource>(std::move(name), std::move(file), size);
}

Result<std::shared_ptr<ReadSource>> OpenSource(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto opened, OpenRegularFile(path));
  return SourceOf(path, std::move(opened.file), opened.identity.size);
}

}  // namespace chunkhouse::io
