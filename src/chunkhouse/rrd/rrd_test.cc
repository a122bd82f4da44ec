#include <arrow/api.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/verify.h"
#include "chunkhouse/rrd/writer.h"

namespace chunkhouse::rrd {
namespace {

namespace fs = std::filesystem;

const StoreId kStore{StoreKind::kRecording, "test_app", "test_rec"};
const std::string kFixtures = std::string(CHUNKHOUSE_FIXTURES_DIR) + "/rrd/third_party/";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / fmt::format("chunkhouse_test_{}_{}", ::getpid(), counter_++);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::shared_ptr<Chunk>> WriteSample(const std::string& path, WriterOptions options = {}) {
  auto chunks = MakeSampleRecording(30).ValueOrDie();
  auto writer = RrdWriter::Open(path, options).ValueOrDie();
  EXPECT_TRUE(writer->WriteStoreInfo(kStore).ok());
  for (const auto& c : chunks) EXPECT_TRUE(writer->WriteChunk(kStore, *c).ok());
  EXPECT_TRUE(writer->Close().ok());
  return chunks;
}

// Reads every message; returns the chunks, and the errors seen.
struct ReadResult {
  std::vector<std::shared_ptr<Chunk>> chunks;
  std::vector<std::string> errors;
  std::vector<StoreInfo> stores;
};

ReadResult ReadStream(const std::string& path) {
  ReadResult out;
  auto reader = StreamReader::Open(path);
  if (!reader.ok()) {
    out.errors.push_back(reader.status().message());
    return out;
  }
  for (int guard = 0; guard < 100000; ++guard) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      out.errors.push_back(next.status().message());
      if ((*reader)->done()) break;
      continue;
    }
    if (!*next) break;
    if ((*next)->chunk) out.chunks.push_back((*next)->chunk);
  }
  out.stores = (*reader)->stores();
  return out;
}

TEST(Writer, RoundTripsChunksExactly) {
  TempDir dir;
  auto path = dir.file("sample.rrd");
  auto written = WriteSample(path);
  auto read = ReadStream(path);
  ASSERT_TRUE(read.errors.empty()) << read.errors[0];
  ASSERT_EQ(read.chunks.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(read.chunks[i]->id(), written[i]->id());
    EXPECT_TRUE(read.chunks[i]->batch()->Equals(*written[i]->batch(), /*check_metadata=*/true));
  }
  ASSERT_EQ(read.stores.size(), 1u);
  EXPECT_EQ(read.stores[0].id, kStore);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(Writer, UnclosedWriterLeavesNoFile) {
  TempDir dir;
  auto path = dir.file("partial.rrd");
  {
    auto writer = RrdWriter::Open(path).ValueOrDie();
    ASSERT_TRUE(writer->WriteStoreInfo(kStore).ok());
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(IndexedReader, ListsChunksFromTheFooter) {
  TempDir dir;
  auto path = dir.file("sample.rrd");
  auto written = WriteSample(path);
  auto reader = IndexedReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->has_footer());
  ASSERT_EQ((*reader)->stores().size(), 1u);
  EXPECT_EQ((*reader)->stores()[0], kStore);
  const auto& entries = (*reader)->chunks();
  ASSERT_EQ(entries.size(), written.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].chunk_id, written[i]->id());
    EXPECT_EQ(entries[i].entity_path, written[i]->entity_path());
    EXPECT_EQ(entries[i].num_rows, static_cast<uint64_t>(written[i]->num_rows()));
    EXPECT_EQ(entries[i].is_static, written[i]->is_static());
    auto ranges = ChunkTimeRanges(*written[i]);
    ASSERT_EQ(entries[i].time_ranges.size(), ranges.size());
    for (size_t t = 0; t < ranges.size(); ++t) {
      EXPECT_EQ(entries[i].time_ranges[t].first, ranges[t].first);
      EXPECT_EQ(entries[i].time_ranges[t].second.min, ranges[t].second.min);
      EXPECT_EQ(entries[i].time_ranges[t].second.max, ranges[t].second.max);
    }
    auto loaded = (*reader)->LoadChunk(entries[i]);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE((*loaded)->batch()->Equals(*written[i]->batch(), true));
  }
  EXPECT_TRUE(VerifyFile(path).ok());
}

