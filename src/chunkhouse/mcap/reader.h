#pragma once
// The MCAP container (https://mcap.dev/spec): records, chunks (none, zstd or lz4 compressed),
// the summary section. A reader walks the data section in file order and hands out messages
// one at a time, each a view into its (decompressed) chunk; schemas, channels, metadata and
// attachments are collected as they are met. Every length is checked against what is left
// before anything is allocated, and a chunk's claimed size is bounded (Limits); errors name
// the file and the byte offset.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/io/file.h"

namespace chunkhouse::mcap {

inline constexpr uint8_t kMagic[8] = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

enum Opcode : uint8_t {
  kHeader = 0x01,
  kFooter = 0x02,
  kSchema = 0x03,
  kChannel = 0x04,
  kMessage = 0x05,
  kChunk = 0x06,
  kMessageIndex = 0x07,
  kChunkIndex = 0x08,
  kAttachment = 0x09,
  kAttachmentIndex = 0x0A,
  kStatistics = 0x0B,
  kMetadata = 0x0C,
  kMetadataIndex = 0x0D,
  kSummaryOffset = 0x0E,
  kDataEnd = 0x0F,
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Header {
  std::string profile, library;
};
struct Schema {
  uint16_t id = 0;
  std::string name, encoding;
  std::string data;
};
struct Channel {
  uint16_t id = 0;
  uint16_t schema_id = 0;  // 0: no schema
  std::string topic, message_encoding;
  KeyValues metadata;
};
// Bytes inside a buffer that this keeps alive: a message's payload is one of these, not an
// arrow::Buffer of its own (making one per message cost more than decoding it).
struct ByteView {
  std::shared_ptr<arrow::Buffer> owner;
  const uint8_t* ptr = nullptr;
  int64_t len = 0;
  const uint8_t* data() const { return ptr; }
  int64_t size() const { return len; }
};
struct Message {
  uint16_t channel_id = 0;
  uint32_t sequence = 0;
  uint64_t log_time = 0, publish_time = 0;
  ByteView data;  // a view into its record or its decompressed chunk
};
struct Attachment {
  uint64_t log_time = 0, create_time = 0;
  std::string name, media_type;
  std::shared_ptr<arrow::Buffer> data;
};
struct Metadata {
  std::string name;
  KeyValues entries;
};
struct Statistics {
  uint64_t message_count = 0;
  uint16_t schema_count = 0;
  uint32_t channel_count = 0, attachment_count = 0, metadata_count = 0, chunk_count = 0;
  uint64_t message_start_time = 0, message_end_time = 0;
  std::vector<std::pair<uint16_t, uint64_t>> channel_message_counts;  // in record order
};
struct ChunkIndex {
  uint64_t message_start_time = 0, message_end_time = 0;
  uint64_t chunk_start_offset = 0, chunk_length = 0;
  std::string compression;
  uint64_t compressed_size = 0, uncompressed_size = 0;
  std::vector<uint16_t> channels;  // those with a message index in the chunk
  std::vector<uint64_t> message_index_offsets;  // of those message indexes, in the same order
};
struct AttachmentIndex {
  uint64_t offset = 0, length = 0, log_time = 0, create_time = 0, data_size = 0;
  std::string name, media_type;
};
struct MetadataIndex {
  uint64_t offset = 0, length = 0;
  std::string name;
};
// What the summary section says (when the file has one).
struct Summary {
  std::map<uint16_t, Schema> schemas;
  std::map<uint16_t, Channel> channels;
  std::vector<ChunkIndex> chunk_indexes;
  std::vector<AttachmentIndex> attachment_indexes;
  std::vector<MetadataIndex> metadata_indexes;
  std::optional<Statistics> statistics;
};

struct Limits {
  // A chunk may claim at most this many uncompressed bytes, and at most `max_ratio` times its
  // compressed size (a bomb is refused before anything is allocated).
  uint64_t max_chunk_bytes = uint64_t{2} << 30;
  uint64_t max_ratio = 1024;
};

class Reader {
 public:
  // Checks the leading magic and reads the header record.
  static Result<std::unique_ptr<Reader>> Open(std::shared_ptr<io::ReadSource> source, Limits limits = {});
  static Result<std::unique_ptr<Reader>> Open(const std::string& path, Limits limits = {});

