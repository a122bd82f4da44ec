#pragma once
// The catalog: datasets, segments and registration tasks, kept in SQLite. It never opens a
// recording itself: an injected Indexer reads each registered file's index (an .rrd footer
// today; MCAP and Parquet plug in there) and says which recordings it holds.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/status.h"
#include "chunkhouse/io/allowed.h"
#include "chunkhouse/io/file.h"

namespace chunkhouse::catalog {

class Db;

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
  uint64_t size_bytes = 0;  // IndexedFile::Recording::size_bytes (the file's size in older catalogs)
  int64_t registered_at_ns = 0;
  // The file as it was indexed; zero in catalogs written before this was recorded, where
  // nothing is compared.
  io::FileIdentity identity;
};

enum class TaskStatus { kPending, kRunning, kSuccess, kFailed };
std::string_view TaskStatusName(TaskStatus status);  // pending | running | success | failed

struct Task {
  std::string id;
  std::string dataset_id;
  std::string storage_url;
  TaskStatus status = TaskStatus::kPending;
  std::string message;                  // the error, for failed tasks
  ErrorKind error = ErrorKind::kInternal;  // its kind
  std::vector<std::string> segment_ids;  // registered by this task
};

enum class OnDuplicate { kError, kSkip, kReplace };

// What registration learns from one file's index.
struct IndexedFile {
  std::string path;  // canonical
  io::FileIdentity identity;
  struct Recording {
    std::string segment_id;  // the recording id
    std::string application_id;
    uint64_t num_chunks = 0;
    // What Rerun's server reports as rerun_size_bytes for a file it reads lazily: each chunk's
    // encoded payload plus its 16-byte message header.
    uint64_t size_bytes = 0;
  };
  std::vector<Recording> recordings;
};

// Reads the index of a file being registered (on the catalog's worker threads).
class Indexer {
 public:
  virtual ~Indexer() = default;
  // The recordings in the file at `path` (canonical, inside the allowed directories). A file
  // that holds no recording is an error saying so.
  virtual Result<IndexedFile> Index(const std::string& path) = 0;
  // File name endings a directory walk registers (".rrd").
  virtual std::vector<std::string> extensions() const = 0;
};

struct Options {
  std::optional<std::string> storage_dir;  // durable catalog (catalog.sqlite3 in it); none = memory
  std::vector<std::string> allowed_dirs;   // registration is refused outside these
  int workers = 2;
  std::shared_ptr<Indexer> indexer;        // required
  int busy_timeout_ms = 5000;              // how long a call waits for a database another process holds
  size_t max_files_per_request = 100'000;  // files one Register call may queue (directories expanded)
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

  // Checks each URL (scheme, allowed directory, existence, a regular file), expands
  // directories into the files the indexer takes, and queues one task per file. Returns the
  // task ids, one per file; a file a walk passed over (a link out of the allowed directories,
  // a named pipe) gets a failed task saying why.
  Result<std::vector<std::string>> Register(const std::string& dataset_id, const std::vector<std::string>& urls,
                                            OnDuplicate on_duplicate = OnDuplicate::kError);
  // The tasks, once each has finished or the timeout has passed (then unfinished ones are
  // returned as they are). Finished tasks are forgotten after a while (the last 10,000 and those
  // of the last minute are kept); an unknown task id is NotFound.
  Result<std::vector<Task>> WaitForTasks(const std::vector<std::string>& ids, std::chrono::milliseconds timeout);
  Result<std::vector<Segment>> Segments(const std::string& dataset_id);

  const io::AllowedRoots& allowed() const { return allowed_; }

 private:
  explicit Catalog(Options options);
  Status Init();
  Status Migrate();
  void Work();
  std::vector<Status> Record(std::vector<std::pair<Task, OnDuplicate>>& batch,
                             const std::vector<Result<IndexedFile>>& indexed);
  Status RecordOne(Task& task, OnDuplicate on_duplicate, const IndexedFile& file);
  // A finished task, not queued: already done (unregistration) or failed before it started.
  std::string FinishedTask(const std::string& dataset_id, const std::string& url, const Status& result);
  void Finished(const std::string& task_id);  // with mutex_ held

  Options options_;
  io::AllowedRoots allowed_;
  std::unique_ptr<Db> db_;
  std::mutex mutex_;  // guards db_, tasks_, queue_
  std::condition_variable changed_;
  std::map<std::string, Task> tasks_;
  std::deque<std::pair<int64_t, std::string>> finished_;  // (when, task id), oldest first
  std::deque<std::pair<std::string, OnDuplicate>> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace chunkhouse::catalog
