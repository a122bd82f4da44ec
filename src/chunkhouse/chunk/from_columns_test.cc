#include "chunkhouse/chunk/from_columns.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/chunk/from_dataframe.h"

namespace chunkhouse {
namespace {

std::shared_ptr<arrow::Array> Ints(const std::vector<int64_t>& v) {
  arrow::Int64Builder b;
  EXPECT_TRUE(b.AppendValues(v).ok());
  return b.Finish().ValueOrDie();
}

std::shared_ptr<arrow::Array> Doubles(const std::vector<double>& v) {
  arrow::DoubleBuilder b;
  EXPECT_TRUE(b.AppendValues(v).ok());
  return b.Finish().ValueOrDie();
}

const ComponentDescriptor kValue{"Imu", "Imu:value", std::nullopt};

std::vector<int64_t> Times(const Chunk& c, const std::string& name) {
  const auto* ic = c.FindIndex(name);
  EXPECT_NE(ic, nullptr);
  const int64_t* v = c.time_values(*ic);
  return {v, v + c.num_rows()};
}

TEST(ChunkFromColumns, SortsRowsByTimeInTimelineNameOrderThenMintsSequentialRowIds) {
  // "a" is compared first (name order), ties broken by "b"; equal (a, b) rows keep their order.
  auto chunk = ChunkFromColumns("robots//arm/", {{"b", Ints({2, 1, 0, 5})}, {"a", Ints({1, 1, 0, 1})}},
                                {{kValue, Doubles({10, 11, 12, 13})}});
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  const Chunk& c = **chunk;
  EXPECT_EQ(c.entity_path(), "/robots/arm");
  EXPECT_EQ(Times(c, "a"), (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(Times(c, "b"), (std::vector<int64_t>{0, 1, 2, 5}));
  const auto& values = static_cast<const arrow::ListArray&>(c.column(c.components()[0].column));
  EXPECT_EQ(values.value_type()->id(), arrow::Type::DOUBLE);  // wrapped: one value per row
  EXPECT_EQ(values.values()->ToString(), Doubles({12, 11, 10, 13})->ToString());
  EXPECT_TRUE(c.row_ids_sorted());
  for (int64_t r = 0; r < c.num_rows(); ++r) {
    EXPECT_EQ(c.row_id(r).time_ns, c.id().time_ns);
    EXPECT_EQ(c.row_id(r).inc, c.id().inc + 1 + static_cast<uint64_t>(r));
  }
}

TEST(ChunkFromColumns, StaticWhenNoTimelinesAndLaterDuplicatesWin) {
  auto chunk = ChunkFromColumns("/s", {}, {{kValue, Doubles({1, 2})}, {kValue, Doubles({3, 4})}});
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  EXPECT_TRUE((*chunk)->is_static());
  EXPECT_EQ((*chunk)->num_columns(), 2);
  const auto& values = static_cast<const arrow::ListArray&>((*chunk)->column(1));
  EXPECT_EQ(values.values()->ToString(), Doubles({3, 4})->ToString());
}

TEST(ChunkFromColumns, RerunsMessages) {
  auto bad_type = ChunkFromColumns("/e", {{"t", Doubles({1})}}, {{kValue, Doubles({1})}});
  EXPECT_EQ(bad_type.status().message(),
            "Error converting temporal data: Detected malformed chunk: Invalid data_type for timeline: t");
  arrow::Int64Builder with_null;
  ASSERT_TRUE(with_null.AppendNull().ok());
  auto nulls = ChunkFromColumns("/e", {{"t", with_null.Finish().ValueOrDie()}}, {{kValue, Doubles({1})}});
  EXPECT_EQ(nulls.status().message(),
            "Error converting temporal data: Detected malformed chunk: Invalid timeline t: Time columns had nulls, "
            "but should be dense");
  auto no_rows = ChunkFromColumns("/e", {{"t", Ints({1, 2})}}, {});
  EXPECT_EQ(no_rows.status().message(),
            "Detected malformed chunk: All timelines in a chunk must have the same number of timestamps, matching the "
            "number of row IDs. Found 0 row IDs but 2 timestamps for timeline 't'");
  ComponentDescriptor unnamed = kValue;
  unnamed.component.clear();
  EXPECT_EQ(ChunkFromColumns("/e", {}, {{unnamed, Doubles({1})}}).status().message(),
            "Invalid `ComponentIdentifier`: must not be empty");
}

TEST(ChunkFromProperty, OneStaticRowHoldingEachBatchWhole) {
  auto chunk = ChunkFromProperty("a/b", {{ComponentDescriptor{std::nullopt, "gains", std::nullopt}, Doubles({1, 2, 3})}});
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  EXPECT_EQ((*chunk)->entity_path(), "/__properties/a\\/b");
  EXPECT_TRUE((*chunk)->is_static());
  EXPECT_EQ((*chunk)->num_rows(), 1);
  const auto& row = static_cast<const arrow::ListArray&>((*chunk)->column(1));
  EXPECT_EQ(row.value_length(0), 3);
}

std::shared_ptr<arrow::RecordBatch> Frame(std::vector<std::shared_ptr<arrow::Field>> fields, arrow::ArrayVector cols,
                                          std::shared_ptr<arrow::KeyValueMetadata> md = nullptr) {
  return arrow::RecordBatch::Make(arrow::schema(fields, md), cols[0]->length(), cols);
}

TEST(ChunksFromDataframeBatch, OneChunkPerEntityInFirstSeenOrder) {
  auto index_md = meta::Make({"rerun:kind"}, {"index"});
  auto batch = Frame({arrow::field("t", arrow::int64(), true, index_md), arrow::field("/b:c", arrow::float64()),
                      arrow::field("/a:Arch:c", arrow::float64()), arrow::field("plain", arrow::float64())},
                     {Ints({2, 1}), Doubles({1, 2}), Doubles({3, 4}), Doubles({5, 6})});
  auto chunks = ChunksFromDataframeBatch(batch, {}, std::string("world"));
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  ASSERT_EQ(chunks->size(), 3u);
  EXPECT_EQ((*chunks)[0]->entity_path(), "/b");
  EXPECT_EQ((*chunks)[0]->components()[0].descriptor.component, "c");
  EXPECT_EQ((*chunks)[1]->entity_path(), "/a");
  EXPECT_EQ((*chunks)[1]->components()[0].descriptor.component, "Arch:c");
  EXPECT_EQ((*chunks)[2]->entity_path(), "/world");
  EXPECT_EQ(Times(*(*chunks)[0], "t"), (std::vector<int64_t>{2, 1}));  // rows keep their order
}

TEST(ChunksFromDataframeBatch, RerunsErrors) {
  auto plain = Frame({arrow::field("x", arrow::int64())}, {Ints({1, 2})});
  EXPECT_EQ(ChunksFromDataframeBatch(plain, {}, std::nullopt).status().message(),
            "The record batch carries no index column, so it cannot be unambiguously interpreted as temporal or "
            "static. Pass `index=<column>` for temporal data or `index=None` for static data.");
  DataframeIndex nope{DataframeIndex::Mode::kColumns, {"nope"}};
  EXPECT_EQ(ChunksFromDataframeBatch(plain, nope, std::nullopt).status().message(),
            "The requested index column \"nope\" is not present in the record batch.");
  DataframeIndex x{DataframeIndex::Mode::kColumns, {"x"}};
  EXPECT_EQ(ChunksFromDataframeBatch(plain, x, std::nullopt).status().message(),
            "The record batch contains no component columns, so there is nothing to log.");
  auto micros = Frame({arrow::field("t", arrow::timestamp(arrow::TimeUnit::MICRO)), arrow::field("v", arrow::int64())},
                      {arrow::MakeArrayOfNull(arrow::timestamp(arrow::TimeUnit::MICRO), 1).ValueOrDie(), Ints({1})});
  DataframeIndex t{DataframeIndex::Mode::kColumns, {"t"}};
  EXPECT_EQ(ChunksFromDataframeBatch(micros, t, std::nullopt).status().message(), "Unsupported time type: Timestamp(µs)");
  DataframeIndex stat{DataframeIndex::Mode::kStatic, {}};
  auto statics = ChunksFromDataframeBatch(plain, stat, std::nullopt);
  ASSERT_TRUE(statics.ok());
  EXPECT_TRUE((*statics)[0]->is_static());
  EXPECT_EQ((*statics)[0]->num_rows(), 2);
}

}  // namespace
}  // namespace chunkhouse
