// ROS 2 definitions and CDR decoding: the cases the differential tests cannot reach (byte orders,
// hostile lengths, definitions that nest without end) and the parser's checks.
#include <arrow/array.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/ros2_msg.h"

namespace chunkhouse::mcap {
namespace {

const std::string kSep = "\n================================================================================\n";

std::vector<uint8_t> Le(std::initializer_list<uint8_t> payload) {
  std::vector<uint8_t> out(4 + payload.size(), 0);
  out[1] = 0x01;  // CDR, little-endian
  size_t i = 4;
  for (uint8_t b : payload) out[i++] = b;
  return out;
}

TEST(Ros2Msg, ParsesFieldsConstantsAndDependencies) {
  auto s = ros2::ParseSchema("pkg/msg/M", "int32 a  # comment\nstring<=5 b \"x#y\"\nuint8 K=3\nInner[<=2] c\n" + kSep +
                                               "MSG: pkg/Inner\nfloat64[3] v\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->spec.fields.size(), 3u);
  EXPECT_EQ(s->spec.fields[1].type.string_bound, 5u);
  EXPECT_EQ(s->spec.constants.size(), 1u);
  ASSERT_EQ(s->dependencies.size(), 1u);
  EXPECT_EQ(s->dependencies[0].name, "pkg/Inner");
  EXPECT_TRUE(s->CheckResolves().ok());
}

TEST(Ros2Msg, RefusesWhatRerunRefuses) {
  EXPECT_NE(ros2::ParseSchema("p/msg/M", "int32\n").status().message().find("missing name"), std::string::npos);
  EXPECT_NE(ros2::ParseSchema("p/msg/M", "int32 lower=1\n").status().message().find("constant name"), std::string::npos);
  EXPECT_NE(ros2::ParseSchema("p/msg/M", "int32[] A=1\n").status().message().find("cannot be an array"),
            std::string::npos);
  EXPECT_NE(ros2::ParseSchema("p/msg/M", "bool b maybe\n").status().message().find("bool literal"), std::string::npos);
  EXPECT_NE(ros2::ParseSchema("p/msg/M", "int32[x] a\n").status().message().find("array size"), std::string::npos);
  auto unresolved = ros2::ParseSchema("p/msg/M", "Gone g\n");
  ASSERT_TRUE(unresolved.ok());
  EXPECT_NE(unresolved->CheckResolves().message().find("Relative ROS type `Gone`"), std::string::npos);
}

TEST(Ros2Msg, EnumLikeAndEmptyMessages) {
  auto s = ros2::ParseSchema("p/msg/M", "Mode m\nEmpty e\n" + kSep + "MSG: p/Mode\nuint8 A=0\nuint8 B=1\n" + kSep +
                                            "MSG: p/Empty\n\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->dependencies[0].EnumLike(), ros2::Builtin::kUInt8);
  EXPECT_EQ(s->dependencies[1].fields.size(), 1u);  // structure_needs_at_least_one_member
  auto d = cdr::Decoder::Make(*s);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->type()->ToString(), "struct<m: uint8, e: struct<structure_needs_at_least_one_member: uint8>>");
}

TEST(Cdr, DecodesBothByteOrdersAndAlignsToEachSize) {
  auto s = ros2::ParseSchema("p/msg/M", "uint8 a\nfloat64 b\nstring c\nint16[] d\n");
  ASSERT_TRUE(s.ok());
  auto d = cdr::Decoder::Make(*s);
  ASSERT_TRUE(d.ok());
  double b = 1.5;
  uint8_t bytes[8];
  std::memcpy(bytes, &b, 8);
  std::vector<uint8_t> le = {0x00, 0x01, 0x00, 0x00, 7, 0, 0, 0, 0, 0, 0, 0};
  le.insert(le.end(), bytes, bytes + 8);
  for (uint8_t x : std::initializer_list<uint8_t>{3, 0, 0, 0, 'h', 'i', 0, 0, 1, 0, 0, 0, 0xFE, 0xFF}) le.push_back(x);
  std::vector<uint8_t> be = {0x00, 0x00, 0x00, 0x00, 7, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 7; i >= 0; --i) be.push_back(bytes[i]);
  for (uint8_t x : std::initializer_list<uint8_t>{0, 0, 0, 3, 'h', 'i', 0, 0, 0, 0, 0, 1, 0xFF, 0xFE}) be.push_back(x);
  std::optional<int64_t> stamp;
  ASSERT_TRUE((*d)->Append(le.data(), le.size(), &stamp).ok());
  ASSERT_TRUE((*d)->Append(be.data(), be.size(), &stamp).ok());
  auto finished = (*d)->Finish();
  ASSERT_TRUE(finished.ok());
  const auto& rows = *finished;
  EXPECT_EQ(rows->ToString(), R"(-- is_valid: all not null
-- child 0 type: uint8
  [
    7,
    7
  ]
-- child 1 type: double
  [
    1.5,
    1.5
  ]
-- child 2 type: string
  [
    "hi",
    "hi"
  ]
-- child 3 type: list<item: int16>
  [
    [
      -2
    ],
    [
      -2
    ]
  ])");
}

TEST(Cdr, ABadMessageAddsNothing) {
  auto s = ros2::ParseSchema("p/msg/M", "int32 a\nint32[] b\n");
  auto d = cdr::Decoder::Make(*s);
  ASSERT_TRUE(d.ok());
  std::optional<int64_t> stamp;
  auto claims_too_much = Le({1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F});  // a sequence of 2^31 int32s in 0 bytes
  EXPECT_FALSE((*d)->Append(claims_too_much.data(), claims_too_much.size(), &stamp).ok());
  auto cut = Le({1, 0, 0});
  EXPECT_FALSE((*d)->Append(cut.data(), cut.size(), &stamp).ok());
  auto xml = std::vector<uint8_t>{0x00, 0x04, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE((*d)->Append(xml.data(), xml.size(), &stamp).ok());
  auto good = Le({1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0});
  ASSERT_TRUE((*d)->Append(good.data(), good.size(), &stamp).ok());
  EXPECT_EQ((*d)->length(), 1);  // only the good one
}

TEST(Cdr, StampsComeFromTheHeader) {
  auto s = ros2::ParseSchema("p/msg/M", "std_msgs/Header header\n" + kSep +
                                            "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id\n" +
                                            kSep + "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
  auto d = cdr::Decoder::Make(*s);
  ASSERT_TRUE(d.ok());
  auto msg = Le({2, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0});
  std::optional<int64_t> stamp;
  ASSERT_TRUE((*d)->Append(msg.data(), msg.size(), &stamp).ok());
  EXPECT_EQ(stamp, 2000000005);
}

TEST(Cdr, DefinitionsThatNeverEndAreRefused) {
  // A message holding a fixed array of itself: no end to its type.
  auto s = ros2::ParseSchema("p/msg/M", "Loop[1] l\n" + kSep + "MSG: p/Loop\nLoop[1] again\n");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(cdr::Decoder::Make(*s).ok());
  // One that multiplies out: 2^20 fields once expanded.
  std::string text = "L0 a\nL0 b\n";
  for (int i = 0; i < 20; ++i) text += kSep + "MSG: p/L" + std::to_string(i) + "\nL" + std::to_string(i + 1) + " a\nL" + std::to_string(i + 1) + " b\n";
  text += kSep + "MSG: p/L20\nint8 x\n";
  auto wide = ros2::ParseSchema("p/msg/M", text);
  ASSERT_TRUE(wide.ok());
  EXPECT_FALSE(cdr::Decoder::Make(*wide).ok());
}

}  // namespace
}  // namespace chunkhouse::mcap
