// The server's tables without gRPC: dataset schema, segment table, chunk selection and the
// chunk bytes a key names, over a catalog whose indexer is the server's reader cache.
#include "chunkhouse/server/datasets.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/io/location.h"
#include "chunkhouse/redap/ids.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/writer.h"

namespace chunkhouse::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DatasetTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("chunkhouse_datasets_{}_{}", ::getpid(), counter_++);
    fs::create_directories(root_);
    for (int i = 0; i < 3; ++i) Write(root_ / fmt::format("rec{}.rrd", i), fmt::format("rec{}", i), 10 + 10 * i);
    catalog::Options o;
    o.allowed_dirs = {root_.string()};
    readers_ = std::make_shared<ReaderCache>(io::FileCache::Make(io::AllowedRoots(o.allowed_dirs), 2));
    o.indexer = readers_;
    catalog_ = catalog::Catalog::Open(o).ValueOrDie();
    id_ = catalog_->CreateDataset("ds").ValueOrDie().id;
    tables_ = std::make_unique<DatasetTables>(*catalog_, *readers_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static void Write(const fs::path& path, const std::string& recording, int frames) {
    auto writer = rrd::RrdWriter::Open(path.string()).ValueOrDie();
    StoreId store{StoreKind::kRecording, "app", recording};
    ASSERT_TRUE(writer->WriteStoreInfo(store).ok());
    for (const auto& c : MakeSampleRecording(frames).ValueOrDie()) ASSERT_TRUE(writer->WriteChunk(store, *c).ok());
    ASSERT_TRUE(writer->Close().ok());
  }

  void Register(const std::string& url) {
    auto tasks = catalog_->Register(id_, {url}).ValueOrDie();
    for (const auto& t : catalog_->WaitForTasks(tasks, 10s).ValueOrDie()) {
      ASSERT_EQ(t.status, catalog::TaskStatus::kSuccess) << t.message;
    }
  }

  std::vector<std::shared_ptr<arrow::RecordBatch>> Select(const ChunkSelection& selection) {
    std::vector<std::shared_ptr<arrow::RecordBatch>> out;
    EXPECT_TRUE(tables_->SelectChunks(id_, selection, [&](auto batch) {
      out.push_back(batch);
      return Status::OK();
    }).ok());
    return out;
  }
  static int64_t Rows(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches) {
    int64_t n = 0;
    for (const auto& b : batches) n += b->num_rows();
    return n;
  }

  fs::path root_;
  std::shared_ptr<ReaderCache> readers_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<DatasetTables> tables_;
  std::string id_;
  static inline int counter_ = 0;
};

TEST_F(DatasetTablesTest, SchemaAndSegmentTableCoverEverySegment) {
  Register(root_.string());
  auto segments = tables_->Segments(id_).ValueOrDie();
  ASSERT_EQ(segments.size(), 3u);
  auto schema = tables_->DatasetSchema(segments).ValueOrDie();
  EXPECT_EQ(schema->field(0)->name(), meta::kRowIdColumnName);
  EXPECT_EQ(schema->field(1)->name(), "frame");
  EXPECT_TRUE(schema->GetFieldByName("/world/points:Points3D:positions"));
  auto table = tables_->SegmentTable(segments, {}).ValueOrDie();
  EXPECT_EQ(table->num_rows(), 3);
  auto ends = std::static_pointer_cast<arrow::Int64Array>(table->GetColumnByName("frame:end"));
  ASSERT_TRUE(ends);
  EXPECT_EQ(ends->Value(0), 9);
  EXPECT_EQ(ends->Value(2), 29);
  auto some = tables_->SegmentTable(segments, {std::string(redap::col::kSegmentId), "frame:start"}).ValueOrDie();
  EXPECT_EQ(some->num_columns(), 2);
  EXPECT_EQ(KindOf(tables_->SegmentTable(segments, {"nope"}).status()), ErrorKind::kInvalidArgument);
  EXPECT_EQ(KindOf(tables_->Segments("0000000000000000000000000000ABCD").status()), ErrorKind::kNotFound);
}

