#include "chunkhouse/catalog/catalog.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "chunkhouse/catalog/sqlite.h"

namespace chunkhouse::catalog {

namespace fs = std::filesystem;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Dataset ReadDataset(const Stmt& s) { return Dataset{s.Text(0), s.Text(1), s.Int(2), s.Int(3)}; }

// Rerun's entry names: 1..180 ASCII bytes of [A-Za-z0-9_-. []:]; "__" starts hidden names.
Status CheckName(const std::string& name) {
  bool valid = !name.empty() && name.size() <= 180 && name.rfind("__", 0) != 0 &&
               std::all_of(name.begin(), name.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) ||
                        std::string_view("_-. []:").find(c) != std::string_view::npos;
               });
  if (valid) return Status::OK();
  return InvalidArgument("invalid dataset name '{}': use 1 to 180 letters, digits, spaces or '_-.[]:', not "
                         "starting with '__'",
                         Quote(name));
}

// A unique-key violation means the name is taken.
Status NameTaken(const Status& st, const std::string& name) {
  if (KindOf(st) == ErrorKind::kAlreadyExists) return AlreadyExists("a dataset named '{}' already exists", name);
  return st;
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

Catalog::Catalog(Options options) : options_(std::move(options)), allowed_(options_.allowed_dirs) {}

Result<std::unique_ptr<Catalog>> Catalog::Open(Options options) {
  if (!options.indexer) return InvalidArgument("a catalog needs an indexer");
  std::unique_ptr<Catalog> c(new Catalog(std::move(options)));
  ARROW_RETURN_NOT_OK(c->Init());
  return c;
}

Status Catalog::Init() {
  std::string path = ":memory:";
  if (options_.storage_dir) {
    std::error_code ec;
    fs::create_directories(*options_.storage_dir, ec);
    if (ec) {
      return MakeError(ErrorKind::kInternal,
                       fmt::format("{}: cannot create the storage directory: {}", *options_.storage_dir, ec.message()),
                       ec.value());
    }
    path = (fs::path(*options_.storage_dir) / "catalog.sqlite3").string();
  }
  ARROW_ASSIGN_OR_RAISE(db_, Db::Open(path, options_.busy_timeout_ms));
  ARROW_RETURN_NOT_OK(db_->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  ARROW_RETURN_NOT_OK(db_->Exec(R"(
    CREATE TABLE IF NOT EXISTS datasets (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS segments (
      dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      segment_id TEXT NOT NULL, layer TEXT NOT NULL, storage_url TEXT NOT NULL, application_id TEXT NOT NULL,
      num_chunks INTEGER NOT NULL, size_bytes INTEGER NOT NULL, registered_at INTEGER NOT NULL,
      file_device INTEGER NOT NULL DEFAULT 0, file_inode INTEGER NOT NULL DEFAULT 0,
      file_mtime_ns INTEGER NOT NULL DEFAULT 0, file_size INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (dataset_id, segment_id, layer));
  )"));
  ARROW_RETURN_NOT_OK(Migrate());
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
  return Status::OK();
}

// Catalogs written by earlier versions lack the file identity columns: add them (zero means
// "not recorded", and nothing is compared for those segments). Before file_size existed,
// size_bytes held the file's size: it is copied over.
Status Catalog::Migrate() {
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("SELECT name FROM pragma_table_info('segments')", "read the catalog schema"));
  std::set<std::string> columns;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(bool row, s.Step());
    if (!row) break;
    columns.insert(s.Text(0));
  }
  for (const char* column : {"file_device", "file_inode", "file_mtime_ns", "file_size"}) {
    if (!columns.count(column)) {
      ARROW_RETURN_NOT_OK(db_->Exec(fmt::format("ALTER TABLE segments ADD COLUMN {} INTEGER NOT NULL DEFAULT 0", column)));
    }
  }
  if (!columns.count("file_size")) ARROW_RETURN_NOT_OK(db_->Exec("UPDATE segments SET file_size = size_bytes"));
  return Status::OK();
}

Catalog::~Catalog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& w : workers_) w.join();
}

Result<Dataset> Catalog::CreateDataset(const std::string& name) {
  ARROW_RETURN_NOT_OK(CheckName(name));
  std::lock_guard lock(mutex_);
  Dataset d{Tuid::New().ToString(), name, NowNs(), NowNs()};
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("INSERT INTO datasets (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                                             "create dataset"));
  s.Bind(1, d.id).Bind(2, d.name).Bind(3, d.created_at_ns).Bind(4, d.updated_at_ns);
  ARROW_RETURN_NOT_OK(NameTaken(s.Run(), name));
  return d;
}

Result<Dataset> Catalog::DatasetByName(const std::string& name) {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("SELECT id, name, created_at, updated_at FROM datasets WHERE name = ?",
                                             "find dataset"));
  s.Bind(1, name);
  ARROW_ASSIGN_OR_RAISE(bool row, s.Step());
  if (!row) return NotFound("no dataset named '{}'", Quote(name));
  return ReadDataset(s);
}

