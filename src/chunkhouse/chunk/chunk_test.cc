#include "chunkhouse/chunk/chunk.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "chunkhouse/chunk/sample.h"

namespace chunkhouse {
namespace {

std::shared_ptr<arrow::Array> ScalarList(const std::vector<std::optional<double>>& values) {
  arrow::ListBuilder list(arrow::default_memory_pool(), std::make_shared<arrow::DoubleBuilder>());
  auto* v = static_cast<arrow::DoubleBuilder*>(list.value_builder());
  for (const auto& x : values) {
    if (x) {
      EXPECT_TRUE(list.Append().ok());
      EXPECT_TRUE(v->Append(*x).ok());
    } else {
      EXPECT_TRUE(list.AppendNull().ok());
    }
  }
  return list.Finish().ValueOrDie();
}

const ComponentDescriptor kScalars{"rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"};

TEST(ChunkBuilder, BuildsCanonicalLayout) {
  auto chunk = ChunkBuilder("/plot")
                   .AddIndex({"frame", TimeType::kSequence}, {3, 1, 2})
                   .AddIndex({"a_time", TimeType::kDuration}, {10, 20, 30})
                   .AddComponent(kScalars, ScalarList({1.0, std::nullopt, 3.0}))
                   .Build();
  ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
  const Chunk& c = **chunk;
  EXPECT_EQ(c.entity_path(), "/plot");
  EXPECT_EQ(c.num_rows(), 3);
  EXPECT_FALSE(c.is_static());
  ASSERT_EQ(c.indexes().size(), 2u);
  EXPECT_EQ(c.indexes()[0].timeline.name, "a_time");  // sorted by name, as Rerun orders them
  EXPECT_TRUE(c.indexes()[0].is_sorted);
  EXPECT_FALSE(c.indexes()[1].is_sorted);
  auto range = c.TimeRangeOf(c.indexes()[1]);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->min, 1);
  EXPECT_EQ(range->max, 3);
  auto stats = c.ComponentStatsOn(c.indexes()[1], c.components()[0]);
  EXPECT_EQ(stats.num_rows, 2u);
  EXPECT_EQ(stats.range->min, 2);
  EXPECT_EQ(stats.range->max, 3);
  EXPECT_EQ(c.Summary(), "/plot rows=3 static=False timelines=['a_time', 'frame'] cols=['Scalars:scalars', 'a_time', 'frame']");
  // Re-parsing the batch gives the same chunk.
  auto again = Chunk::FromRecordBatch(c.batch());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->id(), c.id());
}

TEST(ChunkBuilder, RejectsMismatchedLengths) {
  auto chunk = ChunkBuilder("/plot")
                   .AddIndex({"frame", TimeType::kSequence}, {1, 2})
                   .AddComponent(kScalars, ScalarList({1.0}))
                   .Build();
  EXPECT_FALSE(chunk.ok());
}

std::shared_ptr<arrow::RecordBatch> Valid() {
  return ChunkBuilder("/plot")
      .AddIndex({"frame", TimeType::kSequence}, {1, 2})
      .AddComponent(kScalars, ScalarList({1.0, 2.0}))
      .Build()
      .ValueOrDie()
      ->batch();
}

TEST(ChunkParse, RejectsMissingIdAndPath) {
  auto b = Valid();
  auto no_id = b->ReplaceSchemaMetadata(b->schema()->metadata()->Copy());
  auto md = b->schema()->metadata()->Copy();
  ASSERT_TRUE(md->Delete("rerun:id").ok());
  auto r = Chunk::FromRecordBatch(b->ReplaceSchemaMetadata(md));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("rerun:id"), std::string::npos);
  md = b->schema()->metadata()->Copy();
  ASSERT_TRUE(md->Delete("rerun:entity_path").ok());
  r = Chunk::FromRecordBatch(b->ReplaceSchemaMetadata(md));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("entity_path"), std::string::npos);
}

