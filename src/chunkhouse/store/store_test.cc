// ChunkStore: built from decoded chunks and lazily over a file's index, the same store.
#include "chunkhouse/store/store.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/writer.h"

namespace chunkhouse {
namespace {

namespace fs = std::filesystem;
const Timeline kFrame{"frame", TimeType::kSequence};

std::shared_ptr<arrow::Array> Ints(const std::vector<std::optional<int64_t>>& cells) {
  arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::Int64Builder>());
  for (const auto& c : cells) {
    if (!c) {
      EXPECT_TRUE(b.AppendNull().ok());
    } else {
      EXPECT_TRUE(b.Append().ok());
      EXPECT_TRUE(static_cast<arrow::Int64Builder*>(b.value_builder())->Append(*c).ok());
    }
  }
  return b.Finish().ValueOrDie();
}

std::shared_ptr<Chunk> Temporal(const std::string& entity, std::vector<int64_t> frames, uint64_t first_row) {
  std::vector<Tuid> ids;
  std::vector<std::optional<int64_t>> cells;
  for (size_t i = 0; i < frames.size(); ++i) {
    ids.push_back(Tuid{1, first_row + i});
    cells.emplace_back(frames[i]);
  }
  return ChunkBuilder(entity)
      .WithRowIds(ids)
      .AddIndex(kFrame, std::move(frames))
      .AddComponent({"rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"}, Ints(cells))
      .Build()
      .ValueOrDie();
}

std::shared_ptr<Chunk> Static(const std::string& entity, int64_t value, uint64_t row) {
  return ChunkBuilder(entity)
      .WithRowIds({Tuid{1, row}})
      .AddComponent({"rerun.archetypes.TextDocument", "TextDocument:text", "rerun.components.Text"}, Ints({value}))
      .Build()
      .ValueOrDie();
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / fmt::format("chunkhouse_store_{}_{}.rrd", ::getpid(), counter_++);
    chunks_ = {Temporal("/a", {0, 1, 2}, 10), Temporal("/a", {10, 11, 12}, 20), Temporal("/a", {20, 21}, 30),
               Static("/a", 7, 50), Static("/a", 5, 40), Temporal("/b", {5}, 60)};
    auto writer = rrd::RrdWriter::Open(path_.string()).ValueOrDie();
    StoreId store{StoreKind::kRecording, "app", "rec"};
    ASSERT_TRUE(writer->WriteStoreInfo(store).ok());
    for (const auto& c : chunks_) ASSERT_TRUE(writer->WriteChunk(store, *c).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  void TearDown() override { fs::remove(path_); }

  fs::path path_;
  std::vector<std::shared_ptr<Chunk>> chunks_;
  static inline int counter_ = 0;
};

TEST_F(StoreTest, LazyStoreOverTheFooterEqualsTheStoreOfItsChunks) {
  auto eager = ChunkStore::FromChunks(chunks_).ValueOrDie();
  auto lazy = ChunkStore::Open(path_.string()).ValueOrDie();
  EXPECT_EQ(lazy->num_chunks(), eager->num_chunks());
  EXPECT_EQ(lazy->schema().ToArrow()->ToString(true), eager->schema().ToArrow()->ToString(true));
  // The static winner is the row with the highest RowId, whichever chunk came first.
  for (const auto& store : {eager, lazy}) {
    auto cell = store->StaticCell(EntityPath::Parse("/a"), "TextDocument:text");
    ASSERT_TRUE(cell);
    EXPECT_EQ(cell->chunk->row_id(cell->row), (Tuid{1, 50}));
  }
}

TEST_F(StoreTest, TemporalChunksAreLoadedOnlyWhenAQueryTouchesThem) {
  auto lazy = ChunkStore::Open(path_.string()).ValueOrDie();
  EXPECT_EQ(lazy->num_loaded(), 2u);  // the two static chunks: the static winner needs their row ids
  auto hit = lazy->TemporalChunks(EntityPath::Parse("/a"), "Scalars:scalars", "frame", 11, 11).ValueOrDie();
  ASSERT_EQ(hit.size(), 1u);
  EXPECT_EQ(hit[0]->id(), chunks_[1]->id());
  EXPECT_EQ(lazy->num_loaded(), 3u);
  // A fill over [15, 25] needs the chunk overlapping it and the latest one ending before it.
  auto fill = lazy->TemporalChunksForFill(EntityPath::Parse("/a"), "Scalars:scalars", "frame", 15, 25).ValueOrDie();
  ASSERT_EQ(fill.size(), 2u);
  EXPECT_EQ(lazy->num_loaded(), 4u);
  EXPECT_TRUE(lazy->TemporalChunks(EntityPath::Parse("/a"), "Scalars:scalars", "other", 0, 100).ValueOrDie().empty());
}

TEST_F(StoreTest, SchemaFlagsFollowRerunsRules) {
  auto clear = ChunkBuilder("/c")
                   .WithRowIds({Tuid{1, 90}})
                   .AddIndex(kFrame, {3})
                   .AddComponent({"rerun.archetypes.Clear", "Clear:is_recursive", "rerun.components.ClearIsRecursive"},
                                 Ints({std::nullopt}))
                   .Build()
                   .ValueOrDie();
  auto chunks = chunks_;
  chunks.push_back(clear);
  auto store = ChunkStore::FromChunks(chunks).ValueOrDie();
  for (const auto& c : store->schema().columns) {
    if (c.entity == EntityPath::Parse("/c")) {
      EXPECT_TRUE(c.is_tombstone);
      EXPECT_TRUE(c.is_semantically_empty);  // every cell null
    } else if (c.descriptor.component == "TextDocument:text") {
      EXPECT_TRUE(c.is_static);
      EXPECT_FALSE(c.is_semantically_empty);
    } else {
      EXPECT_FALSE(c.is_static);
    }
  }
}

TEST_F(StoreTest, AnIndexWithoutComponentRangesCannotMakeAStore) {
  rrd::IndexedReader::Options slim;
  slim.component_ranges = false;
  std::shared_ptr<rrd::IndexedReader> reader = rrd::IndexedReader::Open(path_.string(), slim).ValueOrDie();
  auto store = ChunkStore::Open(reader, std::nullopt);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("without component ranges"), std::string::npos);
}

}  // namespace
}  // namespace chunkhouse
