#include "chunkhouse/catalog/catalog.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include "chunkhouse/rrd/reader.h"

namespace chunkhouse::catalog {

namespace fs = std::filesystem;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int i) const {
    auto* p = sqlite3_column_text(stmt_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

Status SqlError(sqlite3* db, std::string_view what) {
  return Status::IOError(fmt::format("catalog database: {}: {}", what, sqlite3_errmsg(db)));
}

Dataset ReadDataset(const Stmt& s) { return Dataset{s.Text(0), s.Text(1), s.Int(2), s.Int(3)}; }

// Rerun's entry names: 1..180 ASCII bytes of [A-Za-z0-9_-. []:]; "__" starts hidden names.
bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 180 || name.rfind("__", 0) == 0) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-. []:").find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string_view TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kPending: return "pending";
    case TaskStatus::kRunning: return "running";
    case TaskStatus::kSuccess: return "success";
    case TaskStatus::kFailed: return "failed";
  }
  return "failed";
}

Result<std::unique_ptr<Catalog>> Catalog::Open(Options options) {
  std::unique_ptr<Catalog> c(new Catalog(std::move(options)));
  ARROW_RETURN_NOT_OK(c->Init());
  return c;
}

Status Catalog::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return Status::IOError("catalog database: " + msg);
  }
  return Status::OK();
}

Status Catalog::Init() {
  std::string path = ":memory:";
  if (options_.storage_dir) {
    std::error_code ec;
    fs::create_directories(*options_.storage_dir, ec);
    if (ec) return Status::IOError(fmt::format("{}: cannot create the storage directory: {}", *options_.storage_dir, ec.message()));
    path = (fs::path(*options_.storage_dir) / "catalog.sqlite3").string();
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    return SqlError(db_, "cannot open " + path);
  }
  ARROW_RETURN_NOT_OK(Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  ARROW_RETURN_NOT_OK(Exec(R"(
    CREATE TABLE IF NOT EXISTS datasets (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS segments (
      dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      segment_id TEXT NOT NULL, layer TEXT NOT NULL, storage_url TEXT NOT NULL, application_id TEXT NOT NULL,
      num_chunks INTEGER NOT NULL, size_bytes INTEGER NOT NULL, registered_at INTEGER NOT NULL,
      PRIMARY KEY (dataset_id, segment_id, layer));
  )"));
  for (auto& dir : options_.allowed_dirs) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(dir, ec);
    if (!ec) dir = canonical.string();
  }
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
  return Status::OK();
}

Catalog::~Catalog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& w : workers_) w.join();
  sqlite3_close(db_);
}

Result<Dataset> Catalog::CreateDataset(const std::string& name) {
  if (!ValidName(name)) {
    return Status::Invalid(fmt::format("invalid dataset name '{}': use 1 to 180 letters, digits, spaces or "
                                       "'_-.[]:', not starting with '__'", name));
  }
  std::lock_guard lock(mutex_);
  Dataset d{Tuid::New().ToString(), name, NowNs(), NowNs()};
  Stmt s(db_, "INSERT INTO datasets (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)");
  s.Bind(1, d.id).Bind(2, d.name).Bind(3, d.created_at_ns).Bind(4, d.updated_at_ns);
  int rc = s.Step();
  if (rc == SQLITE_CONSTRAINT) return Status::AlreadyExists(fmt::format("a dataset named '{}' already exists", name));
  if (rc != SQLITE_DONE) return SqlError(db_, "create dataset");
  return d;
}

Result<Dataset> Catalog::DatasetByName(const std::string& name) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT id, name, created_at, updated_at FROM datasets WHERE name = ?");
  s.Bind(1, name);
  if (s.Step() != SQLITE_ROW) return Status::KeyError(fmt::format("no dataset named '{}'", name));
  return ReadDataset(s);
}

Result<Dataset> Catalog::DatasetById(const std::string& id) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT id, name, created_at, updated_at FROM datasets WHERE id = ?");
  s.Bind(1, id);
  if (s.Step() != SQLITE_ROW) return Status::KeyError(fmt::format("no dataset with id '{}'", id));
  return ReadDataset(s);
}

Result<std::vector<Dataset>> Catalog::Datasets() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT id, name, created_at, updated_at FROM datasets ORDER BY name");
  std::vector<Dataset> out;
  while (s.Step() == SQLITE_ROW) out.push_back(ReadDataset(s));
  return out;
}

Status Catalog::DeleteDataset(const std::string& id) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "DELETE FROM datasets WHERE id = ?");
  s.Bind(1, id);
  if (s.Step() != SQLITE_DONE) return SqlError(db_, "delete dataset");
  if (sqlite3_changes(db_) == 0) return Status::KeyError(fmt::format("no dataset with id '{}'", id));
  return Status::OK();
}