TEST(IndexedReader, ListingDecodesNoChunk) {
  TempDir dir;
  auto path = dir.file("sample.rrd");
  WriteSample(path);
  auto entries = IndexedReader::Open(path).ValueOrDie()->chunks();
  // Destroy every chunk's payload but leave the footer intact: listing must not notice.
  std::string bytes = ReadAll(path);
  for (const auto& e : entries) {
    for (uint64_t i = 0; i < e.byte_size; ++i) bytes[e.byte_offset + i] = static_cast<char>(0xFF);
  }
  auto broken = dir.file("broken.rrd");
  WriteAll(broken, bytes);
  auto reader = IndexedReader::Open(broken);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->chunks().size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*reader)->chunks()[i].chunk_id, entries[i].chunk_id);
    auto loaded = (*reader)->LoadChunk((*reader)->chunks()[i]);
    ASSERT_FALSE(loaded.ok());  // only now is the damage seen, with the chunk's offset
    EXPECT_NE(loaded.status().message().find(fmt::format("at byte {}", entries[i].byte_offset)), std::string::npos)
        << loaded.status().ToString();
  }
}

TEST(IndexedReader, ScansFilesWithoutFooter) {
  TempDir dir;
  auto path = dir.file("nofooter.rrd");
  auto written = WriteSample(path, WriterOptions{true, false});
  auto reader = IndexedReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_FALSE((*reader)->has_footer());
  EXPECT_EQ((*reader)->chunks().size(), written.size());
  auto report = VerifyFile(path);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.footers, 0u);
}

TEST(ThirdParty, ReadsRerunWrittenFilesExactly) {
  for (std::string name : {"oracle_text_log.rrd", "oracle_v2.rrd"}) {
    auto path = kFixtures + name;
    auto read = ReadStream(path);
    ASSERT_TRUE(read.errors.empty()) << read.errors[0];
    ASSERT_EQ(read.chunks.size(), 2u) << name;
    EXPECT_EQ(read.chunks[0]->entity_path(), "/__properties");
    EXPECT_TRUE(read.chunks[0]->is_static());
    EXPECT_EQ(read.chunks[1]->entity_path(), "/logs/unity");
    ASSERT_EQ(read.stores.size(), 1u);
    EXPECT_EQ(read.stores[0].id.application_id, name == "oracle_v2.rrd" ? "test_v2" : "oracle_phase1");
    auto reader = IndexedReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_TRUE((*reader)->has_footer());
    ASSERT_EQ((*reader)->chunks().size(), 2u);
    EXPECT_EQ((*reader)->chunks()[1].chunk_id, read.chunks[1]->id());
    EXPECT_TRUE(VerifyFile(path).ok()) << VerifyFile(path).errors[0];
  }
}

TEST(ThirdParty, OracleFooterOffsetsMatchTheSpec) {
  auto reader = IndexedReader::Open(kFixtures + "oracle_text_log.rrd").ValueOrDie();
  ASSERT_EQ(reader->chunks().size(), 2u);
  EXPECT_EQ(reader->chunks()[0].byte_offset, 212u);
  EXPECT_EQ(reader->chunks()[0].byte_size, 979u);
  EXPECT_EQ(reader->chunks()[0].byte_size_uncompressed, 1736u);
  EXPECT_EQ(reader->chunks()[1].byte_offset, 1207u);
}

