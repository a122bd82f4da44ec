#pragma once
// The tables a catalog server answers with, computed from the catalog and the registered files'
// indexes, without gRPC: the dataset schema (the union of its segments' schemas, cached), the
// segment table, the chunks a query selects and their chunk-info rows, and the stored bytes of
// a chunk named by its key. The service translates requests into these calls and back.
#include <arrow/type_fwd.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chunkhouse/catalog/catalog.h"
#include "chunkhouse/query/dataset_query.h"
#include "chunkhouse/server/reader_cache.h"

namespace chunkhouse::server {

// A registered segment and the file it lives in.
struct SegmentFile {
  catalog::Segment segment;
  std::string path;
  StoreId store() const { return StoreId{StoreKind::kRecording, segment.application_id, segment.segment_id}; }
};

// What QueryDataset asks for.
struct ChunkSelection {
  std::set<std::string> segments;                // empty: all
  std::optional<std::set<std::string>> entities;  // nullopt: all (canonical paths)
  bool exclude_static = false;
  bool exclude_temporal = false;
  query::ChunkFilter filter;
};

class DatasetTables {
 public:
  DatasetTables(catalog::Catalog& catalog, ReaderCache& readers) : catalog_(catalog), readers_(readers) {}

  // The segments of a dataset with their files; NotFound for an unknown dataset.
  Result<std::vector<SegmentFile>> Segments(const std::string& dataset_id);

  // Union of the segments' schemas: RowId, every timeline, every (entity, component) column;
  // static is OR-ed and semantically-empty AND-ed across segments. Cached per segment set.
  Result<std::shared_ptr<arrow::Schema>> DatasetSchema(const std::vector<SegmentFile>& segments);
  // Computes the dataset schema ahead of the first request that needs it. Whether that worked
  // is that request's business: it gets the error then.
  bool Warm(const std::string& dataset_id);
  // The segment table: fixed columns, then the recording properties (`property:…`, from the
  // /__properties entities), then `<timeline>:start` / `:end` per timeline.
  Result<std::shared_ptr<arrow::Schema>> SegmentTableSchema(const std::vector<SegmentFile>& segments);
  // The rows of `segments`, in the requested columns (all when none are named).
  Result<std::shared_ptr<arrow::RecordBatch>> SegmentTable(const std::vector<SegmentFile>& segments,
                                                           const std::vector<std::string>& columns);

  // The chunk-info rows of the chunks a query selects, in batches of up to 64k rows (one
  // empty batch with the full schema when none is selected).
  Status SelectChunks(const std::string& dataset_id, const ChunkSelection& selection,
                      const std::function<Status(std::shared_ptr<arrow::RecordBatch>)>& emit);

  // A segment's RRD manifest as Rerun's server answers GetRrdManifest: the manifest of its chunks
  // (as our writer puts in a footer, rebuilt from the decoded chunks) with a chunk_key column
  // FetchChunks takes back, under the store id (recording, "none", segment). Serialized
  // rerun.log_msg.v1alpha1.RrdManifest.
  Result<std::string> RrdManifest(const std::string& dataset_id, const std::string& segment_id);

  // Reads chunks by their keys for one FetchChunks request; segments are looked up once per
  // request, and each file is checked (still allowed, unchanged) before its first read.
  class ChunkReader {
   public:
    explicit ChunkReader(DatasetTables& tables) : tables_(tables) {}
    // The stored ArrowMsg bytes of the chunk `key` names, into `out`.
    Status Read(std::string_view key, std::string* out);

   private:
    struct File {
      std::string path;
      io::FileIdentity identity;  // as registered
    };
    DatasetTables& tables_;
    std::map<std::string, std::map<std::string, File, std::less<>>, std::less<>> paths_;  // dataset -> segment -> file
    std::set<std::string, std::less<>> checked_;  // files validated in this request
  };

 private:
  Result<std::shared_ptr<arrow::Schema>> ComputeDatasetSchema(const std::vector<SegmentFile>& segments);
  Status AppendSegmentCell(const arrow::Field& f, const SegmentFile& s, arrow::ArrayBuilder& out);

  catalog::Catalog& catalog_;
  ReaderCache& readers_;
  std::mutex schemas_mutex_;
  std::map<std::string, std::shared_ptr<arrow::Schema>> schemas_;
};

}  // namespace chunkhouse::server
