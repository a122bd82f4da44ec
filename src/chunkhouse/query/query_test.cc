// The engine's worked example (spec/query_semantics.md §3.10, the "nasty store"), as golden tests.
#include "chunkhouse/query/query.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "chunkhouse/rrd/writer.h"

namespace chunkhouse::query {
namespace {

using Cell = std::optional<std::vector<int64_t>>;
const Timeline kFrame{"frame_nr", TimeType::kSequence};
const Timeline kLog{"log_time", TimeType::kTimestamp};
ComponentDescriptor Desc(const std::string& field) {
  return ComponentDescriptor{"example.MyPoints", "example.MyPoints:" + field, std::nullopt};
}

std::shared_ptr<arrow::Array> Lists(const std::vector<Cell>& cells) {
  arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::Int64Builder>());
  auto* v = static_cast<arrow::Int64Builder*>(b.value_builder());
  for (const auto& c : cells) {
    if (!c) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.Append().ok());
    for (int64_t x : *c) EXPECT_TRUE(v->Append(x).ok());
  }
  return b.Finish().ValueOrDie();
}

class NastyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::shared_ptr<Chunk>> chunks;
    auto add = [&](ChunkBuilder b, size_t rows) {
      std::vector<Tuid> ids;
      for (size_t i = 0; i < rows; ++i) ids.push_back(Tuid{1000, ++next_row_id_});
      chunks.push_back(b.WithRowIds(ids).Build().ValueOrDie());
    };
    for (int clone = 0; clone < 3; ++clone) {
      add(ChunkBuilder("/this/that")
              .AddIndex(kFrame, {10, 30, 50, 70, 70, 70})
              .AddIndex(kLog, {10, 30, 50, 70, 70, 70})
              .AddComponent(Desc("points"), Lists({{{0}}, {{2}}, {{4}}, {{6}}, {{7}}, {{8}}}))
              .AddComponent(Desc("colors"), Lists({std::nullopt, {{2}}, std::nullopt, std::nullopt, std::nullopt, std::nullopt}))
              .AddComponent(Desc("labels"), Lists({{{100}}, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt})),
          6);
    }
    add(ChunkBuilder("/this/that")
            .AddIndex(kFrame, {20, 30, 40})
            .AddComponent(Desc("points"), Lists({{{1}}, {{2}}, {{3}}}))
            .AddComponent(Desc("colors"), Lists({std::nullopt, {{2}}, std::nullopt})),
        3);
    add(ChunkBuilder("/this/that").AddIndex(kFrame, {20, 40, 60}).AddComponent(Desc("points"), Lists({{{1}}, {{3}}, {{5}}})), 3);
    add(ChunkBuilder("/this/that").AddIndex(kFrame, {40, 50, 70}).AddComponent(Desc("colors"), Lists({{{3}}, {{4}}, {{6}}})), 3);
    add(ChunkBuilder("/this/that").AddComponent(Desc("labels"), Lists({{{101}}})), 1);  // static [b]
    add(ChunkBuilder("/this/that").AddComponent(Desc("labels"), Lists({{{102}}})), 1);  // static [c]
    store_ = ChunkStore::FromChunks(std::move(chunks)).ValueOrDie();
  }

  // Each row as "frame log_time colors labels points" (null as "-").
  std::vector<std::string> Run(QueryExpression q) {
    auto reader = Execute(store_, std::move(q)).ValueOrDie();
    auto table = arrow::Table::FromRecordBatchReader(reader.get()).ValueOrDie()->CombineChunksToBatch().ValueOrDie();
    std::vector<std::string> rows;
    for (int64_t r = 0; r < table->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < table->num_columns(); ++c) {
        auto scalar = table->column(c)->GetScalar(r).ValueOrDie();
        std::string cell = "-";
        if (scalar->is_valid && scalar->type->id() == arrow::Type::LIST) {
          const auto& values = static_cast<const arrow::Int64Array&>(*static_cast<const arrow::ListScalar&>(*scalar).value);
          cell = "[";
          for (int64_t i = 0; i < values.length(); ++i) cell += (i ? "," : "") + std::to_string(values.Value(i));
          cell += "]";
        } else if (scalar->is_valid) {
          cell = std::to_string(static_cast<const arrow::Int64Scalar&>(*scalar->CastTo(arrow::int64()).ValueOrDie()).value);
        }
        row += (c ? " " : "") + cell;
      }
      rows.push_back(row);
    }
    return rows;
  }

  QueryExpression Frames() {
    QueryExpression q;
    q.index = "frame_nr";
    return q;
  }

  uint64_t next_row_id_ = 0;
  std::shared_ptr<ChunkStore> store_;
};

TEST_F(NastyStore, Plain) {
  // columns: frame_nr log_time colors labels points
  EXPECT_EQ(Run(Frames()), (std::vector<std::string>{
                               "10 10 - [102] [0]", "20 - - [102] [1]", "30 - [2] [102] [2]", "40 - [3] [102] [3]",
                               "50 50 [4] [102] [4]", "60 - - [102] [5]", "70 70 [6] [102] [8]"}));
}

TEST_F(NastyStore, StaticOnly) {
  QueryExpression q;
  EXPECT_EQ(Run(q), (std::vector<std::string>{"- - [102]"}));
}