TEST(ThirdParty, ToleranceCasesReadWhatIsReadable) {
  // Footer-less, fields in declaration order: every chunk is readable.
  auto scene = ReadStream(kFixtures + "phase3_scene.rrd");
  EXPECT_EQ(scene.chunks.size(), 206u);
  EXPECT_TRUE(scene.errors.empty()) << scene.errors[0];
  // 0.23 header, non-list columns, missing EOS, empty footer.
  auto min = ReadStream(kFixtures + "min_text_log.rrd");
  EXPECT_GE(min.chunks.size(), 1u);
  for (const auto& e : min.errors) EXPECT_NE(e.find("min_text_log.rrd"), std::string::npos) << e;
}

// --- bad input ----------------------------------------------------------------------------------

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("good.rrd");
    WriteSample(path_);
    good_ = ReadAll(path_);
  }
  std::string Mutated(const std::string& bytes) {
    auto p = dir_.file("bad.rrd");
    WriteAll(p, bytes);
    return p;
  }
  TempDir dir_;
  std::string path_, good_;
};

TEST_F(BadInput, TruncationAtAnyOffsetNeverCrashes) {
  // A small file, so that every single truncation point is tried.
  path_ = dir_.file("small.rrd");
  {
    auto chunks = MakeSampleRecording(3).ValueOrDie();
    auto writer = RrdWriter::Open(path_).ValueOrDie();
    ASSERT_TRUE(writer->WriteStoreInfo(kStore).ok());
    for (const auto& c : chunks) ASSERT_TRUE(writer->WriteChunk(kStore, *c).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  good_ = ReadAll(path_);
  auto reference = ReadStream(path_);
  for (size_t cut = 0; cut < good_.size(); ++cut) {
    auto p = Mutated(good_.substr(0, cut));
    auto r = ReadStream(p);
    EXPECT_LE(r.chunks.size(), reference.chunks.size());
    for (const auto& e : r.errors) EXPECT_NE(e.find("bad.rrd"), std::string::npos) << e;
    auto indexed = IndexedReader::Open(p);
    if (indexed.ok()) {
      EXPECT_FALSE((*indexed)->has_footer());
    }
    // A truncated file never verifies clean unless the cut falls between messages.
    auto report = VerifyFile(p);
    if (report.ok()) {
      EXPECT_EQ(report.footers, 0u);
    }
  }
}

TEST_F(BadInput, BitFlipsNeverCrash) {
  std::mt19937 rng(42);
  for (int i = 0; i < 400; ++i) {
    std::string bytes = good_;
    size_t at = rng() % bytes.size();
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
    auto p = Mutated(bytes);
    auto r = ReadStream(p);
    for (const auto& e : r.errors) EXPECT_NE(e.find("bad.rrd"), std::string::npos) << e;
    (void)IndexedReader::Open(p);
    (void)VerifyFile(p);
  }
}

TEST_F(BadInput, WrongMagic) {
  std::string bytes = good_;
  bytes[3] = 'X';
  auto r = ReadStream(Mutated(bytes));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("at byte 0"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("RRF2"), std::string::npos) << r.errors[0];
}

TEST_F(BadInput, OldVersionIsRejected) {
  std::string bytes = good_;
  bytes[5] = 22;  // 0.22
  auto r = ReadStream(Mutated(bytes));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("0.22.2"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("0.23.0"), std::string::npos) << r.errors[0];
}

TEST_F(BadInput, LyingLengthField) {
  std::string bytes = good_;
  // First message header at 12: set its length to far beyond the file.
  uint64_t huge = uint64_t{1} << 40;
  std::memcpy(bytes.data() + 12 + 8, &huge, 8);
  auto r = ReadStream(Mutated(bytes));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("at byte 12"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("claims"), std::string::npos) << r.errors[0];
}

TEST_F(BadInput, LyingUncompressedSize) {
  // Rewrite the first chunk with a hostile uncompressed_size: decoding must refuse before allocating.
  auto reader = IndexedReader::Open(path_).ValueOrDie();
  auto entry = reader->chunks()[0];
  auto envelope = DecodeArrowMsg(arrow::Buffer::FromString(good_.substr(entry.byte_offset, entry.byte_size)),
                                 Where{"x.rrd", entry.byte_offset})
                      .ValueOrDie();
  envelope.uncompressed_size = uint64_t{1} << 50;
  auto chunk = DecodeChunk(envelope, Where{"x.rrd", entry.byte_offset});
  ASSERT_FALSE(chunk.ok());
  EXPECT_NE(chunk.status().message().find("impossible"), std::string::npos) << chunk.status().ToString();
}

TEST_F(BadInput, FooterWithBadChecksum) {
  std::string bytes = good_;
  bytes[bytes.size() - 32 + 16] ^= 0x01;  // the CRC field of the stream footer
  auto p = Mutated(bytes);
  auto indexed = IndexedReader::Open(p);
  ASSERT_FALSE(indexed.ok());
  EXPECT_NE(indexed.status().message().find("checksum"), std::string::npos) << indexed.status().ToString();
  EXPECT_NE(indexed.status().message().find(fmt::format("at byte {}", bytes.size() - 16)), std::string::npos)
      << indexed.status().ToString();
  auto report = VerifyFile(p);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.errors[0].find("checksum"), std::string::npos) << report.errors[0];
}

TEST(Verify, DetectsAFooterThatDisagreesWithTheData) {
  TempDir dir;
  auto path = dir.file("a.rrd");
  WriteSample(path, WriterOptions{false, true});
  // Splice the footer of a different file (other chunk ids) onto this one's data;
  // uncompressed, both have the same layout.
  auto other = dir.file("b.rrd");
  WriteSample(other, WriterOptions{false, true});
  std::string a = ReadAll(path), b = ReadAll(other);
  auto end_of_data = [](const std::string& p) {
    auto reader = IndexedReader::Open(p).ValueOrDie();
    const auto& last = reader->chunks().back();
    return last.byte_offset + last.byte_size;
  };
  size_t footer_start = end_of_data(path);
  ASSERT_EQ(footer_start, end_of_data(other));  // same sample, same layout up to the footer
  std::string spliced = a.substr(0, footer_start) + b.substr(footer_start);
  auto p = dir.file("spliced.rrd");
  WriteAll(p, spliced);
  auto report = VerifyFile(p);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.errors[0].find("footer entry"), std::string::npos) << report.errors[0];
}

}  // namespace
}  // namespace chunkhouse::rrd

