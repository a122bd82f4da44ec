#pragma once
// The catalog: datasets, segments and registration tasks, kept in SQLite.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/status.h"

struct sqlite3;

namespace chunkhouse::rrd {
class IndexedReader;
}

namespace chunkhouse::catalog {

struct Dataset {
  std::string id;  // an entry id: a Tuid as 32 hex digits
  std::string name;
  int64_t created_at_ns = 0;
  int64_t updated_at_ns = 0;
};

struct Segment {
  std::string segment_id;  // the recording id
  std::string layer = "base";
  std::string storage_url;  // file:///abs/path.rrd
  std::string application_id;
  uint64_t num_chunks = 0;
  uint64_t size_bytes = 0;
  int64_t registered_at_ns = 0;
};

enum class TaskStatus { kPending, kRunning, kSuccess, kFailed };
std::string_view TaskStatusName(TaskStatus status);  // pending | running | success | failed

struct Task {
  std::string id;
  std::string dataset_id;
  std::string storage_url;
  TaskStatus status = TaskStatus::kPending;
  std::string message;                  // the error, for failed tasks
  std::vector<std::string> segment_ids;  // registered by this task
};

enum class OnDuplicate { kError, kSkip, kReplace };

struct Options {
  std::optional<std::string> storage_dir;  // durable catalog (catalog.sqlite3 in it); none = memory
  std::vector<std::string> allowed_dirs;   // registration is refused outside these
  int workers = 2;
  // Called with each file's footer reader once its registration is committed, so that a server
  // can keep the reader instead of opening the file a second time.
  std::function<void(const std::string& path, std::shared_ptr<rrd::IndexedReader> reader)> on_indexed;
};

class Catalog {
 public:
  static Result<std::unique_ptr<Catalog>> Open(Options options);
  ~Catalog();

  Result<Dataset> CreateDataset(const std::string& name);
  Result<Dataset> DatasetByName(const std::string& name);
  Result<Dataset> DatasetById(const std::string& id);
  Result<std::vector<Dataset>> Datasets();
  Status DeleteDataset(const std::string& id);
  Result<Dataset> RenameDataset(const std::string& id, const std::string& name);

  // Drops registrations: the given layers of the given segments, where an empty list means
  // all (not both empty). Returns a task id that is already finished, and the rows dropped.
  Result<std::pair<std::string, int64_t>> Unregister(const std::string& dataset_id, const std::vector<std::string>& segments,
                                                     const std::vector<std::string>& layers);

  // Checks each URL (scheme, allowed directory, existence), expands directories into their
  // .rrd files, and queues one task per file. Returns the task ids, one per file.
  Result<std::vector<std::string>> Register(const std::string& dataset_id, const std::vector<std::string>& urls,
                                            OnDuplicate on_duplicate = OnDuplicate::kError);
  // The tasks, once each has finished or the timeout has passed (then unfinished ones are
  // returned as they are).
  Result<std::vector<Task>> WaitForTasks(const std::vector<std::string>& ids, std::chrono::milliseconds timeout);
  Result<std::vector<Segment>> Segments(const std::string& dataset_id);

 private:
  explicit Catalog(Options options) : options_(std::move(options)) {}
  Status Init();
  struct IndexedFile {
    std::string path;
    std::shared_ptr<rrd::IndexedReader> reader;
    std::map<std::string, std::pair<std::string, uint64_t>> recordings;  // id -> (application id, chunks)
    uint64_t size = 0;
  };
  void Work();
  Result<IndexedFile> IndexFile(const Task& task);
  std::vector<Status> Record(std::vector<std::pair<Task, OnDuplicate>>& batch,
                             const std::vector<Result<IndexedFile>>& indexed);
  Status Exec(const std::string& sql);
  Result<std::string> AllowedPath(const std::string& url) const;

  Options options_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;  // guards db_, tasks_, queue_
  std::condition_variable changed_;
  std::map<std::string, Task> tasks_;
  std::deque<std::pair<std::string, OnDuplicate>> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace chunkhouse::catalog
