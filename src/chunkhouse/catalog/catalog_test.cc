#include "chunkhouse/catalog/catalog.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/writer.h"

namespace chunkhouse::catalog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The catalog opens no file itself: registration reads through an indexer (the server's is its
// reader cache). This one reads .rrd footers and keeps nothing.
class RrdIndexer final : public Indexer {
 public:
  Result<IndexedFile> Index(const std::string& path) override {
    ARROW_ASSIGN_OR_RAISE(auto reader, rrd::IndexedReader::Open(path));
    IndexedFile out;
    out.path = path;
    ARROW_ASSIGN_OR_RAISE(out.identity, io::StatRegularFile(path));
    for (const auto& store : reader->stores()) {
      if (store.kind != StoreKind::kRecording) continue;
      uint64_t chunks = 0;
      for (const auto& e : reader->chunks()) chunks += e.store == store;
      out.recordings.push_back({store.recording_id, store.application_id, chunks});
    }
    return out;
  }
  std::vector<std::string> extensions() const override { return {".rrd"}; }
};

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("chunkhouse_catalog_{}_{}", ::getpid(), counter_++);
    fs::create_directories(root_ / "data" / "more");
    WriteRecording(root_ / "data" / "a.rrd", "rec_a");
    WriteRecording(root_ / "data" / "more" / "b.rrd", "rec_b");
    std::ofstream(root_ / "data" / "broken.rrd") << "not an rrd file";
    fs::create_directories(root_ / "outside");
    WriteRecording(root_ / "outside" / "c.rrd", "rec_c");
  }
  void TearDown() override { fs::remove_all(root_); }

  static void WriteRecording(const fs::path& path, const std::string& recording_id) {
    auto writer = rrd::RrdWriter::Open(path.string()).ValueOrDie();
    StoreId store{StoreKind::kRecording, "test_app", recording_id};
    ASSERT_TRUE(writer->WriteStoreInfo(store).ok());
    for (const auto& c : MakeSampleRecording(5).ValueOrDie()) ASSERT_TRUE(writer->WriteChunk(store, *c).ok());
    ASSERT_TRUE(writer->Close().ok());
  }

  std::unique_ptr<Catalog> Open(std::optional<std::string> storage = std::nullopt, int busy_timeout_ms = 5000) {
    Options o;
    o.busy_timeout_ms = busy_timeout_ms;
    o.storage_dir = std::move(storage);
    o.allowed_dirs = {(root_ / "data").string()};
    o.indexer = std::make_shared<RrdIndexer>();
    return Catalog::Open(o).ValueOrDie();
  }

  std::string Url(const std::string& rel) const { return "file://" + (root_ / rel).string(); }

  fs::path root_;
  static inline int counter_ = 0;
};

TEST_F(CatalogTest, DatasetsAreCreatedFoundAndDeleted) {
  auto c = Open();
  auto d = c->CreateDataset("robots").ValueOrDie();
  EXPECT_EQ(c->DatasetByName("robots").ValueOrDie().id, d.id);
  EXPECT_EQ(c->DatasetById(d.id).ValueOrDie().name, "robots");
  auto dup = c->CreateDataset("robots");
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(dup.status().IsAlreadyExists());
  EXPECT_TRUE(c->CreateDataset("__hidden").status().IsInvalid());
  EXPECT_TRUE(c->DatasetByName("nope").status().IsKeyError());
  ASSERT_TRUE(c->DeleteDataset(d.id).ok());
  EXPECT_TRUE(c->DeleteDataset(d.id).IsKeyError());
  EXPECT_TRUE(c->Datasets().ValueOrDie().empty());
}

TEST_F(CatalogTest, RegistersFilesAndDirectoriesAsSegments) {
  auto c = Open();
  auto d = c->CreateDataset("ds").ValueOrDie();
  auto tasks = c->Register(d.id, {Url("data")}).ValueOrDie();
  ASSERT_EQ(tasks.size(), 3u);  // a.rrd, broken.rrd, more/b.rrd
  auto done = c->WaitForTasks(tasks, 10s).ValueOrDie();
  int ok = 0, failed = 0;
  for (const auto& t : done) {
    if (t.status == TaskStatus::kSuccess) ++ok;
    if (t.status == TaskStatus::kFailed) {
      ++failed;
      EXPECT_NE(t.message.find("broken.rrd"), std::string::npos) << t.message;
    }
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(failed, 1);  // a bad file fails its own task only
  auto segments = c->Segments(d.id).ValueOrDie();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].segment_id, "rec_a");
  EXPECT_EQ(segments[1].segment_id, "rec_b");
  EXPECT_EQ(segments[0].num_chunks, 5u);
  // The same file again: an error by default, fine when skipping.
  auto again = c->WaitForTasks(c->Register(d.id, {Url("data/a.rrd")}).ValueOrDie(), 10s).ValueOrDie();
  EXPECT_EQ(again[0].status, TaskStatus::kFailed);
  EXPECT_NE(again[0].message.find("already exists"), std::string::npos);
  auto skipped = c->WaitForTasks(c->Register(d.id, {Url("data/a.rrd")}, OnDuplicate::kSkip).ValueOrDie(), 10s).ValueOrDie();
  EXPECT_EQ(skipped[0].status, TaskStatus::kSuccess);
}

