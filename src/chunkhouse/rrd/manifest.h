#pragma once
// The per-store manifest of an .rrd footer (spec §5): the store's dataframe schema and one row
// per chunk (entity, id, row count, byte range, per-timeline and per-component time ranges).
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/time.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/chunk_meta.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::rrd {

// One chunk as the index knows it, without its data, and where its bytes are.
struct ChunkEntry : ChunkMeta {
  uint64_t byte_offset = 0;  // absolute file offset of the ArrowMsg payload
  uint64_t byte_size = 0;    // length of that payload
  uint64_t byte_size_uncompressed = 0;  // Arrow IPC size
};

// A manifest as read from a footer.
struct Manifest {
  StoreId store;
  std::shared_ptr<arrow::Schema> sorbet_schema;
  std::vector<ChunkEntry> entries;  // byte offsets already made absolute
};

// Parses and sanity-checks one RrdManifest (the checks a 0.36 reader runs, spec §5.5).
// `stream_start` turns the manifest's stream-relative offsets into file offsets. With
// `component_ranges`, each entry also gets its components' time ranges (ChunkMeta::components).
Result<Manifest> ParseManifest(const std::string& manifest_proto_bytes, uint64_t stream_start,
                               const Where& where, bool component_ranges = true);

// Column name of a manifest column (spec §5.3 compute_column_name).
std::string ManifestColumnName(std::string_view prefix, const ComponentDescriptor* descriptor,
                               std::string_view suffix);

// Accumulates a store's manifest while its chunks are written.
class ManifestBuilder {
 public:
  explicit ManifestBuilder(StoreId store) : store_(std::move(store)) {}
  void Add(const Chunk& chunk, uint64_t byte_offset, uint64_t byte_size, uint64_t byte_size_uncompressed);
  bool empty() const { return rows_.empty(); }
  // Serialized RrdManifest protobuf. `extra` columns (one value per chunk added, in order) follow
  // the index's own: a server's chunk keys.
  using ExtraColumns = std::vector<std::pair<std::shared_ptr<arrow::Field>, std::shared_ptr<arrow::Array>>>;
  Result<std::string> Finish(const ExtraColumns& extra = {}) const;

 private:
  struct Row {
    std::string entity_path;
    Tuid chunk_id;
    bool is_static;
    uint64_t num_rows, byte_offset, byte_size, byte_size_uncompressed;
    std::set<ComponentDescriptor> components;
    std::map<std::string, TimeRange> timeline_ranges;
    std::map<std::pair<std::string, ComponentDescriptor>, Chunk::ComponentTimeStats> component_stats;
  };
  struct ColumnInfo {
    std::shared_ptr<arrow::DataType> type;
    bool is_static = false;
    bool semantically_empty = true;
  };
  StoreId store_;
  std::vector<Row> rows_;
  std::map<std::string, TimeType> timelines_;
  std::set<ComponentDescriptor> descriptors_;
  std::map<std::pair<std::string, ComponentDescriptor>, ColumnInfo> columns_;  // (entity, descriptor)
  std::set<std::pair<std::string, ComponentDescriptor>> timeline_components_;
};

}  // namespace chunkhouse::rrd