Result<Dataset> Catalog::RenameDataset(const std::string& id, const std::string& name) {
  if (!ValidName(name)) {
    return Status::Invalid(fmt::format("invalid dataset name '{}': use 1 to 180 letters, digits, spaces or "
                                       "'_-.[]:', not starting with '__'", name));
  }
  {
    std::lock_guard lock(mutex_);
    Stmt s(db_, "UPDATE datasets SET name = ?, updated_at = ? WHERE id = ?");
    s.Bind(1, name).Bind(2, NowNs()).Bind(3, id);
    int rc = s.Step();
    if (rc == SQLITE_CONSTRAINT) return Status::AlreadyExists(fmt::format("a dataset named '{}' already exists", name));
    if (rc != SQLITE_DONE) return SqlError(db_, "rename dataset");
    if (sqlite3_changes(db_) == 0) return Status::KeyError(fmt::format("no dataset with id '{}'", id));
  }
  return DatasetById(id);
}

Result<std::pair<std::string, int64_t>> Catalog::Unregister(const std::string& dataset_id,
                                                            const std::vector<std::string>& segments,
                                                            const std::vector<std::string>& layers) {
  if (segments.empty() && layers.empty()) {
    return Status::Invalid("unregister: name the segments or the layers to drop (both lists are empty)");
  }
  ARROW_RETURN_NOT_OK(DatasetById(dataset_id).status());
  std::lock_guard lock(mutex_);
  ARROW_RETURN_NOT_OK(Exec("BEGIN IMMEDIATE"));
  int64_t dropped = 0;
  // Every (segment, layer) pair of the product; an empty list puts no condition on its column.
  std::string sql = "DELETE FROM segments WHERE dataset_id = ?";
  if (!segments.empty()) sql += " AND segment_id = ?";
  if (!layers.empty()) sql += " AND layer = ?";
  const std::vector<std::string> any{""};
  for (const auto& segment : segments.empty() ? any : segments) {
    for (const auto& layer : layers.empty() ? any : layers) {
      Stmt s(db_, sql.c_str());
      int i = 1;
      s.Bind(i++, dataset_id);
      if (!segments.empty()) s.Bind(i++, segment);
      if (!layers.empty()) s.Bind(i++, layer);
      if (s.Step() != SQLITE_DONE) {
        Status err = SqlError(db_, "unregister");
        (void)Exec("ROLLBACK");
        return err;
      }
      dropped += sqlite3_changes(db_);
    }
  }
  ARROW_RETURN_NOT_OK(Exec("COMMIT"));
  Task t;
  t.id = "task_" + Tuid::New().ToString();
  t.dataset_id = dataset_id;
  t.status = TaskStatus::kSuccess;
  tasks_[t.id] = t;
  return std::make_pair(t.id, dropped);
}

Result<std::string> Catalog::AllowedPath(const std::string& url) const {
  std::string path = url;
  if (path.rfind("file://", 0) == 0) {
    path = path.substr(7);
  } else if (path.find("://") != std::string::npos) {
    return Status::Invalid(fmt::format("'{}': only file:// URLs can be registered", url));
  }
  if (path.empty() || path[0] != '/') return Status::Invalid(fmt::format("'{}': expected an absolute file:// URL", url));
  std::error_code ec;
  auto canonical = fs::weakly_canonical(path, ec).string();
  if (ec || !fs::exists(canonical)) return Status::KeyError(fmt::format("RRD file not found: {}", path));
  for (const auto& dir : options_.allowed_dirs) {
    if (canonical == dir || canonical.rfind(dir + "/", 0) == 0) return canonical;
  }
  return Status::Invalid(fmt::format("'{}' is outside the directories this server may read ({}); start the server "
                                     "with --allow-dir to permit it", path, fmt::join(options_.allowed_dirs, ", ")));
}

Result<std::vector<std::string>> Catalog::Register(const std::string& dataset_id, const std::vector<std::string>& urls,
                                                   OnDuplicate on_duplicate) {
  ARROW_RETURN_NOT_OK(DatasetById(dataset_id).status());
  std::vector<std::string> files;
  for (const auto& url : urls) {
    ARROW_ASSIGN_OR_RAISE(auto path, AllowedPath(url));
    if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(path)) {
        if (e.is_regular_file() && e.path().extension() == ".rrd") found.push_back(e.path().string());
      }
      if (found.empty()) return Status::Invalid(fmt::format("no rrd files found in {}", path));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  if (files.empty()) return Status::Invalid("no data sources to register");
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : files) {
      Task t;
      t.id = "task_" + Tuid::New().ToString();
      t.dataset_id = dataset_id;
      t.storage_url = "file://" + f;
      tasks_[t.id] = t;
      queue_.emplace_back(t.id, on_duplicate);
      ids.push_back(t.id);
    }
  }
  changed_.notify_all();
  return ids;
}