TEST(ChunkParse, RejectsIndexAfterDataAndBadTimeTypes) {
  auto b = Valid();
  // Swap index and data columns.
  auto swapped = arrow::RecordBatch::Make(
      arrow::schema({b->schema()->field(0), b->schema()->field(2), b->schema()->field(1)}, b->schema()->metadata()),
      b->num_rows(), {b->column(0), b->column(2), b->column(1)});
  auto r = Chunk::FromRecordBatch(swapped);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("after a component column"), std::string::npos);

  auto f = b->schema()->field(1);
  auto int32_values = arrow::MakeArrayFromScalar(arrow::Int32Scalar(1), 2).ValueOrDie();
  auto bad = arrow::RecordBatch::Make(
      arrow::schema({b->schema()->field(0), arrow::field("frame", arrow::int32(), true, f->metadata()), b->schema()->field(2)},
                    b->schema()->metadata()),
      b->num_rows(), {b->column(0), int32_values, b->column(2)});
  r = Chunk::FromRecordBatch(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unsupported time type"), std::string::npos);
}

TEST(ChunkParse, WrapsBareDataColumnsIntoLists) {
  auto b = Valid();
  auto values = arrow::MakeArrayFromScalar(arrow::DoubleScalar(4.5), 2).ValueOrDie();
  auto f = b->schema()->field(2);
  auto bare = arrow::RecordBatch::Make(
      arrow::schema({b->schema()->field(0), b->schema()->field(1), arrow::field(f->name(), arrow::float64(), true, f->metadata())},
                    b->schema()->metadata()),
      b->num_rows(), {b->column(0), b->column(1), values});
  auto r = Chunk::FromRecordBatch(bare);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& col = (*r)->column((*r)->components()[0].column);
  ASSERT_EQ(col.type_id(), arrow::Type::LIST);
  EXPECT_EQ(static_cast<const arrow::ListArray&>(col).value_length(1), 1);
}

TEST(ChunkParse, MigratesDottedLegacyKeys) {
  // A 0.23-style chunk: dotted keys, (archetype, archetype_field, component type) triple.
  auto rowid_md = arrow::key_value_metadata({"rerun.kind"}, {"control"});
  auto time_md = arrow::key_value_metadata({"rerun.kind", "rerun.index_name"}, {"time", "frame"});
  auto data_md = arrow::key_value_metadata({"rerun.kind", "rerun.archetype", "rerun.archetype_field", "rerun.component"},
                                           {"data", "rerun.archetypes.Scalar", "scalar", "rerun.components.Scalar"});
  auto ind_md = arrow::key_value_metadata({"rerun.kind", "rerun.component"}, {"data", "rerun.components.ScalarIndicator"});
  auto v = Valid();
  auto schema = arrow::schema({arrow::field("rerun.controls.RowId", arrow::fixed_size_binary(16), false, rowid_md),
                               arrow::field("frame", arrow::int64(), true, time_md),
                               arrow::field("rerun.components.ScalarIndicator", arrow::null(), true, ind_md),
                               arrow::field("scalar", v->schema()->field(2)->type(), true, data_md)},
                              arrow::key_value_metadata({"rerun.id", "rerun.entity_path", "rerun.version"},
                                                        {"chunk_18ADB01AAB2B67180303b8f89742a487", "/old", "1"}));
  auto nulls = arrow::MakeArrayOfNull(arrow::null(), 2).ValueOrDie();
  auto batch = arrow::RecordBatch::Make(schema, 2, {v->column(0), v->column(1), nulls, v->column(2)});
  auto r = Chunk::FromRecordBatch(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Chunk& c = **r;
  EXPECT_EQ(c.entity_path(), "/old");
  ASSERT_EQ(c.components().size(), 1u);  // the indicator is dropped
  EXPECT_EQ(c.components()[0].descriptor.component, "Scalars:scalars");
  EXPECT_EQ(c.components()[0].descriptor.archetype, "rerun.archetypes.Scalars");
  EXPECT_EQ(c.components()[0].descriptor.component_type, "rerun.components.Scalar");
  ASSERT_EQ(c.indexes().size(), 1u);
  EXPECT_EQ(c.indexes()[0].timeline.name, "frame");
}

TEST(Sample, HasStaticAndTemporalChunks) {
  auto chunks = MakeSampleRecording(20);
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  int statics = 0;
  for (const auto& c : *chunks) statics += c->is_static();
  EXPECT_EQ(statics, 1);
  EXPECT_EQ((*chunks)[0]->num_rows(), 20);
}

}  // namespace
}  // namespace chunkhouse