  const Header& header() const { return header_; }
  const std::string& path() const { return source_->name(); }
  const std::shared_ptr<io::ReadSource>& source() const { return source_; }
  uint64_t file_size() const { return source_->size(); }

  // The next message of the data section in file order (chunks one at a time, each
  // decompressed when reached); nullopt at the Data End record or the end of the file. With
  // `time_window`, chunks whose messages all fall outside it are skipped undecompressed.
  Result<std::optional<Message>> Next();
  void SetTimeWindow(std::optional<std::pair<uint64_t, uint64_t>> window) { window_ = window; }

  // Met so far (in the data section; the summary's are in summary()).
  const std::map<uint16_t, Schema>& schemas() const { return schemas_; }
  const std::map<uint16_t, Channel>& channels() const { return channels_; }
  const std::vector<Metadata>& metadata() const { return metadata_; }
  const std::vector<Attachment>& attachments() const { return attachments_; }
  // Whether the data section ended with its Data End record (false for a truncated file).
  bool complete() const { return data_end_; }

  // The summary section, from the footer; nullopt when the file has none (or no footer).
  Result<std::optional<Summary>> ReadSummary();
  // Records the summary points at: a chunk's messages in their order; an attachment; a metadata record.
  Result<std::vector<Message>> ChunkMessages(const ChunkIndex& index);
  // A reader of the same file at its start, nothing read yet: one per thread reading chunks by
  // their indexes (the file's positional reads are safe to share).
  std::unique_ptr<Reader> Fork() const;
  Result<Attachment> AttachmentAt(uint64_t offset);
  Result<Metadata> MetadataAt(uint64_t offset);
  // Messages per channel as the chunks' message indexes count them (for files without statistics).
  Result<std::map<uint16_t, uint64_t>> MessageIndexCounts(const Summary& summary);

 private:
  Reader(std::shared_ptr<io::ReadSource> source, Limits limits) : source_(std::move(source)), limits_(limits) {}
  Status Fail(uint64_t offset, const std::string& what) const;
  Status ReadRecordAt(uint64_t offset, uint8_t* opcode, std::shared_ptr<arrow::Buffer>* body, uint64_t* next);
  Status Decompress(uint64_t offset, const std::shared_ptr<arrow::Buffer>& chunk_body);
  // Handles one record of the data section or of a chunk; a message goes to *out.
  Status Handle(uint8_t opcode, const ByteView& body, uint64_t offset, std::optional<Message>* out);
  Status Handle(uint8_t opcode, const std::shared_ptr<arrow::Buffer>& body, uint64_t offset, std::optional<Message>* out);
  // Handles the next record of the decompressed chunk being read (a message goes to *out);
  // false, and the chunk dropped, once it is used up.
  Result<bool> StepChunk(std::optional<Message>* out);

  std::shared_ptr<io::ReadSource> source_;
  Limits limits_;
  Header header_;
  uint64_t offset_ = 0;  // next record in the data section
  bool data_end_ = false;
  bool at_end_ = false;
  std::optional<std::pair<uint64_t, uint64_t>> window_;
  // The decompressed chunk being read, and where its next record starts.
  std::shared_ptr<arrow::Buffer> chunk_;
  uint64_t chunk_pos_ = 0, chunk_offset_ = 0;
  std::map<uint16_t, Schema> schemas_;
  std::map<uint16_t, Channel> channels_;
  std::vector<Metadata> metadata_;
  std::vector<Attachment> attachments_;
};

}  // namespace chunkhouse::mcap