// IPC decoding reuses schemas by their message bytes: equal bytes give equal batches, different
// metadata is never confused, and dictionary columns (not cached) still decode.
TEST(Codec, IpcSchemaReuseKeepsBatchesApart) {
  auto make = [](std::string meta_value, std::vector<int64_t> values) {
    arrow::Int64Builder b;
    EXPECT_TRUE(b.AppendValues(values).ok());
    auto schema = arrow::schema({arrow::field("x", arrow::int64(), true, arrow::key_value_metadata({"k"}, {meta_value}))});
    return arrow::RecordBatch::Make(schema, static_cast<int64_t>(values.size()), {b.Finish().ValueOrDie()});
  };
  chunkhouse::rrd::Where where{"test", 0};
  for (const auto& batch : {make("a", {1, 2, 3}), make("a", {4, 5}), make("b", {6})}) {
    auto ipc = chunkhouse::rrd::WriteIpcBatch(*batch).ValueOrDie();
    auto back = chunkhouse::rrd::ReadIpcBatch(ipc, where).ValueOrDie();
    EXPECT_TRUE(back->Equals(*batch, /*check_metadata=*/true)) << back->ToString();
  }
  arrow::StringDictionaryBuilder dict;
  ASSERT_TRUE(dict.Append("red").ok());
  ASSERT_TRUE(dict.Append("blue").ok());
  ASSERT_TRUE(dict.Append("red").ok());
  auto array = dict.Finish().ValueOrDie();
  auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("c", array->type())}), 3, {array});
  auto back = chunkhouse::rrd::ReadIpcBatch(chunkhouse::rrd::WriteIpcBatch(*batch).ValueOrDie(), where).ValueOrDie();
  EXPECT_TRUE(back->Equals(*batch)) << back->ToString();
}
