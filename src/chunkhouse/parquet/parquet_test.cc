// The grouping rules of notes/parquet.md §2.2 and the importer on files written by Arrow's
// Parquet writer. tests/python/test_parquet_reader.py compares whole files with rerun-sdk.
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/util/logging.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chunkhouse/base/status.h"
#include "chunkhouse/parquet/grouping.h"
#include "chunkhouse/parquet/importer.h"

namespace chunkhouse::pq {
namespace {

CheckedOptions Options(ReadOptions raw) { return Check(std::move(raw)).ValueOrDie(); }

std::vector<std::pair<int, std::string>> Columns(std::vector<std::string> names) {
  std::vector<std::pair<int, std::string>> out;
  for (size_t i = 0; i < names.size(); ++i) out.emplace_back(static_cast<int>(i), names[i]);
  return out;
}

std::string Describe(const std::vector<Group>& groups) {
  std::string out;
  for (const auto& g : groups) {
    out += GroupEntity(EntityPath(), g.key).ToString() + "{";
    for (const auto& m : g.members) out += m.component + ",";
    out += "} ";
  }
  return out;
}

TEST(ParquetGrouping, PrefixSplitsAtTheFirstDelimiterFollowedBySomething) {
  auto groups = GroupColumns(Columns({"camera_rgb", "a_b_c", "speed", "trail_", "_lead", "dup_x", "dup", "B_x"}),
                             Options({}));
  EXPECT_EQ(Describe(groups), "/{lead,} /B{x,} /a{b_c,} /camera{rgb,} /dup{x,dup,} /speed{speed,} /trail_{trail_,} ");
}

TEST(ParquetGrouping, ExplicitPrefixesLongestFirstAndAnExactNameIsUnmatched) {
  ReadOptions raw;
  raw.column_grouping = "explicit_prefixes";
  raw.prefixes = std::vector<std::string>{"cat", "ca", "catalog"};
  auto groups = GroupColumns(Columns({"catalog_x", "cat_a", "catb", "cat", "ca_z", "cb", "cat__u"}), Options(raw));
  EXPECT_EQ(Describe(groups), "/ca{z,} /cat{a,b,_u,} /catalog{x,} /cat{cat,} /cb{cb,} ");
}

TEST(ParquetGrouping, IndividualKeepsSchemaOrder) {
  ReadOptions raw;
  raw.column_grouping = "individual";
  EXPECT_EQ(Describe(GroupColumns(Columns({"b_x", "a_y"}), Options(raw))), "/b_x{b_x,} /a_y{a_y,} ");
}

TEST(ParquetOptions, ErrorsInRerunsOrderAndWords) {
  ReadOptions raw;
  raw.column_grouping = "bogus";
  EXPECT_EQ(Check(raw).status().message(),
            "Unknown column_grouping: 'bogus'. Expected 'prefix', 'individual', or 'explicit_prefixes'.");
  raw.column_grouping = "prefix";
  raw.prefixes = std::vector<std::string>{};
  EXPECT_EQ(Check(raw).status().message(), "'prefixes' is only valid with column_grouping='explicit_prefixes'");
  raw.column_grouping = "explicit_prefixes";
  EXPECT_EQ(Check(raw).status().message(), "'prefixes' must not be empty for 'explicit_prefixes' grouping");
  raw.prefixes.reset();
  EXPECT_EQ(Check(raw).status().message(), "'explicit_prefixes' requires the 'prefixes' parameter");
  ReadOptions index;
  index.index_columns = {{"t", "bogus", "h"}};  // the unit is checked before the kind
  EXPECT_EQ(Check(index).status().message(), "Unknown time unit: 'h'. Expected 'ns', 'us', 'ms', or 's'.");
  index.index_columns = {{"t", "bogus", std::nullopt}};
  EXPECT_EQ(Check(index).status().message(),
            "Unknown index type: 'bogus'. Expected 'timestamp', 'duration', or 'sequence'.");
}

class ParquetImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("chunkhouse_parquet_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::shared_ptr<arrow::Table>& table, int64_t row_group) {
    auto path = (dir_ / name).string();
    auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
    // As pyarrow writes: with the Arrow schema in the key-value metadata.
    auto arrow_props = parquet::ArrowWriterProperties::Builder().store_schema()->build();
    ARROW_CHECK_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, row_group,
                                              parquet::default_writer_properties(), arrow_props));
    ARROW_CHECK_OK(out->Close());
    return path;
  }

  std::vector<std::shared_ptr<Chunk>> ReadAll(const std::string& path, ReadOptions raw) {
    auto importer = ParquetImporter::Open(path, Options(std::move(raw)), [](const std::string&) {}).ValueOrDie();
    std::vector<std::shared_ptr<Chunk>> out;
    for (;;) {
      auto chunk = importer->Next().ValueOrDie();
      if (!chunk) return out;
      out.push_back(chunk);
    }
  }

  std::filesystem::path dir_;
};

