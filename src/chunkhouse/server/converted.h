#pragma once
// Files of other formats served as segments: a Parquet or MCAP file is converted once, as
// ParquetReader / McapReader read it with their default options, into an .rrd file in a directory of the
// server's (`<storage>/converted`, or a temporary one), and that file is served. The copy is
// named by the source's canonical path and identity: a source that changes gets a new copy,
// and one converted before a restart (with --storage) is used again.
#include <memory>
#include <mutex>
#include <string>

#include "chunkhouse/base/status.h"
#include "chunkhouse/io/allowed.h"
#include "chunkhouse/io/file.h"
#include "chunkhouse/io/file_cache.h"

namespace chunkhouse::server {

class ConvertedFiles {
 public:
  // `dir` is created if needed; with `temporary`, it is removed when this goes away. A source
  // reads nothing outside `sources` (an MCAP robot description's meshes).
  static Result<std::shared_ptr<ConvertedFiles>> Make(std::string dir, bool temporary, io::AllowedRoots sources);
  ~ConvertedFiles();

  // Whether `path` is in a format served through a conversion (.parquet, .pq, .mcap).
  static bool Handles(const std::string& path);
  // The .rrd copy of the source at `canonical` (which has `identity`), converted now if there
  // is none yet. Its one recording has the file's name (without extension) as application and
  // recording id.
  Result<io::OpenedFile> Converted(const std::string& canonical, const io::FileIdentity& identity);
  // The copies, read through a small cache of open descriptors of their own.
  io::FileCache& files() { return *files_; }

 private:
  ConvertedFiles(std::string dir, bool temporary, io::AllowedRoots sources);
  std::string dir_;
  io::AllowedRoots sources_;
  bool temporary_;
  std::shared_ptr<io::FileCache> files_;
  std::mutex mutex_;  // one conversion at a time: two registrations of a file convert it once
};

}  // namespace chunkhouse::server
