// Unit tests of the pieces behind Chunk.format(): the column width rule, wrapping, cutting,
// trimming and the value text, with the expectations the format notes derive from Rerun's
// behaviour (the golden tables are in format_golden_test.cc).
#include "chunkhouse/chunk/format.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "chunkhouse/chunk/format_table.h"
#include "chunkhouse/chunk/format_text.h"
#include "chunkhouse/chunk/format_values.h"

namespace chunkhouse {
namespace {

using format::CappedWidths;
using format::WrapLine;

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(array.ok()) << array.status().ToString();
  return *array;
}

std::string Text(const std::shared_ptr<arrow::Array>& array, int64_t i) {
  auto text = format::ValueText::Make(array);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? (*text)(i) : std::string();
}

TEST(FormatWidths, CapIsAShareOfTheWidthMinusBorders) {
  // W=240, n=3: U = floor(236 * 33 / 100) = 77, so at most 75 columns of content.
  EXPECT_EQ(CappedWidths({200, 10, 75}, 240), (std::vector<int>{75, 10, 75}));
  EXPECT_EQ(CappedWidths({200, 200}, 240), (std::vector<int>{116, 116}));        // U = 118
  EXPECT_EQ(CappedWidths(std::vector<int>(7, 99), 240), std::vector<int>(7, 30));  // U = 32
  EXPECT_EQ(CappedWidths(std::vector<int>(8, 99), 240), std::vector<int>(8, 25));  // U = 27
  EXPECT_EQ(CappedWidths({50, 50, 50}, 80), (std::vector<int>{23, 23, 23}));
  EXPECT_EQ(CappedWidths(std::vector<int>(5, 50), 60), std::vector<int>(5, 8));
  EXPECT_EQ(CappedWidths({50, 50}, 14), (std::vector<int>{3, 3}));
}

TEST(FormatWidths, NotEvenOneCharacterPerColumnGivesOneEach) {
  EXPECT_EQ(CappedWidths({50, 50}, 8), (std::vector<int>{1, 1}));  // 8 < 4n + 1
  EXPECT_EQ(CappedWidths({50, 50}, 0), (std::vector<int>{1, 1}));
  EXPECT_EQ(CappedWidths({50}, 4), (std::vector<int>{1}));
  EXPECT_EQ(CappedWidths({50}, 5), (std::vector<int>{1}));  // U = 3, so 1 column of content
  EXPECT_EQ(CappedWidths({50}, 6), (std::vector<int>{2}));
  EXPECT_EQ(CappedWidths(std::vector<int>(300, 9), 240), std::vector<int>(300, 1));  // floor(100/300) = 0 percent
  EXPECT_TRUE(CappedWidths({}, 240).empty());
}

TEST(FormatWrap, WordsAndSpaces) {
  EXPECT_EQ(WrapLine("ab cd ef", 5), (std::vector<std::string>{"ab cd", "ef"}));
  // A line is closed once it is wider than width - 2, even if the next word would fit.
  EXPECT_EQ(WrapLine("abcd e f", 6), (std::vector<std::string>{"abcd e", "f"}));
  EXPECT_EQ(WrapLine("abc def", 5), (std::vector<std::string>{"abc", "def"}));
  // Runs of spaces are kept inside a line; the empty word after a break is dropped.
  EXPECT_EQ(WrapLine("two  spaces  here  and", 12), (std::vector<std::string>{"two  spaces", "here  and"}));
}

TEST(FormatWrap, LongWordsAreCut) {
  EXPECT_EQ(WrapLine("aaaaaaaaaa", 4), (std::vector<std::string>{"aaaa", "aaaa", "aa"}));
  // The first piece fills what is left of the line when more than two columns are free.
  EXPECT_EQ(WrapLine("ab cdefghij", 7), (std::vector<std::string>{"ab cdef", "ghij"}));
  // A glyph wider than the column gets a line of its own.
  EXPECT_EQ(WrapLine("日本", 1), (std::vector<std::string>{"日", "本"}));
  // A combining mark stays with its letter.
  EXPECT_EQ(WrapLine("e\u0301e\u0301e\u0301", 2), (std::vector<std::string>{"e\u0301e\u0301", "e\u0301"}));
}

TEST(FormatText, DisplayWidth) {
  EXPECT_EQ(format::DisplayWidth("abc"), 3);
  EXPECT_EQ(format::DisplayWidth("日本"), 4);
  EXPECT_EQ(format::DisplayWidth("e\u0301"), 1);
  EXPECT_EQ(format::DisplayWidth("\t\r"), 2);  // controls count one column each
  EXPECT_EQ(format::DisplayWidth("a\u200bb"), 2);
  EXPECT_EQ(format::DisplayWidth("µ…é"), 3);
  EXPECT_EQ(format::DisplayWidth("\xff\xfe"), 2);  // invalid UTF-8: a column per byte, no crash
  // Emoji sequences unicode-width counts as one wide glyph (checked against rerun-sdk's tables).
  EXPECT_EQ(format::DisplayWidth("👍🏽"), 2);
  EXPECT_EQ(format::DisplayWidth("☝🏻"), 2);
  EXPECT_EQ(format::DisplayWidth("❤️"), 2);
  EXPECT_EQ(format::DisplayWidth("❤"), 1);
  EXPECT_EQ(format::DisplayWidth("#️⃣"), 2);
  EXPECT_EQ(format::DisplayWidth("👨‍👩‍👧"), 2);
  EXPECT_EQ(format::DisplayWidth("🇫🇷"), 2);
  EXPECT_EQ(format::DisplayWidth("لا"), 1);
  EXPECT_EQ(format::DisplayWidth("\u0644\u064E\u0627"), 1);
  EXPECT_EQ(format::DisplayWidth("🫨☰䷀𝌀"), 8);  // wide since Unicode 14
  EXPECT_EQ(format::CharCount("héllo"), 5u);
  EXPECT_EQ(format::FirstChars("héllo", 2), "hé");
  EXPECT_EQ(format::TrimWhitespace("\u3000 x y\t\n"), "x y");
}

TEST(FormatValues, Floats) {
  EXPECT_EQ(format::RyuText(1.0), "1.0");
  EXPECT_EQ(format::RyuText(1e15), "1000000000000000.0");
  EXPECT_EQ(format::RyuText(1e16), "1e16");
  EXPECT_EQ(format::RyuText(1e-5), "0.00001");
  EXPECT_EQ(format::RyuText(1e-6), "1e-6");
  EXPECT_EQ(format::RyuText(-2.5e-8), "-2.5e-8");
  EXPECT_EQ(format::RyuText(123456789.123), "123456789.123");
  EXPECT_EQ(format::RyuText(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(format::RyuText(-0.0), "-0.0");
  EXPECT_EQ(format::RyuText(0.1f), "0.1");
  EXPECT_EQ(format::RyuText(1e12f), "1000000000000.0");
  EXPECT_EQ(format::RyuText(1e13f), "1e13");
  EXPECT_EQ(format::RyuText(1e-6f), "0.000001");
  EXPECT_EQ(format::RyuText(1e-7f), "1e-7");
  EXPECT_EQ(format::RustFloatDisplay(1.0f), "1");
  EXPECT_EQ(format::RustFloatDisplay(65504.0f), "65504");
  EXPECT_EQ(format::RustFloatDisplay(-0.0f), "-0");
  EXPECT_EQ(format::RustFloatDisplay(5.9604645e-8f), "0.000000059604645");
  EXPECT_EQ(format::RustFloatDisplay(0.099975586f), "0.099975586");
}

TEST(FormatValues, TimesAndDurations) {
  EXPECT_EQ(format::NaiveDateTimeText(1000, 0), "1970-01-01T00:16:40");
  EXPECT_EQ(format::NaiveDateTimeText(-1, 999999999), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(format::NaiveDateTimeText(0, 500000000), "1970-01-01T00:00:00.500");
  EXPECT_EQ(format::NaiveDateTimeText(0, 1000), "1970-01-01T00:00:00.000001");
  EXPECT_EQ(format::NaiveDateTimeText(253402300800, 0), "+10000-01-01T00:00:00");
  EXPECT_EQ(format::NaiveDateTimeText(-62135596801, 0), "0000-12-31T23:59:59");
  EXPECT_EQ(format::DurationText(0, 0), "P0D");
  EXPECT_EQ(format::DurationText(-2, 500000000), "-PT1.5S");
  EXPECT_EQ(format::DurationText(-1, 999999999), "-PT0.000000001S");
  EXPECT_EQ(format::DurationText(86400, 0), "PT86400S");
  auto ts = Json(arrow::timestamp(arrow::TimeUnit::SECOND), "[4611686018427387904, 0]");
  EXPECT_EQ(Text(ts, 0), "ERROR: Cast error: Failed to convert 4611686018427387904 to datetime for Timestamp(s)");
  auto nested = Json(arrow::list(arrow::timestamp(arrow::TimeUnit::SECOND)), "[[0, 4611686018427387904, 1]]");
  EXPECT_EQ(Text(nested, 0),
            "[1970-01-01T00:00:00, ERROR: Cast error: Failed to convert 4611686018427387904 to datetime for "
            "Timestamp(s), 1970-01-01T00:00:01]");
  auto zoned = Json(arrow::timestamp(arrow::TimeUnit::MILLI, "America/New_York"), "[0, 1700000000000]");
  EXPECT_EQ(Text(zoned, 0), "1969-12-31T19:00:00-05:00");
  EXPECT_EQ(Text(zoned, 1), "2023-11-14T17:13:20-05:00");
  EXPECT_EQ(Text(Json(arrow::timestamp(arrow::TimeUnit::NANO, "-0930"), "[0]"), 0), "1969-12-31T14:30:00-09:30");
  EXPECT_EQ(Text(Json(arrow::timestamp(arrow::TimeUnit::NANO, "+00:00"), "[1]"), 0), "1970-01-01T00:00:00.000000001Z");
  auto bad = format::ValueText::Make(Json(arrow::timestamp(arrow::TimeUnit::NANO, "Foo/Bar"), "[0]"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "Parser error: Invalid timezone \"Foo/Bar\": failed to parse timezone");
  EXPECT_EQ(Text(Json(arrow::duration(arrow::TimeUnit::SECOND), "[9223372036854775807]"), 0), "<invalid>");
  EXPECT_EQ(Text(Json(arrow::time64(arrow::TimeUnit::MICRO), "[1500000]"), 0), "00:00:01.500");
  EXPECT_EQ(Text(Json(arrow::time32(arrow::TimeUnit::SECOND), "[86400]"), 0),
            "ERROR: Cast error: Failed to convert 86400 to temporal for Time32(s)");
  EXPECT_EQ(Text(Json(arrow::date32(), "[18263]"), 0), "2020-01-02");
  EXPECT_EQ(Text(Json(arrow::date64(), "[31536000000]"), 0), "1971-01-01T00:00:00");
}

TEST(FormatValues, OtherTypes) {
  EXPECT_EQ(Text(Json(arrow::decimal128(10, 3), R"(["1.000", "-0.001", "12.345"])"), 1), "-0.001");
  EXPECT_EQ(Text(Json(arrow::decimal128(10, 3), R"(["12.345"])"), 0), "12.345");
  EXPECT_EQ(Text(Json(arrow::decimal128(5, 2), R"(["-0.05"])"), 0), "-0.05");
  EXPECT_EQ(Text(Json(arrow::month_day_nano_interval(), "[[1, 2, 3]]"), 0), "1 mons 2 days 0.000000003 secs");
  EXPECT_EQ(Text(Json(arrow::month_day_nano_interval(), "[[0, 0, 0]]"), 0), "0 secs");
  EXPECT_EQ(Text(Json(arrow::month_interval(), "[14, -1]"), 0), "1 years 2 mons");
  EXPECT_EQ(Text(Json(arrow::month_interval(), "[14, -1]"), 1), "-1 years 11 mons");
  EXPECT_EQ(Text(Json(arrow::day_time_interval(), "[[1, 61500]]"), 0), "1 days 1 mins 1.500 secs");
  EXPECT_EQ(Text(Json(arrow::binary(), R"(["\u0001ab", ""])"), 0), "016162");
  EXPECT_EQ(Text(Json(arrow::map(arrow::utf8(), arrow::int32()), R"([[["a", 1], ["b", null]]])"), 0),
            "{a: 1, b: null}");
  auto dict = arrow::DictionaryArray::FromArrays(Json(arrow::int8(), "[1, 0, null]"),
                                                 Json(arrow::utf8(), R"(["x", "y"])"))
                  .ValueOrDie();
  EXPECT_EQ(Text(dict, 0), "y");
  EXPECT_EQ(Text(dict, 2), "null");
  auto un = arrow::SparseUnionArray::Make(*Json(arrow::int8(), "[0, 1]"),
                                          {Json(arrow::int32(), "[1, 2]"), Json(arrow::utf8(), R"(["a", "b"])")},
                                          std::vector<std::string>{"i", "s"})
                .ValueOrDie();
  EXPECT_EQ(Text(un, 0), "{i=1}");
  EXPECT_EQ(Text(un, 1), "{s=b}");
  auto ree = arrow::RunEndEncodedArray::Make(5, Json(arrow::int32(), "[2, 5]"), Json(arrow::utf8(), R"(["p", "q"])"))
                 .ValueOrDie();
  EXPECT_EQ(Text(ree, 1), "p");
  EXPECT_EQ(Text(ree->Slice(2), 0), "q");
  EXPECT_EQ(Text(Json(arrow::struct_({}), "[{}]"), 0), "{}");
  EXPECT_EQ(Text(Json(arrow::null(), "[null]"), 0), "null");
}

TEST(FormatValues, LongValuesStopEarlyButKeepTheirStart) {
  std::string json = "[[";
  for (int i = 0; i < 100000; ++i) json += (i ? ", " : "") + std::to_string(i % 10);
  json += "]]";
  auto text = format::ValueText::Make(Json(arrow::list(arrow::int32()), json), 404);
  ASSERT_TRUE(text.ok());
  std::string value = (*text)(0);
  EXPECT_LT(value.size(), 420u);
  EXPECT_EQ(value.substr(0, 10), "[0, 1, 2, ");
}

// A record batch as a chunk carries it: schema and field metadata, one TUID column.
std::shared_ptr<arrow::RecordBatch> Batch(arrow::FieldVector fields, arrow::ArrayVector columns,
                                          std::shared_ptr<arrow::KeyValueMetadata> md) {
  int64_t rows = columns.empty() ? 0 : columns[0]->length();
  return arrow::RecordBatch::Make(arrow::schema(std::move(fields), std::move(md)), rows, std::move(columns));
}

TEST(FormatTable, MetadataKeysAndNamesAreTrimmedInTurn) {
  auto fmd = arrow::key_value_metadata({"rerun:sorbet:x", "sorbet:rerun:y", " rerun:z", "ARROW:a"},
                                       {"rerun.components.rerun.archetypes.X", "rerun.rerun.v", "/path", "x"});
  auto batch = Batch({arrow::field("rerun.blueprint.components.Name", arrow::int64(), true, fmd)},
                     {Json(arrow::int64(), "[1]")}, arrow::key_value_metadata({"rerun:id"}, {"chunk_0"}));
  std::string out = FormatRecordBatch(*batch);
  EXPECT_NE(out.find("│ Name       "), std::string::npos) << out;
  EXPECT_NE(out.find("ARROW:a: x"), std::string::npos) << out;
  EXPECT_NE(out.find("z: /path"), std::string::npos) << out;
  EXPECT_NE(out.find("x: archetypes.X"), std::string::npos) << out;
  EXPECT_NE(out.find("rerun:y: v"), std::string::npos) << out;
  EXPECT_NE(out.find("* id: chunk_0"), std::string::npos) << out;
  FormatOptions raw;
  raw.trim_metadata_keys = false;
  raw.redact = true;
  out = FormatRecordBatch(*batch, raw);
  EXPECT_NE(out.find("* rerun:id: [**REDACTED**]"), std::string::npos) << out;
  EXPECT_NE(out.find("rerun:sorbet:x: archetypes.X"), std::string::npos) << out;
}

TEST(FormatTable, BodyCellsAreCutAtOneHundredCharacters) {
  std::string long_text(150, 'e');
  auto batch = Batch({arrow::field("s", arrow::utf8())}, {Json(arrow::utf8(), "[\"" + long_text + "\", \"ok\"]")},
                     nullptr);
  FormatOptions wide;
  wide.width = 1000;
  std::string out = FormatRecordBatch(*batch, wide);
  EXPECT_NE(out.find("│ " + std::string(99, 'e') + "… │"), std::string::npos) << out;
  // Without schema metadata there is no outer table.
  EXPECT_EQ(out.substr(0, out.find('\n')), "┌" + [] {
    std::string rule;
    for (int i = 0; i < 102; ++i) rule += "─";
    return rule;
  }() + "┐");
}

TEST(FormatTable, RowIdsFollowTheExtensionMetadata) {
  auto ids = Json(arrow::fixed_size_binary(16), R"(["0123456789abcdef"])");
  auto tuid = [](const std::string& md) {
    std::vector<std::string> keys = {"ARROW:extension:name"}, values = {"rerun.datatypes.TUID"};
    if (!md.empty()) {
      keys.push_back("ARROW:extension:metadata");
      values.push_back(md);
    }
    return arrow::key_value_metadata(keys, values);
  };
  auto cell = [&](const std::string& md, std::shared_ptr<arrow::Array> column = nullptr) {
    if (!column) column = ids;
    auto batch = Batch({arrow::field("id", column->type(), false, tuid(md))}, {column}, nullptr);
    std::string out = FormatRecordBatch(*batch);
    auto rule = out.find("╞");
    auto start = out.find("│ ", rule) + 4;  // "│ " is 4 bytes
    return out.substr(start, out.find(' ', start) - start);
  };
  EXPECT_EQ(cell(R"({"namespace":"row"})"), "row_3031323334353637" "3839616263646566");
  EXPECT_EQ(cell(R"( { "namespace" : "a\u00e9" , "x": "y" } )"), "aé_3031323334353637" "3839616263646566");
  EXPECT_EQ(cell(R"({"namespace":1})"), "3031323334353637" "3839616263646566");
  EXPECT_EQ(cell(""), "3031323334353637" "3839616263646566");
  // Legacy lists of ids show their first id; an empty list is not an id.
  auto lists = Json(arrow::list(arrow::fixed_size_binary(16)), R"([["0123456789abcdef"], []])");
  EXPECT_EQ(cell("", lists), "3031323334353637" "3839616263646566");
}

TEST(FormatTable, NeverCrashes) {
  auto md = arrow::key_value_metadata({"rerun:entity_path"}, {"/e"});
  auto batch = Batch({arrow::field("日本語", arrow::list(arrow::utf8())), arrow::field("b", arrow::int8())},
                     {Json(arrow::list(arrow::utf8()), R"([["日本語 テキスト", "\n\n"], null])"),
                      Json(arrow::int8(), "[1, null]")},
                     md);
  for (int width : {0, 1, 2, 5, 9, 10, 65535, 65536, -1, 1 << 30}) {
    FormatOptions o;
    o.width = width;
    std::string out = FormatRecordBatch(*batch, o);
    EXPECT_FALSE(out.empty());
    EXPECT_NE(out.back(), '\n');
  }
  FormatOptions a, b;
  a.width = 80;
  b.width = 65536 + 80;  // Rerun keeps the low 16 bits
  EXPECT_EQ(FormatRecordBatch(*batch, a), FormatRecordBatch(*batch, b));
  // No chunk has zero columns (the RowId is always there), so Rerun cannot show what this looks
  // like; it only has to come out whole.
  auto empty = Batch({}, {}, md);
  EXPECT_NE(FormatRecordBatch(*empty).find("│ * entity_path: /e │"), std::string::npos);
}

}  // namespace
}  // namespace chunkhouse