void Catalog::Work() {
  // Tasks are taken a batch at a time: footers are read outside the lock, then the whole batch
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
    for (auto& [task, on_duplicate] : batch) indexed.push_back(IndexFile(task));
    std::vector<Status> results = Record(batch, indexed);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i].ok() && options_.on_indexed) options_.on_indexed(indexed[i]->path, indexed[i]->reader);
    }
    {
      std::lock_guard lock(mutex_);
      for (size_t i = 0; i < batch.size(); ++i) {
        Task& task = batch[i].first;
        task.status = results[i].ok() ? TaskStatus::kSuccess : TaskStatus::kFailed;
        task.message = results[i].ok() ? "" : results[i].message();
        tasks_[task.id] = task;
      }
    }
    changed_.notify_all();
  }
}

// Reads the file's footer (a footer-less file is scanned): one segment per recording.
Result<Catalog::IndexedFile> Catalog::IndexFile(const Task& task) {
  IndexedFile out;
  out.path = task.storage_url.substr(7);
  rrd::IndexedReader::Options options;
  options.keep_manifest_data = false;  // the catalog's readers live as long as the server: keep them small
  ARROW_ASSIGN_OR_RAISE(out.reader, rrd::IndexedReader::Open(out.path, options));
  for (const auto& store : out.reader->stores()) {
    if (store.kind == StoreKind::kRecording) out.recordings[store.recording_id] = {store.application_id, 0};
  }
  for (const auto& e : out.reader->chunks()) {
    if (e.store.kind == StoreKind::kRecording) ++out.recordings[e.store.recording_id].second;
  }
  std::error_code ec;
  out.size = fs::file_size(out.path, ec);
  if (ec) return Status::IOError(fmt::format("{}: {}", out.path, ec.message()));
  return out;
}

// Records the segments of each indexed file; the statuses are per task.
std::vector<Status> Catalog::Record(std::vector<std::pair<Task, OnDuplicate>>& batch,
                                    const std::vector<Result<IndexedFile>>& indexed) {
  std::vector<Status> out(batch.size());
  std::lock_guard lock(mutex_);
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return std::vector<Status>(batch.size(), st);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!indexed[i].ok()) {
      out[i] = indexed[i].status();
      continue;
    }
    auto& [task, on_duplicate] = batch[i];
    if (out[i] = Exec("SAVEPOINT task"); !out[i].ok()) continue;
    const char* sql = on_duplicate == OnDuplicate::kReplace
                          ? "INSERT OR REPLACE INTO segments VALUES (?, ?, 'base', ?, ?, ?, ?, ?)"
                      : on_duplicate == OnDuplicate::kSkip ? "INSERT OR IGNORE INTO segments VALUES (?, ?, 'base', ?, ?, ?, ?, ?)"
                                                           : "INSERT INTO segments VALUES (?, ?, 'base', ?, ?, ?, ?, ?)";
    for (const auto& [segment, info] : indexed[i]->recordings) {
      Stmt s(db_, sql);
      s.Bind(1, task.dataset_id).Bind(2, segment).Bind(3, task.storage_url).Bind(4, info.first);
      s.Bind(5, static_cast<int64_t>(info.second)).Bind(6, static_cast<int64_t>(indexed[i]->size)).Bind(7, NowNs());
      int rc = s.Step();
      if (rc != SQLITE_DONE) {
        out[i] = rc == SQLITE_CONSTRAINT
                     ? Status::AlreadyExists(fmt::format("segment '{}': layer 'base' already exists", segment))
                     : SqlError(db_, "register segment");
        break;
      }
      task.segment_ids.push_back(segment);
    }
    if (out[i].ok()) {
      out[i] = Exec("RELEASE task");
    } else {
      task.segment_ids.clear();
      (void)Exec("ROLLBACK TO task");
      (void)Exec("RELEASE task");
    }
  }
  if (Status st = Exec("COMMIT"); !st.ok()) {
    (void)Exec("ROLLBACK");
    for (auto& r : out) {
      if (r.ok()) r = st;
    }
  }
  return out;
}

Result<std::vector<Task>> Catalog::WaitForTasks(const std::vector<std::string>& ids, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  for (const auto& id : ids) {
    if (!tasks_.count(id)) return Status::KeyError(fmt::format("unknown task '{}'", id));
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

Result<std::vector<Segment>> Catalog::Segments(const std::string& dataset_id) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT segment_id, layer, storage_url, application_id, num_chunks, size_bytes, registered_at "
              "FROM segments WHERE dataset_id = ? ORDER BY segment_id, layer");
  s.Bind(1, dataset_id);
  std::vector<Segment> out;
  while (s.Step() == SQLITE_ROW) {
    out.push_back(Segment{s.Text(0), s.Text(1), s.Text(2), s.Text(3), static_cast<uint64_t>(s.Int(4)),
                          static_cast<uint64_t>(s.Int(5)), s.Int(6)});
  }
  return out;
}

}  // namespace chunkhouse::catalog
