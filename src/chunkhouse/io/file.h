#pragma once
// Opening local files for readers. Only regular files are opened, and opening never blocks (a
// named pipe or a device given as a recording is refused, not waited on). A file is identified
// by device, inode, size and modification time, so that a reader can tell when the file it
// indexed was replaced or rewritten.
#include <arrow/io/type_fwd.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "chunkhouse/base/status.h"

namespace chunkhouse::io {

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
  // What differs from `before`, for an error message ("size 100 -> 120, modified").
  std::string DescribeChange(const FileIdentity& before) const;
};

// The identity of the regular file at `path` (symlinks followed).
Result<FileIdentity> StatRegularFile(const std::string& path);

// Opens a regular file for positioned reads (O_NONBLOCK, so a FIFO cannot stall us, and
// O_NOFOLLOW when `no_follow`: the path was already resolved). Errors name the path and say
// what it is when it is not a regular file.
struct OpenedFile {
  std::string path;  // as opened
  std::shared_ptr<arrow::io::RandomAccessFile> file;
  FileIdentity identity;
};
Result<OpenedFile> OpenRegularFile(const std::string& path, bool no_follow = false);

// Bytes a reader reads at offsets: an open file, a buffer, or a file reopened on demand.
class ReadSource {
 public:
  virtual ~ReadSource() = default;
  virtual const std::string& name() const = 0;  // the path, for error messages
  virtual uint64_t size() const = 0;
  virtual Result<std::shared_ptr<arrow::Buffer>> ReadAt(uint64_t offset, uint64_t length) = 0;
  // Reads into `out`; returns the number of bytes read.
  virtual Result<int64_t> ReadAt(uint64_t offset, uint64_t length, void* out) = 0;
};

// A source over an arrow file kept open (or a buffer reader).
std::shared_ptr<ReadSource> SourceOf(std::string name, std::shared_ptr<arrow::io::RandomAccessFile> file,
                                     uint64_t size);
// Opens `path` (a regular file) and keeps it open for the source's lifetime.
Result<std::shared_ptr<ReadSource>> OpenSource(const std::string& path);

}  // namespace chunkhouse::io
