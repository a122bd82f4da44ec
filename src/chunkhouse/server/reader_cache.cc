#include "chunkhouse/server/reader_cache.h"

#include <algorithm>

#include "chunkhouse/rrd/framing.h"

namespace chunkhouse::server {

Result<ReaderCache::Indexed> ReaderCache::Open(const std::string& path, bool component_ranges) {
  ARROW_ASSIGN_OR_RAISE(auto opened, files_->Open(path));  // resolved, opened once, kept in the cache
  const std::string canonical = opened.path;
  const io::FileIdentity identity = opened.identity;
  rrd::IndexedReader::Options options;
  // The server's readers live as long as it does: keep them small unless a store needs more.
  options.component_ranges = component_ranges;
  std::shared_ptr<rrd::RrdFile> file;
  if (converted_ && ConvertedFiles::Handles(canonical)) {
    ARROW_ASSIGN_OR_RAISE(auto copy, converted_->Converted(canonical, identity));
    file = rrd::RrdFile::Over(converted_->files().Source(copy.path, copy.identity));
  } else {
    file = rrd::RrdFile::Over(files_->Source(canonical, identity));
  }
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, rrd::IndexedReader::Open(file, options));
  return Indexed{canonical, std::move(reader), identity};
}

namespace {

bool Recorded(const io::FileIdentity& identity) { return identity.inode != 0 || identity.mtime_ns != 0; }

Status Changed(const std::string& path, const io::FileIdentity& now, const io::FileIdentity& registered) {
  return FailedPrecondition("{} changed since it was registered ({}); register it again", Quote(path),
                            now.DescribeChange(registered));
}

}  // namespace

Result<catalog::IndexedFile> ReaderCache::Index(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto indexed, Open(path, /*component_ranges=*/false));
  catalog::IndexedFile out;
  out.path = indexed.path;
  out.identity = indexed.identity;
  for (const auto& store : indexed.reader->stores()) {
    if (store.kind == StoreKind::kRecording) out.recordings.push_back({store.recording_id, store.application_id, 0, 0});
  }
  for (const auto& e : indexed.reader->chunks()) {
    if (e.store.kind != StoreKind::kRecording) continue;
    auto it = std::find_if(out.recordings.begin(), out.recordings.end(),
                           [&](const auto& r) { return r.segment_id == e.store.recording_id; });
    if (it != out.recordings.end()) {
      ++it->num_chunks;
      it->size_bytes += e.byte_size + rrd::kMessageHeaderSize;
    }
  }
  if (out.recordings.empty()) {
    const auto& problems = indexed.reader->problems();
    return DataLoss("{}: no recording found in this file{}", out.path,
                    problems.empty() ? std::string(" (it holds no recording store)")
                                     : fmt::format(": {}", problems.front()));
  }
  std::lock_guard lock(mutex_);
  readers_[out.path] = std::move(indexed);
  for (auto it = stores_.lower_bound(out.path + "\n"); it != stores_.end() && it->first.rfind(out.path + "\n", 0) == 0;) {
    it = stores_.erase(it);
  }
  ++generation_;
  return out;
}

Result<std::shared_ptr<rrd::IndexedReader>> ReaderCache::Reader(const std::string& path,
                                                                 const io::FileIdentity& expected) {
  {
    std::lock_guard lock(mutex_);
    auto it = readers_.find(path);
    if (it != readers_.end()) {
      if (Recorded(expected) && !(it->second.identity == expected)) return Changed(path, it->second.identity, expected);
      return it->second.reader;
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto indexed, Open(path, /*component_ranges=*/false));
  if (Recorded(expected) && !(indexed.identity == expected)) return Changed(path, indexed.identity, expected);
  std::lock_guard lock(mutex_);
  return readers_.try_emplace(path, std::move(indexed)).first->second.reader;
}

Result<std::shared_ptr<ChunkStore>> ReaderCache::Store(const std::string& path, const StoreId& id,
                                                       const io::FileIdentity& expected) {
  auto key = path + "\n" + id.recording_id;
  {
    std::lock_guard lock(mutex_);
    auto it = stores_.find(key);
    if (it != stores_.end()) return it->second;
  }
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, Reader(path, expected));
  const auto& chunks = reader->chunks();
  if (std::any_of(chunks.begin(), chunks.end(), [](const rrd::ChunkEntry& e) { return !e.components; })) {
    // Registration keeps slim readers; a store needs each chunk's component ranges.
    ARROW_ASSIGN_OR_RAISE(auto full, Open(path, /*component_ranges=*/true));
    reader = std::move(full.reader);
  }
  ARROW_ASSIGN_OR_RAISE(auto store, ChunkStore::Open(reader, id));
  std::lock_guard lock(mutex_);
  return stores_.try_emplace(key, store).first->second;
}

Status ReaderCache::Check(const std::string& path, const io::FileIdentity& expected) {
  ARROW_RETURN_NOT_OK(Reader(path, expected).status());
  io::FileIdentity identity;
  {
    std::lock_guard lock(mutex_);
    identity = readers_.at(path).identity;
  }
  return files_->Validate(path, identity);
}

uint64_t ReaderCache::generation() {
  std::lock_guard lock(mutex_);
  return generation_;
}

}  // namespace chunkhouse::server