TEST_F(DatasetTablesTest, ChunkSelectionPrunesByTimeEntityAndKind) {
  Register(root_.string());
  int64_t all = 0;
  for (const auto& s : tables_->Segments(id_).ValueOrDie()) all += static_cast<int64_t>(s.segment.num_chunks);
  EXPECT_EQ(Rows(Select({})), all);
  ChunkSelection late;
  late.filter.range = query::ChunkFilter::Range{"frame", 25, 100};
  // Only rec2 (frames 0..29) reaches frame 25: its points, sin and cos chunks (its log lines end
  // at frame 20), plus every segment's static chunk.
  EXPECT_EQ(Rows(Select(late)), 3 + 3);
  ChunkSelection static_only;
  static_only.filter.static_only = true;
  EXPECT_EQ(Rows(Select(static_only)), 3);
  ChunkSelection entity;
  entity.entities = std::set<std::string>{"/world/points"};
  entity.segments = {"rec1"};
  EXPECT_EQ(Rows(Select(entity)), 1);
  ChunkSelection nothing;
  nothing.segments = {"no such segment"};
  auto empty = Select(nothing);
  ASSERT_EQ(empty.size(), 1u);  // one empty batch, with the full schema
  EXPECT_EQ(empty[0]->num_rows(), 0);
  EXPECT_TRUE(empty[0]->schema()->GetFieldByName("frame:start"));
}

TEST_F(DatasetTablesTest, ChunkKeysReadTheStoredBytesAndRefuseWhatChanged) {
  Register(root_.string());
  auto infos = Select({});
  auto keys = std::static_pointer_cast<arrow::BinaryArray>(infos[0]->GetColumnByName("chunk_key"));
  DatasetTables::ChunkReader reader(*tables_);
  std::string bytes;
  for (int64_t r = 0; r < keys->length(); ++r) {
    ASSERT_TRUE(reader.Read(keys->GetView(r), &bytes).ok());
    EXPECT_FALSE(bytes.empty());
  }
  EXPECT_EQ(KindOf(reader.Read("garbage", &bytes)), ErrorKind::kInvalidArgument);
  EXPECT_EQ(KindOf(reader.Read(redap::ChunkKey{id_, "nope", 0}.Encode(), &bytes)), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(reader.Read(redap::ChunkKey{id_, "rec0", 9999}.Encode(), &bytes)), ErrorKind::kNotFound);
  // rec1.rrd rewritten after registration: refused, naming the file (a new request checks again).
  Write(root_ / "rec1.rrd", "rec1", 15);
  DatasetTables::ChunkReader next(*tables_);
  auto key = redap::ChunkKey{id_, "rec1", 0}.Encode();
  auto changed = next.Read(key, &bytes);
  EXPECT_EQ(KindOf(changed), ErrorKind::kFailedPrecondition);
  EXPECT_NE(changed.message().find("rec1.rrd"), std::string::npos) << changed.message();
}

TEST_F(DatasetTablesTest, ACorruptChunkIsDataLossNamingFileAndOffset) {
  auto path = root_ / "rec0.rrd";
  auto reader = rrd::IndexedReader::Open(path.string()).ValueOrDie();
  const auto entry = reader->chunks()[1];
  {  // the chunk's message header overwritten in place, before registration
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(entry.byte_offset));
    f.write("\xff\xff\xff\xff\xff\xff", 6);
  }
  Register(io::FileUrl(path.string()));
  DatasetTables::ChunkReader chunks(*tables_);
  std::string bytes;
  auto st = chunks.Read(redap::ChunkKey{id_, "rec0", 1}.Encode(), &bytes);
  EXPECT_EQ(KindOf(st), ErrorKind::kDataLoss);
  EXPECT_NE(st.message().find(fmt::format("rec0.rrd: at byte {}", entry.byte_offset)), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace chunkhouse::server
