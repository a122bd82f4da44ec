// Registration: URLs checked and expanded into files, one task per file, indexed on worker
// threads and committed in batches.
#include <sys/stat.h>

#include "chunkhouse/catalog/catalog.h"
#include "chunkhouse/catalog/sqlite.h"
#include "chunkhouse/io/location.h"
#include "chunkhouse/io/walk.h"

namespace chunkhouse::catalog {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewTaskId() { return "task_" + Tuid::New().ToString(); }

}  // namespace

std::string Catalog::FinishedTask(const std::string& dataset_id, const std::string& url, const Status& result) {
  Task t;
  t.id = NewTaskId();
  t.dataset_id = dataset_id;
  t.storage_url = url;
  t.status = result.ok() ? TaskStatus::kSuccess : TaskStatus::kFailed;
  t.message = result.ok() ? "" : result.message();
  t.error = KindOf(result);
  std::lock_guard lock(mutex_);
  tasks_[t.id] = t;
  Finished(t.id);
  return t.id;
}

// Finished tasks are kept while clients may still ask for them: the last kKeep of them, and any
// that finished less than kGrace ago. Without a bound, a long-running server's task table grows
// with every registration it ever ran.
void Catalog::Finished(const std::string& id) {
  constexpr size_t kKeep = 10'000;
  constexpr int64_t kGraceNs = 60'000'000'000;
  const int64_t now = NowNs();
  finished_.emplace_back(now, id);
  while (finished_.size() > kKeep && finished_.front().first < now - kGraceNs) {
    tasks_.erase(finished_.front().second);
    finished_.pop_front();
  }
}

Result<std::vector<std::string>> Catalog::Register(const std::string& dataset_id, const std::vector<std::string>& urls,
                                                   OnDuplicate on_duplicate) {
  ARROW_RETURN_NOT_OK(DatasetById(dataset_id).status());
  std::vector<std::string> files;
  std::vector<io::Listing::Skipped> passed_over;  // from directory walks
  for (const auto& url : urls) {
    ARROW_ASSIGN_OR_RAISE(auto location, io::ParseLocation(url));
    ARROW_ASSIGN_OR_RAISE(auto path, allowed_.Resolve(location.path));
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return NotFound("file not found: {}", Quote(location.path));
    if (S_ISDIR(st.st_mode)) {
      ARROW_ASSIGN_OR_RAISE(auto listing, io::ListFiles(path, options_.indexer->extensions(), allowed_,
                                                        options_.max_files_per_request));
      if (listing.files.empty() && listing.skipped.empty()) {
        return InvalidArgument("no {} files found in {}", fmt::join(options_.indexer->extensions(), "/"), Quote(path));
      }
      files.insert(files.end(), listing.files.begin(), listing.files.end());
      passed_over.insert(passed_over.end(), listing.skipped.begin(), listing.skipped.end());
    } else if (S_ISREG(st.st_mode)) {
      files.push_back(path);
    } else {
      return InvalidArgument("{}: not a regular file (only recordings can be registered)", Quote(location.path));
    }
  }
  if (files.empty() && passed_over.empty()) return InvalidArgument("no data sources to register");
  if (files.size() > options_.max_files_per_request) {
    return ResourceExhausted("{} files to register in one request, more than the limit of {}: register them in "
                             "several calls",
                             files.size(), options_.max_files_per_request);
  }
  std::vector<std::string> ids;
  for (const auto& skipped : passed_over) {
    ids.push_back(FinishedTask(dataset_id, io::FileUrl(skipped.path),
                               skipped.reason.WithMessage("passed over: " + skipped.reason.message())));
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : files) {
      Task t;
      t.id = NewTaskId();
      t.dataset_id = dataset_id;
      t.storage_url = io::FileUrl(f);
      tasks_[t.id] = t;
      queue_.emplace_back(t.id, on_duplicate);
      ids.push_back(t.id);
    }
  }
  changed_.notify_all();
  return ids;
}

void Catalog::Work() {
  // Tasks are taken a batch at a time: indexes are read outside the lock, then the whole batch
  // is committed in one transaction (each task in its own savepoint, so that one failure does
  // not undo the others) before any of them reports done.
  constexpr size_t kBatch = 32;
  while (true) {
    std::vector<std::pair<Task, OnDuplicate>> batch;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      while (!queue_.empty() && batch.size() < kBatch) {
        auto [id, on_duplicate] = queue_.front();
        queue_.pop_front();
        tasks_[id].status = TaskStatus::kRunning;
        batch.emplace_back(tasks_[id], on_duplicate);
      }
    }
    std::vector<Result<IndexedFile>> indexed;
    indexed.reserve(batch.size());
    for (auto& [task, on_duplicate] : batch) {
      auto location = io::ParseLocation(task.storage_url);
      indexed.push_back(location.ok() ? options_.indexer->Index(location->path) : Result<IndexedFile>(location.status()));
    }
    std::vector<Status> results = Record(batch, indexed);
    {
      std::lock_guard lock(mutex_);
      for (size_t i = 0; i < batch.size(); ++i) {
        Task& task = batch[i].first;
        task.status = results[i].ok() ? TaskStatus::kSuccess : TaskStatus::kFailed;
        task.message = results[i].ok() ? "" : results[i].message();
        task.error = KindOf(results[i]);
        tasks_[task.id] = task;
        Finished(task.id);
      }
    }
    changed_.notify_all();
  }
}