TEST_F(CatalogTest, RefusesWhatItMayNotRead) {
  auto c = Open();
  auto d = c->CreateDataset("ds").ValueOrDie();
  auto outside = c->Register(d.id, {Url("outside/c.rrd")});
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.status().message().find("--allow-dir"), std::string::npos);
  EXPECT_EQ(KindOf(outside.status()), ErrorKind::kPermissionDenied);
  EXPECT_TRUE(c->Register(d.id, {Url("data/missing.rrd")}).status().IsKeyError());
  EXPECT_TRUE(c->Register(d.id, {"s3://bucket/x.rrd"}).status().IsInvalid());
  EXPECT_TRUE(c->Register(d.id, {"file://relative/x.rrd"}).status().IsInvalid());
  EXPECT_EQ(KindOf(c->Register(d.id, {Url("data/../outside/c.rrd")}).status()), ErrorKind::kPermissionDenied);
  EXPECT_TRUE(c->Register("entry_nope", {Url("data/a.rrd")}).status().IsKeyError());
}

TEST_F(CatalogTest, StorageSurvivesARestart) {
  std::string storage = (root_ / "storage").string();
  std::string id;
  {
    auto c = Open(storage);
    id = c->CreateDataset("durable").ValueOrDie().id;
    auto tasks = c->Register(id, {Url("data/a.rrd")}).ValueOrDie();
    ASSERT_EQ(c->WaitForTasks(tasks, 10s).ValueOrDie()[0].status, TaskStatus::kSuccess);
  }
  auto c = Open(storage);
  EXPECT_EQ(c->DatasetByName("durable").ValueOrDie().id, id);
  auto segments = c->Segments(id).ValueOrDie();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].segment_id, "rec_a");
}

// A catalog written before file_size existed kept the file's size in size_bytes: it becomes the
// identity's size, so the segment is still recognised as the same file.
TEST_F(CatalogTest, OlderCatalogsKeepTheirFilesIdentity) {
  const fs::path storage = root_ / "old";
  fs::create_directories(storage);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((storage / "catalog.sqlite3").string().c_str(), &db), SQLITE_OK);
  const char* old_schema = R"(
    CREATE TABLE datasets (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
                           updated_at INTEGER NOT NULL);
    CREATE TABLE segments (dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      segment_id TEXT NOT NULL, layer TEXT NOT NULL, storage_url TEXT NOT NULL, application_id TEXT NOT NULL,
      num_chunks INTEGER NOT NULL, size_bytes INTEGER NOT NULL, registered_at INTEGER NOT NULL,
      file_device INTEGER NOT NULL DEFAULT 0, file_inode INTEGER NOT NULL DEFAULT 0,
      file_mtime_ns INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (dataset_id, segment_id, layer));
    INSERT INTO datasets VALUES ('d', 'old', 1, 1);
    INSERT INTO segments VALUES ('d', 'rec', 'base', 'file:///x.rrd', 'app', 3, 12345, 1, 7, 8, 9);
  )";
  ASSERT_EQ(sqlite3_exec(db, old_schema, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto c = Open(storage.string());
  auto segments = c->Segments("d").ValueOrDie();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].identity.size, 12345u);
  EXPECT_EQ(segments[0].identity.device, 7u);
  EXPECT_EQ(segments[0].identity.mtime_ns, 9);
}

// A database the catalog cannot read is an error on every call, never an empty answer: here
// the page holding the datasets table is overwritten behind the catalog's back.
TEST_F(CatalogTest, DatabaseFailuresAreErrorsNotEmptyAnswers) {
  std::string storage = (root_ / "storage").string();
  auto db_path = fs::path(storage) / "catalog.sqlite3";
  std::string id;
  {
    auto c = Open(storage);
    auto d = c->CreateDataset("ds").ValueOrDie();
    id = d.id;
    ASSERT_EQ(c->WaitForTasks(c->Register(d.id, {Url("data/a.rrd")}).ValueOrDie(), 10s).ValueOrDie()[0].status,
              TaskStatus::kSuccess);
  }  // closed: the write-ahead log is folded into the file
  int64_t page_size = 0, datasets_root = 0, segments_root = 0;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name, rootpage, (SELECT page_size FROM pragma_page_size()) FROM sqlite_master",
                                 -1, &s, nullptr),
              SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      if (name == "datasets") datasets_root = sqlite3_column_int64(s, 1);
      if (name == "segments") segments_root = sqlite3_column_int64(s, 1);
      page_size = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
  }
  ASSERT_GT(datasets_root, 1);
  ASSERT_GT(segments_root, 1);
  {
    std::fstream f(db_path, std::ios::in | std::ios::out | std::ios::binary);
    std::string garbage(static_cast<size_t>(page_size), '\xA5');
    for (int64_t root : {datasets_root, segments_root}) {
      f.seekp((root - 1) * page_size);
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
  }
  auto c = Open(storage);
  auto datasets = c->Datasets();
  ASSERT_FALSE(datasets.ok());
  EXPECT_NE(datasets.status().message().find("catalog database"), std::string::npos) << datasets.status().message();
  EXPECT_EQ(KindOf(datasets.status()), ErrorKind::kInternal);
  EXPECT_FALSE(c->Segments(id).ok());
  EXPECT_FALSE(c->DatasetByName("ds").ok());
  EXPECT_FALSE(c->DatasetById(id).ok());
  EXPECT_FALSE(c->Register(id, {Url("data/more/b.rrd")}).ok());
}

}  // namespace
}  // namespace chunkhouse::catalog
