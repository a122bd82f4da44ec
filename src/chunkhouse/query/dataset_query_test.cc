// Dataset queries: the columns Rerun's dataset reader returns, the chunk filter a server prunes
// with, one segment's rows, and the stacking of segments.
#include "chunkhouse/query/dataset_query.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

namespace chunkhouse::query {
namespace {

const Timeline kFrame{"frame", TimeType::kSequence};
const Timeline kTime{"time", TimeType::kTimestamp};

sorbet::Column Column(const std::string& entity, const std::string& component, bool is_static = false,
                      bool empty = false) {
  sorbet::Column c;
  c.entity = EntityPath::Parse(entity);
  c.descriptor = {"rerun.archetypes.Scalars", component, "rerun.components.Scalar"};
  c.type = arrow::list(arrow::int64());
  c.is_static = is_static;
  c.is_semantically_empty = empty;
  c.is_tombstone = sorbet::IsTombstone(c.descriptor);
  return c;
}

std::shared_ptr<arrow::Schema> DatasetSchema() {
  sorbet::Schema s;
  s.timelines = {kFrame, kTime};  // the output has them reversed, as Rerun's reader leaves them
  s.columns = {Column("/z", "Scalars:scalars"), Column("/a", "Scalars:scalars", /*is_static=*/true),
               Column("/a", "Scalars:empty", false, /*empty=*/true), Column("/a", "Clear:is_recursive"),
               Column("/__properties", "Scalars:scalars", true)};
  return s.ToArrow();
}

std::vector<std::string> Names(const arrow::Schema& schema) {
  std::vector<std::string> out;
  for (const auto& f : schema.fields()) out.push_back(f->name());
  return out;
}

TEST(DatasetColumns, FollowRerunsDatasetReader) {
  QueryExpression q;
  q.index = "frame";
  auto columns = DatasetColumns(*DatasetSchema(), q).ValueOrDie();
  // rerun_segment_id, timelines reversed (as Rerun's reader leaves them), then the view's columns
  // in the schema's order.
  EXPECT_EQ(Names(*columns), (std::vector<std::string>{"rerun_segment_id", "time", "frame", "/z:Scalars:scalars",
                                                        "/a:Scalars:scalars"}));
  EXPECT_FALSE(columns->field(0)->nullable());
  // The schema's own fields, metadata included.
  EXPECT_TRUE(columns->field(3)->Equals(*DatasetSchema()->GetFieldByName("/z:Scalars:scalars"), true));
  q.include_semantically_empty_columns = q.include_tombstone_columns = true;
  EXPECT_EQ(DatasetColumns(*DatasetSchema(), q).ValueOrDie()->num_fields(), 7);
  q.contents = {{"/** /__properties/**", std::nullopt}};
  EXPECT_EQ(DatasetColumns(*DatasetSchema(), q).ValueOrDie()->num_fields(), 8);
  q = {};  // static only: static columns
  EXPECT_EQ(Names(*DatasetColumns(*DatasetSchema(), q).ValueOrDie()),
            (std::vector<std::string>{"rerun_segment_id", "time", "frame", "/a:Scalars:scalars"}));
  q.index = "nope";
  auto unknown = DatasetColumns(*DatasetSchema(), q);
  EXPECT_EQ(unknown.status().message(), "unknown index 'nope': the dataset's timelines are frame, time");
  q.index = "frame";
  q.contents = {{"/wo*rld", std::nullopt}};
  EXPECT_EQ(KindOf(DatasetColumns(*DatasetSchema(), q).status()), ErrorKind::kInvalidArgument);
}

ChunkMeta Meta(std::optional<TimeRange> frames) {
  ChunkMeta m;
  m.is_static = !frames;
  if (frames) m.time_ranges = {{kFrame, *frames}};
  return m;
}

TEST(ChunkFilter, KeepsWhatAQueryCanNeed) {
  ChunkFilter none;
  EXPECT_TRUE(none.Keeps(Meta(TimeRange{0, 5}), "s"));
  ChunkFilter range;
  range.range = ChunkFilter::Range{"frame", 10, 20};
  EXPECT_TRUE(range.Keeps(Meta(TimeRange{5, 10}), "s"));
  EXPECT_FALSE(range.Keeps(Meta(TimeRange{0, 9}), "s"));
  EXPECT_FALSE(range.Keeps(Meta(TimeRange{21, 30}), "s"));
  EXPECT_TRUE(range.Keeps(Meta(std::nullopt), "s"));  // static chunks always
  range.latest_at = ChunkFilter::LatestAt{"frame", 10};
  EXPECT_TRUE(range.Keeps(Meta(TimeRange{0, 9}), "s"));  // may hold the value at the range's start
  ChunkFilter static_only;
  static_only.static_only = true;
  EXPECT_FALSE(static_only.Keeps(Meta(TimeRange{0, 9}), "s"));
  EXPECT_TRUE(static_only.Keeps(Meta(std::nullopt), "s"));
  ChunkFilter per_segment;
  per_segment.per_segment_timeline = "frame";
  per_segment.per_segment_largest = {{"a", 10}, {"b", std::nullopt}};
  EXPECT_TRUE(per_segment.Keeps(Meta(TimeRange{10, 50}), "a"));
  EXPECT_FALSE(per_segment.Keeps(Meta(TimeRange{11, 50}), "a"));
  EXPECT_FALSE(per_segment.Keeps(Meta(TimeRange{0, 1}), "b"));
  EXPECT_FALSE(per_segment.Keeps(Meta(TimeRange{0, 1}), "c"));

  DatasetQuery dq;
  dq.query.index = "frame";
  dq.query.range = {{3, 4}};
  dq.query.fill_latest_at = true;
  auto f = ChunkFilter::For(dq);
  ASSERT_TRUE(f.range && f.latest_at);
  EXPECT_EQ(f.latest_at->at, 3);
  dq.query.using_index_values = std::vector<int64_t>{1};
  EXPECT_FALSE(ChunkFilter::For(dq).range);  // values are clipped per segment: every chunk is needed
}

std::shared_ptr<Chunk> Frames(std::vector<int64_t> frames) {
  arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::Int64Builder>());
  for (int64_t f : frames) {
    EXPECT_TRUE(b.Append().ok());
    EXPECT_TRUE(static_cast<arrow::Int64Builder*>(b.value_builder())->Append(f * 10).ok());
  }
  return ChunkBuilder("/z").AddIndex(kFrame, frames).AddComponent(Column("/z", "Scalars:scalars").descriptor,
                                                                    b.Finish().ValueOrDie()).Build().ValueOrDie();
}

TEST(QuerySegment, ClipsValuesToTheSegmentAndFillsMissingColumnsWithNulls) {
  DatasetQuery dq;
  dq.query.index = "frame";
  dq.query.fill_latest_at = true;
  dq.query.using_index_values = std::vector<int64_t>{0, 5, 7, 100};
  auto columns = DatasetColumns(*DatasetSchema(), dq.query).ValueOrDie();
  auto part = QuerySegment("seg", {Frames({3, 6, 9})}, dq, columns).ValueOrDie();
  ASSERT_TRUE(part);
  // 0 and 100 lie outside the segment's frames 3..9: Rerun's reader drops them.
  EXPECT_EQ(part->num_rows(), 2);
  auto frame = part->GetColumnByName("frame")->chunk(0);
  EXPECT_EQ(frame->ToString(), arrow::json::ArrayFromJSONString(arrow::int64(), "[5, 7]").ValueOrDie()->ToString());
  EXPECT_EQ(part->GetColumnByName("rerun_segment_id")->chunk(0)->ToString(),
            arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["seg", "seg"])").ValueOrDie()->ToString());
  EXPECT_EQ(part->GetColumnByName("/a:Scalars:scalars")->null_count(), 2);  // the segment lacks it
  EXPECT_TRUE(part->schema()->Equals(*columns));
  // A segment without the index timeline has no rows; per-segment values name the segments.
  dq.query.index = "time";
  EXPECT_EQ(QuerySegment("seg", {Frames({3})}, dq, DatasetColumns(*DatasetSchema(), dq.query).ValueOrDie()).ValueOrDie(),
            nullptr);
  dq.query.index = "frame";
  dq.per_segment_values = std::map<std::string, std::vector<int64_t>>{{"other", {3}}};
  EXPECT_EQ(QuerySegment("seg", {Frames({3})}, dq, columns).ValueOrDie(), nullptr);
}

TEST(StackSegments, OneArrayPerColumnInPartOrder) {
  DatasetQuery dq;
  dq.query.index = "frame";
  auto columns = DatasetColumns(*DatasetSchema(), dq.query).ValueOrDie();
  auto a = QuerySegment("a", {Frames({1, 2})}, dq, columns).ValueOrDie();
  auto b = QuerySegment("b", {Frames({1})}, dq, columns).ValueOrDie();
  auto stacked = StackSegments({a, b}, columns).ValueOrDie();
  EXPECT_EQ(stacked->num_rows(), 3);
  for (const auto& c : stacked->columns()) EXPECT_EQ(c->num_chunks(), 1);
  EXPECT_EQ(stacked->GetColumnByName("rerun_segment_id")->chunk(0)->ToString(),
            arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["a", "a", "b"])").ValueOrDie()->ToString());
  EXPECT_EQ(StackSegments({}, columns).ValueOrDie()->num_rows(), 0);
}

}  // namespace
}  // namespace chunkhouse::query
