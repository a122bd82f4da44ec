#include "chunkhouse/base/ids.h"

#include <gtest/gtest.h>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/time.h"

namespace chunkhouse {

TEST(Tuid, BytesAreBigEndianAndSortLikeValues) {
  Tuid a{0x0102030405060708, 0x1112131415161718};
  uint8_t b[16];
  a.ToBytes(b);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(b[7], 0x08);
  EXPECT_EQ(b[8], 0x11);
  EXPECT_EQ(Tuid::FromBytes(b), a);
}

TEST(Tuid, StringFormRoundTrips) {
  Tuid a{0x18ADB01AAB2B6718, 0x0303b8f89742a487};
  EXPECT_EQ(a.ToString(), "18ADB01AAB2B67180303b8f89742a487");
  EXPECT_EQ(ChunkIdString(a), "chunk_18ADB01AAB2B67180303b8f89742a487");
  auto parsed = Tuid::Parse("chunk_18ADB01AAB2B67180303b8f89742a487", "chunk");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, a);
  EXPECT_TRUE(Tuid::Parse("18adb01aab2b67180303b8f89742a487", "chunk").ok());
  EXPECT_FALSE(Tuid::Parse("row_18ADB01AAB2B67180303b8f89742a487", "chunk").ok());
  EXPECT_FALSE(Tuid::Parse("chunk_18ADB01AAB2B67180303b8f89742a48", "chunk").ok());
  EXPECT_FALSE(Tuid::Parse("chunk_18ADB01AAB2B67180303b8f89742a48g", "chunk").ok());
}

TEST(Tuid, NewIdsIncrease) {
  Tuid prev = Tuid::New();
  for (int i = 0; i < 1000; ++i) {
    Tuid next = Tuid::New();
    EXPECT_LT(prev, next);
    prev = next;
  }
}

TEST(Descriptor, ShortNamesAndFieldNames) {
  ComponentDescriptor d{"rerun.archetypes.Points3D", "Points3D:positions", "rerun.components.Position3D"};
  EXPECT_EQ(d.ArchetypeShortName(), "Points3D");
  EXPECT_EQ(d.FieldName(), "positions");
  ComponentDescriptor custom{"example.MyPoints", "example.MyPoints:colors", std::nullopt};
  EXPECT_EQ(custom.ArchetypeShortName(), "example.MyPoints");
  EXPECT_EQ(custom.FieldName(), "colors");
  ComponentDescriptor bare{std::nullopt, "my_index", std::nullopt};
  EXPECT_EQ(bare.FieldName(), "my_index");
  EXPECT_LT(bare, d);  // absent archetype sorts first
}

TEST(Time, Formatting) {
  EXPECT_EQ(FormatTime(TimeType::kSequence, 42), "42");
  EXPECT_EQ(FormatTime(TimeType::kDuration, 1'500'000'000), "1.500000000s");
  EXPECT_EQ(FormatTime(TimeType::kDuration, -1'500'000'000), "-1.500000000s");
  EXPECT_EQ(FormatTime(TimeType::kTimestamp, 6), "1970-01-01T00:00:00.000000006Z");
}

}  // namespace chunkhouse
