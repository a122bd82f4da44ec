#pragma once
// What the server keeps of each registered file: its index (read once, at registration, from
// the footer) and, for queries that need them, stores over it. Files are read through a
// bounded io::FileCache, so thousands of registered files hold a bounded number of
// descriptors, and every reopen checks the file against the allowed directories and against
// what was indexed. It is also the catalog's indexer: registration reads through it.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "chunkhouse/catalog/catalog.h"
#include "chunkhouse/server/converted.h"
#include "chunkhouse/io/file_cache.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/store/store.h"

namespace chunkhouse::server {

class ReaderCache final : public catalog::Indexer {
 public:
  // With `converted`, Parquet and MCAP files are served too, through their .rrd copies.
  explicit ReaderCache(std::shared_ptr<io::FileCache> files, std::shared_ptr<ConvertedFiles> converted = nullptr)
      : files_(std::move(files)), converted_(std::move(converted)) {}

  // catalog::Indexer: reads the file's footer (or scans it) and keeps the reader.
  Result<catalog::IndexedFile> Index(const std::string& path) override;
  std::vector<std::string> extensions() const override {
    if (converted_) return {".rrd", ".parquet", ".pq", ".mcap"};
    return {".rrd"};
  }

  // The reader of a registered file (opened again if the server restarted since). With the
  // identity the catalog recorded (nonzero), a file that is no longer that file is refused
  // (FailedPrecondition) rather than indexed anew.
  Result<std::shared_ptr<rrd::IndexedReader>> Reader(const std::string& path, const io::FileIdentity& expected = {});
  // One recording of a file as a store (over the cached reader).
  Result<std::shared_ptr<ChunkStore>> Store(const std::string& path, const StoreId& id,
                                            const io::FileIdentity& expected = {});
  // Whether the file is still what was indexed, inside the allowed directories (see
  // io::FileCache::Validate); a file not indexed yet is indexed now.
  Status Check(const std::string& path, const io::FileIdentity& expected = {});
  // Changes whenever a file is (re)indexed: part of the key of anything cached from readers.
  uint64_t generation();

  io::FileCache& files() { return *files_; }

 private:
  struct Indexed {
    std::string path;  // canonical: the registered file's (a converted file's source)
    std::shared_ptr<rrd::IndexedReader> reader;
    io::FileIdentity identity;  // of that file
  };
  Result<Indexed> Open(const std::string& path, bool component_ranges);

  std::shared_ptr<io::FileCache> files_;
  std::shared_ptr<ConvertedFiles> converted_;
  std::mutex mutex_;
  std::map<std::string, Indexed> readers_;
  std::map<std::string, std::shared_ptr<ChunkStore>> stores_;  // "path\nrecording id"
  uint64_t generation_ = 0;
};

}  // namespace chunkhouse::server