TEST_F(NastyStore, RangeAndValues) {
  auto q = Frames();
  q.range = {30, 60};
  EXPECT_EQ(Run(q), (std::vector<std::string>{"30 - [2] [102] [2]", "40 - [3] [102] [3]", "50 50 [4] [102] [4]",
                                              "60 - - [102] [5]"}));
  q = Frames();
  q.filtered_index_values = std::vector<int64_t>{0, 30, 60, 90};
  EXPECT_EQ(Run(q), (std::vector<std::string>{"30 - [2] [102] [2]", "60 - - [102] [5]"}));
}

TEST_F(NastyStore, SamplingWithAndWithoutFill) {
  auto q = Frames();
  q.using_index_values = std::vector<int64_t>{0, 15, 30, 45, 60, 75, 90};
  EXPECT_EQ(Run(q), (std::vector<std::string>{"0 - - [102] -", "15 - - [102] -", "30 - [2] [102] [2]",
                                              "45 - - [102] -", "60 - - [102] [5]", "75 - - [102] -",
                                              "90 - - [102] -"}));
  q.fill_latest_at = true;
  EXPECT_EQ(Run(q), (std::vector<std::string>{"0 - - [102] -", "15 10 - [102] [0]", "30 - [2] [102] [2]",
                                              "45 - [3] [102] [3]", "60 - [4] [102] [5]", "75 70 [6] [102] [8]",
                                              "90 70 [6] [102] [8]"}));
}

TEST_F(NastyStore, FillWithoutSampling) {
  auto q = Frames();
  q.fill_latest_at = true;
  EXPECT_EQ(Run(q)[5], "60 - [4] [102] [5]");
}

TEST_F(NastyStore, PointOfView) {
  auto q = Frames();
  q.filtered_is_not_null = "/this/that:example.MyPoints:colors";
  EXPECT_EQ(Run(q), (std::vector<std::string>{"30 - [2] [102] [2]", "40 - [3] [102] [3]", "50 50 [4] [102] [4]",
                                              "70 70 [6] [102] [8]"}));
  q.filtered_is_not_null = "/nope:example.MyPoints:colors";
  EXPECT_TRUE(Run(q).empty());
}

TEST_F(NastyStore, ViewWithoutPointsLosesItsLogTime) {
  auto q = Frames();
  q.contents = {{"/**", std::vector<std::string>{"example.MyPoints:colors", "example.MyPoints:labels"}}};
  EXPECT_EQ(Run(q), (std::vector<std::string>{"30 - [2] [102]", "40 - [3] [102]", "50 - [4] [102]", "70 - [6] [102]"}));
  q.contents = {{"/**", std::vector<std::string>{}}};
  EXPECT_TRUE(Run(q).empty());
}

TEST_F(NastyStore, UnknownNamesAreErrors) {
  auto q = Frames();
  q.index = "nope";
  auto r = Execute(store_, q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("frame_nr"), std::string::npos);
  q = Frames();
  q.selection = std::vector<std::string>{"/this/that:nope"};
  r = Execute(store_, q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/this/that:example.MyPoints:points"), std::string::npos);
}

TEST_F(NastyStore, SmallBatchesGiveTheSameRows) {
  auto q = Frames();
  q.fill_latest_at = true;
  auto whole = Run(q);
  q.batch_rows = 2;
  EXPECT_EQ(Run(q), whole);
}

// A lazy store over a file decodes only the chunks a query needs.
TEST(LazyStore, DecodesOnlyOverlappingChunks) {
  const std::string path = ::testing::TempDir() + "/lazy_store_test.rrd";
  {
    auto writer = rrd::RrdWriter::Open(path).ValueOrDie();
    StoreId store{StoreKind::kRecording, "test", "lazy"};
    ASSERT_TRUE(writer->WriteStoreInfo(store).ok());
    for (int c = 0; c < 10; ++c) {
      std::vector<int64_t> t;
      std::vector<Cell> v;
      for (int i = 0; i < 100; ++i) {
        t.push_back(c * 100 + i);
        v.push_back(std::vector<int64_t>{c * 100 + i});
      }
      auto chunk = ChunkBuilder("/signal").AddIndex(kFrame, t).AddComponent(Desc("points"), Lists(v)).Build().ValueOrDie();
      ASSERT_TRUE(writer->WriteChunk(store, *chunk).ok());
    }
    ASSERT_TRUE(writer->Close().ok());
  }
  auto store = ChunkStore::Open(path).ValueOrDie();
  EXPECT_EQ(store->num_chunks(), 10u);
  EXPECT_EQ(store->num_loaded(), 0u);
  QueryExpression q;
  q.index = "frame_nr";
  q.range = {{420, 450}};
  auto reader = Execute(store, q).ValueOrDie();
  auto table = arrow::Table::FromRecordBatchReader(reader.get()).ValueOrDie();
  EXPECT_EQ(table->num_rows(), 31);
  EXPECT_EQ(store->num_loaded(), 1u);
  // A fill from before the range needs the chunk that ends latest before it, and no other.
  q.range = {{1000, 1100}};
  q.using_index_values = std::vector<int64_t>{1050};
  q.fill_latest_at = true;
  reader = Execute(store, q).ValueOrDie();
  table = arrow::Table::FromRecordBatchReader(reader.get()).ValueOrDie();
  ASSERT_EQ(table->num_rows(), 1);
  auto cell = std::static_pointer_cast<arrow::ListScalar>(table->column(1)->GetScalar(0).ValueOrDie());
  const auto& values = static_cast<const arrow::Int64Array&>(*cell->value);
  ASSERT_EQ(values.length(), 1);
  EXPECT_EQ(values.Value(0), 999);
  EXPECT_EQ(store->num_loaded(), 2u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace chunkhouse::query
