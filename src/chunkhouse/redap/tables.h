#pragma once
// The Arrow tables of the protocol that server and client both know by their column names: the
// chunk-info rows of QueryDataset (which FetchChunks takes back), registration results, task
// states, and the fixed columns of the segment table.
#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/base/time.h"
#include "chunkhouse/chunk/chunk_meta.h"

namespace chunkhouse::redap {

// The protocol version we speak (Rerun's server of that version answers the same), and the
// optional features we advertise in Version.
inline constexpr std::string_view kProtocolVersion = "0.36.2";
inline constexpr std::string_view kFeaturePerSegmentIndexValues = "per_segment_index_values";

namespace col {
inline constexpr std::string_view kChunkId = "chunk_id";
inline constexpr std::string_view kChunkSegmentId = "chunk_segment_id";
inline constexpr std::string_view kChunkKey = "chunk_key";
inline constexpr std::string_view kChunkEntityPath = "chunk_entity_path";
inline constexpr std::string_view kChunkIsStatic = "chunk_is_static";
inline constexpr std::string_view kChunkByteLen = "chunk_byte_len";
inline constexpr std::string_view kChunkByteSizeUncompressed = "chunk_byte_size_uncompressed";
// Since Rerun 0.41 (required by its clients): where a client may fetch the chunk itself, and
// until when. Null: fetch it through FetchChunks.
inline constexpr std::string_view kLayerDirectUrl = "rerun_layer_direct_url";
inline constexpr std::string_view kLayerDirectUrlExpiresAt = "rerun_layer_direct_url_expires_at";
inline constexpr std::string_view kSegmentId = "rerun_segment_id";
inline constexpr std::string_view kSegmentLayer = "rerun_segment_layer";
inline constexpr std::string_view kSegmentType = "rerun_segment_type";
inline constexpr std::string_view kStorageUrl = "rerun_storage_url";
inline constexpr std::string_view kTaskId = "rerun_task_id";
inline constexpr std::string_view kLayerNames = "rerun_layer_names";
inline constexpr std::string_view kStorageUrls = "rerun_storage_urls";
inline constexpr std::string_view kLastUpdatedAt = "rerun_last_updated_at";
inline constexpr std::string_view kNumChunks = "rerun_num_chunks";
inline constexpr std::string_view kSizeBytes = "rerun_size_bytes";
// The task table's own names.
inline constexpr std::string_view kTaskTableId = "task_id";
inline constexpr std::string_view kTaskStatus = "exec_status";
inline constexpr std::string_view kTaskMessages = "msgs";
}  // namespace col

// QueryDataset's chunk-info table: one row per chunk, with a "<timeline>:start" column per
// dataset timeline. The columns and their order are Rerun 0.41's (older clients ignore the
// direct-URL columns; 0.41's refuse a table without them).
std::shared_ptr<arrow::Schema> ChunkInfoSchema(const std::vector<std::string>& timelines);

class ChunkInfoBuilder {
 public:
  explicit ChunkInfoBuilder(std::vector<std::string> timelines);
  Status Add(const ChunkMeta& chunk, std::string_view segment_id, std::string_view layer, std::string_view key,
             uint64_t byte_len, uint64_t byte_size_uncompressed);
  int64_t rows() const { return rows_; }
  // The rows so far (the builder starts over).
  Result<std::shared_ptr<arrow::RecordBatch>> Finish();

 private:
  struct Builders;
  std::vector<std::string> timelines_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<Builders> b_;
  int64_t rows_ = 0;
};

// The fixed segment-table columns, in Rerun's order.
arrow::FieldVector SegmentTableFixedFields();

struct RegistrationRow {
  std::string segment_id;  // empty for a source that failed
  std::string layer;
  std::string storage_url;
  std::string task_id;
};
Result<std::shared_ptr<arrow::RecordBatch>> RegistrationTable(const std::vector<RegistrationRow>& rows);
std::shared_ptr<arrow::Schema> UnregistrationSchema();

struct TaskRow {
  std::string id;
  std::string storage_url;
  bool success = false;
  std::string message;  // why it failed
};
// Clients read only success / failed: a task is never reported pending.
Result<std::shared_ptr<arrow::RecordBatch>> TaskTable(const std::vector<TaskRow>& tasks);

// The `__entries` system table every Rerun server lists (a TABLE entry whose id is all zeros):
// one row per entry, itself first. Rerun's viewer shows a server's landing page from it.
inline constexpr std::string_view kEntriesTableName = "__entries";
inline constexpr std::string_view kEntriesTableId = "00000000000000000000000000000000";
struct EntryRow {
  std::string id;  // 32 hex digits
  std::string name;
  int32_t kind = 0;  // EntryKind
  int64_t created_at_ns = 0, updated_at_ns = 0;
};
std::shared_ptr<arrow::Schema> EntriesSchema();
Result<std::shared_ptr<arrow::RecordBatch>> EntriesTable(const std::vector<EntryRow>& entries);

// The string in column `name` of row `row`; empty when missing or null.
std::string StringCell(const arrow::RecordBatch& batch, std::string_view name, int64_t row);

}  // namespace chunkhouse::redap