Result<Dataset> Catalog::DatasetById(const std::string& id) {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("SELECT id, name, created_at, updated_at FROM datasets WHERE id = ?",
                                             "find dataset"));
  s.Bind(1, id);
  ARROW_ASSIGN_OR_RAISE(bool row, s.Step());
  if (!row) return NotFound("no dataset with id '{}'", Quote(id));
  return ReadDataset(s);
}

Result<std::vector<Dataset>> Catalog::Datasets() {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("SELECT id, name, created_at, updated_at FROM datasets ORDER BY name",
                                             "list datasets"));
  std::vector<Dataset> out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadDataset(s));
  }
  return out;
}

Status Catalog::DeleteDataset(const std::string& id) {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("DELETE FROM datasets WHERE id = ?", "delete dataset"));
  s.Bind(1, id);
  ARROW_RETURN_NOT_OK(s.Run());
  if (db_->Changes() == 0) return NotFound("no dataset with id '{}'", Quote(id));
  return Status::OK();
}

Result<Dataset> Catalog::RenameDataset(const std::string& id, const std::string& name) {
  ARROW_RETURN_NOT_OK(CheckName(name));
  {
    std::lock_guard lock(mutex_);
    ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("UPDATE datasets SET name = ?, updated_at = ? WHERE id = ?",
                                               "rename dataset"));
    s.Bind(1, name).Bind(2, NowNs()).Bind(3, id);
    ARROW_RETURN_NOT_OK(NameTaken(s.Run(), name));
    if (db_->Changes() == 0) return NotFound("no dataset with id '{}'", Quote(id));
  }
  return DatasetById(id);
}

Result<std::pair<std::string, int64_t>> Catalog::Unregister(const std::string& dataset_id,
                                                            const std::vector<std::string>& segments,
                                                            const std::vector<std::string>& layers) {
  if (segments.empty() && layers.empty()) {
    return InvalidArgument("unregister: name the segments or the layers to drop (both lists are empty)");
  }
  ARROW_RETURN_NOT_OK(DatasetById(dataset_id).status());
  int64_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    ARROW_RETURN_NOT_OK(db_->Exec("BEGIN IMMEDIATE"));
    // Every (segment, layer) pair of the product; an empty list puts no condition on its column.
    std::string sql = "DELETE FROM segments WHERE dataset_id = ?";
    if (!segments.empty()) sql += " AND segment_id = ?";
    if (!layers.empty()) sql += " AND layer = ?";
    const std::vector<std::string> any{""};
    auto drop = [&]() -> Status {
      for (const auto& segment : segments.empty() ? any : segments) {
        for (const auto& layer : layers.empty() ? any : layers) {
          ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare(sql, "unregister"));
          int i = 1;
          s.Bind(i++, dataset_id);
          if (!segments.empty()) s.Bind(i++, segment);
          if (!layers.empty()) s.Bind(i++, layer);
          ARROW_RETURN_NOT_OK(s.Run());
          dropped += db_->Changes();
        }
      }
      return db_->Exec("COMMIT");
    };
    if (Status st = drop(); !st.ok()) return db_->Rollback(st);
  }
  return std::make_pair(FinishedTask(dataset_id, "", Status::OK()), dropped);
}

Result<std::vector<Segment>> Catalog::Segments(const std::string& dataset_id) {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(auto s, db_->Prepare("SELECT segment_id, layer, storage_url, application_id, num_chunks, "
                                             "size_bytes, registered_at, file_device, file_inode, file_mtime_ns, file_size "
                                             "FROM segments WHERE dataset_id = ? ORDER BY segment_id, layer",
                                             "list segments"));
  s.Bind(1, dataset_id);
  std::vector<Segment> out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(bool row, s.Step());
    if (!row) break;
    Segment segment{s.Text(0), s.Text(1), s.Text(2), s.Text(3), static_cast<uint64_t>(s.Int(4)),
                    static_cast<uint64_t>(s.Int(5)), s.Int(6), {}};
    segment.identity = io::FileIdentity{static_cast<uint64_t>(s.Int(7)), static_cast<uint64_t>(s.Int(8)),
                                        static_cast<uint64_t>(s.Int(10)), s.Int(9)};
    out.push_back(std::move(segment));
  }
  return out;
}

}  // namespace chunkhouse::catalog