Status Catalog::RecordOne(Task& task, OnDuplicate on_duplicate, const IndexedFile& file) {
  constexpr std::string_view kInsert =
      " INTO segments (dataset_id, segment_id, layer, storage_url, application_id, num_chunks, size_bytes, "
      "registered_at, file_device, file_inode, file_mtime_ns, file_size) VALUES (?, ?, 'base', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  const std::string sql = std::string(on_duplicate == OnDuplicate::kReplace ? "INSERT OR REPLACE"
                                      : on_duplicate == OnDuplicate::kSkip  ? "INSERT OR IGNORE"
                                                                            : "INSERT") +
                          std::string(kInsert);
  for (const auto& recording : file.recordings) {
    ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare(sql, "register segment"));
    s.Bind(1, task.dataset_id).Bind(2, recording.segment_id).Bind(3, task.storage_url).Bind(4, recording.application_id);
    s.Bind(5, static_cast<int64_t>(recording.num_chunks)).Bind(6, static_cast<int64_t>(recording.size_bytes)).Bind(7, NowNs());
    s.Bind(8, static_cast<int64_t>(file.identity.device)).Bind(9, static_cast<int64_t>(file.identity.inode));
    s.Bind(10, file.identity.mtime_ns).Bind(11, static_cast<int64_t>(file.identity.size));
    Status st = s.Run();
    if (KindOf(st) == ErrorKind::kAlreadyExists) {
      return AlreadyExists("segment '{}': layer 'base' already exists", recording.segment_id);
    }
    if (KindOf(st) == ErrorKind::kNotFound) {
      return NotFound("dataset {} no longer exists (deleted while {} was being registered)", task.dataset_id,
                      task.storage_url);
    }
    ARROW_RETURN_NOT_OK(st);
    task.segment_ids.push_back(recording.segment_id);
  }
  return Status::OK();
}

// Records the segments of each indexed file; the statuses are per task.
std::vector<Status> Catalog::Record(std::vector<std::pair<Task, OnDuplicate>>& batch,
                                    const std::vector<Result<IndexedFile>>& indexed) {
  std::vector<Status> out(batch.size());
  std::lock_guard lock(mutex_);
  if (Status st = db_->Exec("BEGIN IMMEDIATE"); !st.ok()) return std::vector<Status>(batch.size(), st);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!indexed[i].ok()) {
      out[i] = indexed[i].status();
      continue;
    }
    auto& [task, on_duplicate] = batch[i];
    if (out[i] = db_->Exec("SAVEPOINT task"); !out[i].ok()) continue;
    out[i] = RecordOne(task, on_duplicate, *indexed[i]);
    if (out[i].ok()) {
      out[i] = db_->Exec("RELEASE task");
    } else {
      task.segment_ids.clear();
      Status undone = db_->Exec("ROLLBACK TO task");
      if (undone.ok()) undone = db_->Exec("RELEASE task");
      if (!undone.ok()) {
        // The transaction is in an unknown state: fail the whole batch rather than commit it.
        for (auto& [t, d] : batch) t.segment_ids.clear();
        return std::vector<Status>(batch.size(), db_->Rollback(undone));
      }
    }
  }
  if (Status st = db_->Exec("COMMIT"); !st.ok()) {
    st = db_->Rollback(st);
    for (auto& r : out) {
      if (r.ok()) r = st;
    }
    for (auto& [task, on_duplicate] : batch) task.segment_ids.clear();
  }
  return out;
}

Result<std::vector<Task>> Catalog::WaitForTasks(const std::vector<std::string>& ids, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  for (const auto& id : ids) {
    if (!tasks_.count(id)) return NotFound("unknown task '{}'", Quote(id));
  }
  // A finished task stays finished: each wake-up resumes where the last one stopped, so waiting
  // for N tasks costs O(N) in all, not O(N) per finished task.
  size_t finished = 0;
  auto done = [&] {
    for (; finished < ids.size(); ++finished) {
      auto s = tasks_.at(ids[finished]).status;
      if (s != TaskStatus::kSuccess && s != TaskStatus::kFailed) return false;
    }
    return true;
  };
  changed_.wait_for(lock, timeout, done);
  std::vector<Task> out;
  for (const auto& id : ids) out.push_back(tasks_.at(id));
  return out;
}

}  // namespace chunkhouse::catalog
