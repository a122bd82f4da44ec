#include "chunkhouse/base/type_text.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

namespace chunkhouse {
namespace {

// Expected texts are those rerun-sdk 0.36.2 (arrow-rs 58) printed for the same types.
TEST(TypeText, Display) {
  EXPECT_EQ(TypeDisplay(*arrow::int64()), "Int64");
  EXPECT_EQ(TypeDisplay(*arrow::fixed_size_binary(16)), "FixedSizeBinary(16)");
  EXPECT_EQ(TypeDisplay(*arrow::timestamp(arrow::TimeUnit::NANO)), "Timestamp(ns)");
  EXPECT_EQ(TypeDisplay(*arrow::timestamp(arrow::TimeUnit::MICRO)), "Timestamp(\xC2\xB5s)");
  EXPECT_EQ(TypeDisplay(*arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")), "Timestamp(ms, \"UTC\")");
  EXPECT_EQ(TypeDisplay(*arrow::duration(arrow::TimeUnit::NANO)), "Duration(ns)");
  EXPECT_EQ(TypeDisplay(*arrow::decimal128(10, 2)), "Decimal128(10, 2)");
  EXPECT_EQ(TypeDisplay(*arrow::month_day_nano_interval()), "Interval(MonthDayNano)");
  EXPECT_EQ(TypeDisplay(*arrow::list(arrow::int64())), "List(Int64)");
  EXPECT_EQ(TypeDisplay(*arrow::list(arrow::field("item", arrow::int64(), false))), "List(non-null Int64)");
  EXPECT_EQ(TypeDisplay(*arrow::list(arrow::field("x", arrow::int64()))), "List(Int64, field: 'x')");
  EXPECT_EQ(TypeDisplay(*arrow::large_list(arrow::field("el", arrow::int64(), false))),
            "LargeList(non-null Int64, field: 'el')");
  EXPECT_EQ(TypeDisplay(*arrow::large_list(
                arrow::field("el", arrow::int64(), true, arrow::key_value_metadata({"k"}, {"v"})))),
            "LargeList(Int64, field: 'el', metadata: {\"k\": \"v\"})");
  EXPECT_EQ(TypeDisplay(*arrow::list(arrow::list(arrow::utf8()))), "List(List(Utf8))");
  EXPECT_EQ(TypeDisplay(*arrow::fixed_size_list(arrow::int64(), 3)), "FixedSizeList(3 x Int64)");
  EXPECT_EQ(TypeDisplay(*arrow::fixed_size_list(arrow::field("x", arrow::int64(), false), 3)),
            "FixedSizeList(3 x non-null Int64, field: 'x')");
  EXPECT_EQ(TypeDisplay(*arrow::struct_({arrow::field("x", arrow::float64(), false), arrow::field("y", arrow::float64())})),
            "Struct(\"x\": non-null Float64, \"y\": Float64)");
  EXPECT_EQ(TypeDisplay(*arrow::struct_({})), "Struct()");
  EXPECT_EQ(TypeDisplay(*arrow::struct_({arrow::field("a", arrow::int64(), true, arrow::key_value_metadata({"m"}, {"1"}))})),
            "Struct(\"a\": Int64, metadata: {\"m\": \"1\"})");
  EXPECT_EQ(TypeDisplay(*arrow::map(arrow::utf8(), arrow::int64())),
            "Map(\"entries\": non-null Struct(\"key\": non-null Utf8, \"value\": Int64), unsorted)");
  EXPECT_EQ(TypeDisplay(*arrow::dense_union({arrow::field("a", arrow::int64())})), "Union(Dense, 0: (\"a\": Int64))");
  EXPECT_EQ(TypeDisplay(*arrow::dictionary(arrow::int32(), arrow::utf8())), "Dictionary(Int32, Utf8)");
}

TEST(TypeText, Debug) {
  EXPECT_EQ(TypeDebug(*arrow::large_list(arrow::int64())), "LargeList(Field { data_type: Int64, nullable: true })");
  EXPECT_EQ(TypeDebug(*arrow::fixed_size_list(arrow::int32(), 2)),
            "FixedSizeList(Field { data_type: Int32, nullable: true }, 2)");
  EXPECT_EQ(TypeDebug(*arrow::struct_({arrow::field("a", arrow::int64())})),
            "Struct([Field { name: \"a\", data_type: Int64, nullable: true }])");
  EXPECT_EQ(TypeDebug(*arrow::timestamp(arrow::TimeUnit::NANO)), "Timestamp(Nanosecond, None)");
  EXPECT_EQ(TypeDebug(*arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")), "Timestamp(Millisecond, Some(\"UTC\"))");
  EXPECT_EQ(TypeDebug(*arrow::large_list(arrow::field("el", arrow::int64(), false))),
            "LargeList(Field { name: \"el\", data_type: Int64 })");
  EXPECT_EQ(TypeDebug(*arrow::struct_({arrow::field("a", arrow::struct_({arrow::field("b", arrow::float32(), false)}))})),
            "Struct([Field { name: \"a\", data_type: Struct([Field { name: \"b\", data_type: Float32 }]), nullable: true }])");
}

// As the wheel prints them in "expected a ListArray, got ..." and "cannot contain a null bitmask".
TEST(TypeText, DebugOfMapUnionAndRunEnd) {
  EXPECT_EQ(TypeDebug(*arrow::map(arrow::int64(), arrow::int64())),
            "Map(Field { name: \"entries\", data_type: Struct([Field { name: \"key\", data_type: Int64 }, Field { name: "
            "\"value\", data_type: Int64, nullable: true }]) }, false)");
  EXPECT_EQ(TypeDebug(*arrow::sparse_union({arrow::field("0", arrow::int64()), arrow::field("1", arrow::utf8())})),
            "Union([(0, Field { name: \"0\", data_type: Int64, nullable: true }), (1, Field { name: \"1\", data_type: "
            "Utf8, nullable: true })], Sparse)");
  EXPECT_EQ(TypeDebug(*arrow::run_end_encoded(arrow::int32(), arrow::utf8())),
            "RunEndEncoded(Field { name: \"run_ends\", data_type: Int32 }, Field { name: \"values\", data_type: Utf8, "
            "nullable: true })");
}

TEST(TypeText, RustDebugString) {
  EXPECT_EQ(RustDebugString("b"), "\"b\"");
  EXPECT_EQ(RustDebugString("a\"\\\n\t\r"), "\"a\\\"\\\\\\n\\t\\r\"");
  EXPECT_EQ(RustDebugString("a\x01" "c\xC3\xA9\xE2\x80\x8B"), "\"a\\u{1}c\xC3\xA9\\u{200b}\"");
}

}  // namespace
}  // namespace chunkhouse
