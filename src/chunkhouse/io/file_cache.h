#pragma once
// A bounded set of open files. A server indexes thousands of recordings but keeps only
// `capacity` of them open (least recently used closed first); the others are reopened when
// read. Every (re)open resolves the path against the allowed directories again and compares the
// file with the identity it was indexed with; Validate (a stat, once per request) notices a file
// replaced, rewritten or deleted while its descriptor is open. Such a file is refused, never
// served from a stale descriptor.
#include <arrow/io/type_fwd.h>

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "chunkhouse/io/allowed.h"
#include "chunkhouse/io/file.h"

namespace chunkhouse::io {

class FileCache : public std::enable_shared_from_this<FileCache> {
 public:
  // capacity 0: a quarter of the process's descriptor limit (at least 16).
  static std::shared_ptr<FileCache> Make(AllowedRoots roots, size_t capacity = 0);

  // Opens `path` inside the allowed directories (resolved; refused outside them, or when it is
  // not a regular file) and keeps the descriptor, under its canonical path (OpenedFile::path).
  Result<OpenedFile> Open(const std::string& path);
  // A source that reads `path` (canonical) through the cache, expecting `identity`.
  std::shared_ptr<ReadSource> Source(const std::string& path, const FileIdentity& identity);
  // Whether `path` is still the file `identity` describes (a stat): FailedPrecondition naming
  // what changed, NotFound when it is gone. A stale open descriptor is dropped.
  Status Validate(const std::string& path, const FileIdentity& identity);
  // Drops the open descriptor of `path`, if any.
  void Forget(const std::string& path);

  size_t capacity() const { return capacity_; }
  size_t open_files() const;
  const AllowedRoots& roots() const { return roots_; }

  // The open file, reopened when it is not in the cache.
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> Acquire(const std::string& path, const FileIdentity& identity);

 private:
  FileCache(AllowedRoots roots, size_t capacity) : roots_(std::move(roots)), capacity_(capacity) {}
  Status Insert(const std::string& path, OpenedFile opened);
  struct Slot {
    std::shared_ptr<arrow::io::RandomAccessFile> file;
    FileIdentity identity;  // of the open file
    std::list<std::string>::iterator lru;
  };
  AllowedRoots roots_;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, Slot> open_;
};

}  // namespace chunkhouse::io
