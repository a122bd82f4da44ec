#pragma once
// Reading .rrd files: a streaming reader (every message in file order) and an indexed reader
// (chunk list from the footer manifests without decoding chunks; chunks loaded on demand).
#include <arrow/io/type_fwd.h>
#include <arrow/type_fwd.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/io/file.h"
#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/rrd/manifest.h"

namespace chunkhouse::rrd {

// A file read with positioned reads (pread): nothing stays resident but what the caller
// keeps, so streaming a large file needs memory for one message at a time.
class RrdFile {
 public:
  // Opens a regular file (io::OpenSource) and keeps it open.
  static Result<std::shared_ptr<RrdFile>> Open(const std::string& path);
  // Bytes already in memory; `name` stands for the path in error messages.
  static std::shared_ptr<RrdFile> FromBuffer(std::string name, std::shared_ptr<arrow::Buffer> bytes);
  // Any source (e.g. a file reopened on demand through an io::FileCache).
  static std::shared_ptr<RrdFile> Over(std::shared_ptr<io::ReadSource> source);
  const std::string& path() const { return source_->name(); }
  uint64_t size() const { return source_->size(); }
  // Bounds-checked read; errors name `what` and the offset.
  Result<std::shared_ptr<arrow::Buffer>> Read(uint64_t offset, uint64_t length, std::string_view what) const;
  // The same, into `out` (resized to `length`): for callers that hand the bytes on as a string.
  Status ReadInto(uint64_t offset, uint64_t length, std::string_view what, std::string* out) const;

 private:
  std::shared_ptr<io::ReadSource> source_;
};

// A decoded footer: its manifests, and whether the trailer checked out.
struct Footer {
  uint64_t stream_start = 0;  // of the stream this footer closes
  uint64_t payload_offset = 0;
  uint64_t payload_size = 0;
  bool has_trailer = false;
  std::vector<Manifest> manifests;
};

struct RrdMessage {
  MessageKind kind = MessageKind::kEnd;
  uint64_t offset = 0;        // of the MessageHeader
  uint64_t payload_size = 0;  // the payload follows the header at offset + 16
  uint64_t stream_start = 0;
  StoreInfo store_info;                 // kSetStoreInfo
  StoreId store;                        // kArrowMsg
  ArrowMsgEnvelope envelope;            // kArrowMsg
  std::shared_ptr<Chunk> chunk;         // kArrowMsg, when decoding chunks
  BlueprintActivation activation;       // kBlueprintActivation
  std::optional<Footer> footer;         // kEnd with a footer
};

struct ReadOptions {
  bool decode_chunks = true;
};

// Reads every message in order. A message that fails to decode yields an error and the
// reader moves on to the next one; a framing error (which leaves no next message to find)
// yields an error and ends the stream.
class StreamReader {
 public:
  static Result<std::unique_ptr<StreamReader>> Open(const std::string& path, ReadOptions options = {});
  explicit StreamReader(std::shared_ptr<RrdFile> file, ReadOptions options = {});

  // The next message, or nullopt at the end.
  Result<std::optional<RrdMessage>> Next();
  bool done() const { return state_ == State::kDone; }
  const RrdFile& file() const { return *file_; }
  // Store infos met so far, in order of first appearance.
  const std::vector<StoreInfo>& stores() const { return stores_; }
  // Non-fatal oddities (a message dropped because its store is unknown, ...).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  enum class State { kStreamHeader, kMessage, kDone };
  Result<std::optional<RrdMessage>> Fail(Status st);
  Result<RrdMessage> DecodeMessage(const MessageHeader& header, uint64_t offset);
  Result<Footer> DecodeFooter(const arrow::Buffer& payload, uint64_t payload_offset);

  std::shared_ptr<RrdFile> file_;
  ReadOptions options_;
  State state_ = State::kStreamHeader;
  uint64_t pos_ = 0;
  uint64_t stream_start_ = 0;
  int streams_ = 0;
  std::vector<StoreInfo> stores_;
  std::map<std::pair<std::string, StoreKind>, std::string> app_ids_;  // recovery for < 0.25
  std::vector<std::string> warnings_;
};

// Reads every message in order: `on_message` for each, `on_error` for each that failed (after a
// failed message the stream goes on; after a framing error it ends). Stops early, returning its
// status, when `on_message` fails.
Status ForEachMessage(StreamReader& reader, const std::function<Status(RrdMessage&)>& on_message,
                      const std::function<void(const Status&)>& on_error);

// Reads a footer-bearing file through its manifests; scans a footer-less one once.
class IndexedReader {
 public:
  struct Options {
    // Treat a present footer as absent (scan the file instead).
    bool ignore_footer = false;
    // Index each chunk's components and their time ranges (ChunkMeta::components), which a
    // ChunkStore needs. Without them the reader holds only the chunk list and schemas: a
    // server indexing thousands of files keeps half the memory.
    bool component_ranges = true;
  };
  static Result<std::unique_ptr<IndexedReader>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<IndexedReader>> Open(std::shared_ptr<RrdFile> file, Options options);
  static Result<std::unique_ptr<IndexedReader>> Open(const std::string& path) { return Open(path, Options{}); }

  const std::string& path() const { return file_->path(); }
  bool has_footer() const { return has_footer_; }
  // Stores with their ids, in file order (recordings and blueprints).
  const std::vector<StoreId>& stores() const { return stores_; }
  const std::vector<ChunkEntry>& chunks() const { return chunks_; }
  // Manifests from the footer (empty for a scanned file): store ids and schemas; their chunk
  // entries are in chunks().
  const std::vector<Manifest>& manifests() const { return manifests_; }
  // The footer manifest of one store; null if the file has none for it.
  const Manifest* FindManifest(const StoreId& store) const;
  // What a scan could not read (it lists everything else).
  const std::vector<std::string>& problems() const { return problems_; }

  // Reads and decodes one chunk from its byte range.
  Result<std::shared_ptr<Chunk>> LoadChunk(const ChunkEntry& entry) const;
  // The chunk's ArrowMsg protobuf bytes, as stored (nothing decoded).
  Result<std::shared_ptr<arrow::Buffer>> ReadChunkBytes(const ChunkEntry& entry) const;
  // The chunk's stored ArrowMsg bytes, straight into a string (a server's response field). Its
  // message header is checked (cheaply: nothing is copied or decompressed) to name the chunk the
  // index expects; corrupt bytes are a data-loss error naming the file and offset.
  Status ReadChunkBytesInto(const ChunkEntry& entry, std::string* out) const;

 private:
  explicit IndexedReader(std::shared_ptr<RrdFile> file) : file_(std::move(file)) {}
  Status ReadFooter(bool& found);
  Status CheckEnvelope(const ChunkEntry& entry, const ArrowMsgEnvelope& envelope) const;
  Status Scan();
  void AddStore(const StoreId& id);

  std::shared_ptr<RrdFile> file_;
  Options options_;
  bool has_footer_ = false;
  std::vector<StoreId> stores_;
  std::vector<ChunkEntry> chunks_;
  std::vector<Manifest> manifests_;
  std::vector<std::string> problems_;
};

}  // namespace chunkhouse::rrd
