#include "chunkhouse/base/status.h"

#include <arrow/type.h>
#include <arrow/util/io_util.h>
#include <gtest/gtest.h>

#include <cerrno>

#include "chunkhouse/base/sorbet.h"

namespace chunkhouse {
namespace {

TEST(Status, KindsSurviveContextAndKeepArrowCodes) {
  Status st = NotFound("no dataset named '{}'", "x");
  EXPECT_TRUE(st.IsKeyError());  // Arrow's own checks still work
  EXPECT_EQ(KindOf(st), ErrorKind::kNotFound);
  Status wrapped = st.WithMessage("while listing: " + st.message());
  EXPECT_EQ(KindOf(wrapped), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(ParseError("f.rrd", 12, "bad")), ErrorKind::kDataLoss);
  EXPECT_EQ(ParseError("f.rrd", 12, "bad").message(), "f.rrd: at byte 12: bad");
  EXPECT_EQ(KindOf(WithKind(st, ErrorKind::kInternal)), ErrorKind::kInternal);
}

TEST(Status, ArrowStatusesWithoutADetailGetAKindFromTheirCode) {
  EXPECT_EQ(KindOf(Status::Invalid("x")), ErrorKind::kInvalidArgument);
  EXPECT_EQ(KindOf(Status::KeyError("x")), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(Status::SerializationError("x")), ErrorKind::kDataLoss);
  EXPECT_EQ(KindOf(Status::UnknownError("x")), ErrorKind::kInternal);
  EXPECT_EQ(KindOf(arrow::internal::IOErrorFromErrno(ENOENT, "open")), ErrorKind::kNotFound);
  EXPECT_EQ(KindOf(arrow::internal::IOErrorFromErrno(EACCES, "open")), ErrorKind::kPermissionDenied);
  EXPECT_EQ(ErrnoOf(arrow::internal::IOErrorFromErrno(ENOENT, "open")), ENOENT);
  EXPECT_EQ(ErrnoOf(MakeError(ErrorKind::kNotFound, "gone", ENOENT)), ENOENT);
}

TEST(Status, QuoteBoundsAndEscapesEchoes) {
  std::string huge(1'000'000, 'a');
  std::string q = Quote(huge);
  EXPECT_LT(q.size(), 300u);
  EXPECT_NE(q.find("1000000 bytes in all"), std::string::npos);
  EXPECT_EQ(Quote(std::string("a\0b\n", 4)), "a\\x00b\\x0a");
}

TEST(Sorbet, ColumnNamesAndPropertiesFollowRerun) {
  EXPECT_EQ(sorbet::ColumnName(EntityPath::Parse("/world/points"), "Points3D:positions"), "/world/points:Points3D:positions");
  EXPECT_EQ(sorbet::ColumnName(EntityPath::Parse("/__properties"), "RecordingInfo:name"), "property:RecordingInfo:name");
  EXPECT_EQ(sorbet::ColumnName(EntityPath::Parse("/__properties/robot"), "Value"), "property:robot:Value");
  EXPECT_TRUE(sorbet::IsTombstone({"rerun.archetypes.Clear", "Clear:is_recursive", std::nullopt}));
  EXPECT_TRUE(sorbet::IsTombstone({std::nullopt, "Clear:is_recursive", std::nullopt}));
  EXPECT_FALSE(sorbet::IsTombstone({"rerun.archetypes.Points3D", "Points3D:positions", std::nullopt}));
}

TEST(Sorbet, ColumnsRoundTripThroughArrowFields) {
  sorbet::Schema schema;
  schema.timelines = {{"frame", TimeType::kSequence}, {"time", TimeType::kTimestamp}};
  sorbet::Column c;
  c.entity = EntityPath::Parse("/a/b");
  c.descriptor = {"rerun.archetypes.Points3D", "Points3D:positions", "rerun.components.Position3D"};
  c.type = arrow::list(arrow::float32());
  c.is_static = true;
  c.is_semantically_empty = false;
  schema.columns.push_back(c);
  auto arrow_schema = schema.ToArrow();
  ASSERT_EQ(arrow_schema->num_fields(), 4);  // RowId, two timelines, one column
  EXPECT_EQ(arrow_schema->field(3)->name(), "/a/b:Points3D:positions");
  auto back = sorbet::Schema::FromArrow(*arrow_schema, "test").ValueOrDie();
  ASSERT_EQ(back.timelines.size(), 2u);
  EXPECT_EQ(back.timelines[1].type, TimeType::kTimestamp);
  ASSERT_EQ(back.columns.size(), 1u);
  EXPECT_EQ(back.columns[0].ToField()->ToString(true), c.ToField()->ToString(true));
  EXPECT_TRUE(back.columns[0].is_static);
  EXPECT_FALSE(back.columns[0].is_semantically_empty);
  auto bad = arrow::schema({arrow::field("t", arrow::utf8(), true, meta::Make({"rerun:kind"}, {"index"}))});
  EXPECT_EQ(KindOf(sorbet::Schema::FromArrow(*bad, "x").status()), ErrorKind::kDataLoss);
}

}  // namespace
}  // namespace chunkhouse
