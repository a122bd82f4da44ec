#include "chunkhouse/io/file_cache.h"

#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>
#include <sys/resource.h>

#include <algorithm>

namespace chunkhouse::io {

namespace {

class CachedSource final : public ReadSource {
 public:
  CachedSource(std::shared_ptr<FileCache> cache, std::string path, FileIdentity identity)
      : cache_(std::move(cache)), path_(std::move(path)), identity_(identity) {}
  const std::string& name() const override { return path_; }
  uint64_t size() const override { return identity_.size; }
  Result<std::shared_ptr<arrow::Buffer>> ReadAt(uint64_t offset, uint64_t length) override {
    ARROW_ASSIGN_OR_RAISE(auto file, cache_->Acquire(path_, identity_));
    return file->ReadAt(static_cast<int64_t>(offset), static_cast<int64_t>(length));
  }
  Result<int64_t> ReadAt(uint64_t offset, uint64_t length, void* out) override {
    ARROW_ASSIGN_OR_RAISE(auto file, cache_->Acquire(path_, identity_));
    return file->ReadAt(static_cast<int64_t>(offset), static_cast<int64_t>(length), out);
  }

 private:
  std::shared_ptr<FileCache> cache_;
  std::string path_;
  FileIdentity identity_;
};

size_t DefaultCapacity() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  return std::max<size_t>(16, static_cast<size_t>(limit.rlim_cur) / 4);
}

}  // namespace

std::shared_ptr<FileCache> FileCache::Make(AllowedRoots roots, size_t capacity) {
  return std::shared_ptr<FileCache>(new FileCache(std::move(roots), capacity ? capacity : DefaultCapacity()));
}

std::shared_ptr<ReadSource> FileCache::Source(const std::string& path, const FileIdentity& identity) {
  return std::make_shared<CachedSource>(shared_from_this(), path, identity);
}

size_t FileCache::open_files() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

void FileCache::Forget(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(path);
  if (it == open_.end()) return;
  lru_.erase(it->second.lru);
  open_.erase(it);
}

Status FileCache::Validate(const std::string& path, const FileIdentity& identity) {
  // A stat: the registered file was inside the allowed directories, and any substitute (a
  // rewrite, a link to elsewhere, a file moved in its place) is another inode or size or mtime.
  auto now = StatRegularFile(path);
  Status checked = !now.ok()               ? now.status()
                   : !(*now == identity) ? FailedPrecondition("{} changed since it was registered ({}); register it again",
                                                              Quote(path), now->DescribeChange(identity))
                                         : Status::OK();
  if (!checked.ok()) Forget(path);
  return checked;
}

Status FileCache::Insert(const std::string& path, OpenedFile opened) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(path);
  if (it != open_.end()) {
    lru_.erase(it->second.lru);
    open_.erase(it);
  }
  lru_.push_front(path);
  open_.emplace(path, Slot{std::move(opened.file), opened.identity, lru_.begin()});
  while (open_.size() > capacity_) {
    open_.erase(lru_.back());
    lru_.pop_back();
  }
  return Status::OK();
}

Result<OpenedFile> FileCache::Open(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto canonical, roots_.Resolve(path));
  ARROW_ASSIGN_OR_RAISE(auto opened, OpenRegularFile(canonical, /*no_follow=*/true));
  ARROW_RETURN_NOT_OK(Insert(canonical, opened));
  return opened;
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> FileCache::Acquire(const std::string& path,
                                                                       const FileIdentity& identity) {
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(path);
    if (it != open_.end() && it->second.identity == identity) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.file;
    }
  }
  // Reopen: resolved inside the allowed directories, not through a link, the same file.
  ARROW_ASSIGN_OR_RAISE(auto canonical, roots_.Resolve(path));
  if (canonical != path) {
    Forget(path);
    return FailedPrecondition("{} changed since it was registered: it now resolves to {}", Quote(path), Quote(canonical));
  }
  ARROW_ASSIGN_OR_RAISE(auto opened, OpenRegularFile(path, /*no_follow=*/true));
  if (!(opened.identity == identity)) {
    Forget(path);
    return FailedPrecondition("{} changed since it was registered ({}); register it again", Quote(path),
                              opened.identity.DescribeChange(identity));
  }
  ARROW_RETURN_NOT_OK(Insert(path, opened));
  return opened.file;
}

}  // namespace chunkhouse::io
