#pragma once
// A client for Rerun's catalog protocol (ours or Rerun's server): datasets, registration,
// schemas, and the chunks of segments (QueryDataset + FetchChunks).
#include <arrow/type_fwd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/query/dataset_query.h"

namespace chunkhouse::client {

struct EntryInfo {
  std::string id;  // 32 hex digits
  std::string name;
};

struct Registration {
  std::string segment_id;  // empty for a source that failed
  std::string storage_url;
  std::string task_id;
};

struct TaskResult {
  std::string task_id;
  std::string status;  // "success", or anything else for a failure
  std::string message;
};

class CatalogClient {
 public:
  // "rerun+http://host:port" (or host:port); checks the connection with WhoAmI.
  static Result<std::unique_ptr<CatalogClient>> Connect(const std::string& url);
  ~CatalogClient();

  Result<std::vector<EntryInfo>> Datasets(const std::optional<std::string>& name = std::nullopt);
  Result<EntryInfo> CreateDataset(const std::string& name);
  Result<EntryInfo> ReadDataset(const std::string& id);
  Status DeleteDataset(const std::string& id);
  Result<std::vector<Registration>> Register(const std::string& dataset_id, const std::vector<std::string>& urls,
                                             const std::string& on_duplicate);
  Result<std::vector<TaskResult>> WaitForTasks(const std::vector<std::string>& task_ids, std::chrono::seconds timeout);
  Result<std::shared_ptr<arrow::Schema>> DatasetSchema(const std::string& dataset_id);
  Result<std::vector<std::string>> SegmentIds(const std::string& dataset_id);
  // ScanSegmentTable, every column.
  Result<std::shared_ptr<arrow::Table>> SegmentTable(const std::string& dataset_id);
  Result<EntryInfo> RenameDataset(const std::string& id, const std::string& name);
  // UnregisterFromDataset: the task to wait for.
  Result<std::string> Unregister(const std::string& dataset_id, const std::vector<std::string>& segments,
                                 const std::vector<std::string>& layers);
  // The columns a dataset query returns (query::DatasetColumns over the dataset's schema).
  Result<std::shared_ptr<arrow::Schema>> QueryColumns(const std::string& dataset_id, const query::QueryExpression& q);
  // Fetches the segments' chunks and runs `query` over them (decoding and querying on all
  // cores as the chunks arrive), as Rerun's dataset reader answers it.
  Result<std::shared_ptr<arrow::Table>> Query(const std::string& dataset_id, const query::DatasetQuery& query);

 private:
  // QueryDataset: the chunk-info rows of the given segments and entities (all when empty),
  // only those the filter keeps (the server prunes by time).
  Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ChunkInfos(const std::string& dataset_id,
                                                                     const std::vector<std::string>& segments,
                                                                     const std::vector<std::string>& entities,
                                                                     const query::ChunkFilter& filter = {});
  // FetchChunks: each chunk's encoded ArrowMsg, handed over as it arrives.
  Status FetchChunks(const std::vector<std::shared_ptr<arrow::RecordBatch>>& infos,
                     const std::function<Status(std::shared_ptr<arrow::Buffer>)>& on_chunk);
  struct Impl;
  explicit CatalogClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chunkhouse::client