std::shared_ptr<arrow::Table> Sequence(int64_t n, int64_t constant_until) {
  arrow::Int64Builder x, c;
  for (int64_t i = 0; i < n; ++i) {
    ARROW_CHECK_OK(x.Append(i));
    ARROW_CHECK_OK(c.Append(i < constant_until ? 1 : 2));
  }
  auto schema = arrow::schema({arrow::field("g_x", arrow::int64()), arrow::field("g_y", arrow::int64()),
                               arrow::field("const", arrow::int64())});
  auto xs = x.Finish().ValueOrDie();
  return arrow::Table::Make(schema, {xs, xs, c.Finish().ValueOrDie()});
}

TEST_F(ParquetImport, BatchesOf1024AcrossRowGroupsWithAGlobalRowIndex) {
  auto path = Write("rows.parquet", Sequence(2100, 2100), 700);
  ReadOptions raw;
  raw.static_columns = {"const"};
  auto chunks = ReadAll(path, raw);
  ASSERT_EQ(chunks.size(), 5u);  // properties (ARROW:schema), 3 batches, the static chunk
  EXPECT_EQ(chunks[0]->entity_path(), "/__properties");
  EXPECT_EQ(chunks[1]->num_rows(), 1024);
  EXPECT_EQ(chunks[2]->num_rows(), 1024);
  EXPECT_EQ(chunks[3]->num_rows(), 52);
  const auto* ic = chunks[2]->FindIndex("row_index");
  ASSERT_NE(ic, nullptr);
  EXPECT_EQ(chunks[2]->time_values(*ic)[0], 1024);
  EXPECT_EQ(chunks[2]->entity_path(), "/g");
  ASSERT_EQ(chunks[2]->components().size(), 1u);
  EXPECT_EQ(chunks[2]->components()[0].descriptor.component, "data");
  EXPECT_TRUE(chunks[4]->is_static());
  EXPECT_EQ(chunks[4]->entity_path(), "/");
}

TEST_F(ParquetImport, AConstantColumnThatChangesIsAnErrorAfterTheEarlierBatches) {
  auto path = Write("changes.parquet", Sequence(2100, 1024), 2100);
  ReadOptions raw;
  raw.static_columns = {"const"};
  auto importer = ParquetImporter::Open(path, Options(raw)).ValueOrDie();
  ASSERT_EQ(importer->Next().ValueOrDie()->entity_path(), "/__properties");
  ASSERT_EQ(importer->Next().ValueOrDie()->num_rows(), 1024);
  auto failed = importer->Next();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "Parquet error: Static column 'const' changed between batches: '1' \u2192 '2'");
}

TEST_F(ParquetImport, MissingColumnsAndBadFilesNameThePath) {
  auto path = Write("t.parquet", Sequence(3, 3), 3);
  ReadOptions raw;
  raw.index_columns = {{"missing", "sequence", std::nullopt}};
  auto st = ParquetImporter::Open(path, Options(raw)).status();
  EXPECT_EQ(st.message(), "Index column 'missing' not found in parquet schema\nFile path: " + path);
  auto junk = (dir_ / "junk.parquet").string();
  { std::ofstream(junk) << "not parquet at all"; }
  st = ParquetImporter::Open(junk, Options({})).status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("\nFile path: " + junk), std::string::npos) << st.message();
}

}  // namespace
}  // namespace chunkhouse::pq
