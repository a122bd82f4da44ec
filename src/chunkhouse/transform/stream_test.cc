// The stream engine: filter/drop/split/merge semantics, ordering on worker threads, transforms,
// errors, and the store and file terminals (collect, write_rrd, LazyStore pushdown).
#include <arrow/api.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/store/collect.h"
#include "chunkhouse/store/lazy_store.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/rrd_source.h"
#include "chunkhouse/transform/write.h"

namespace chunkhouse::transform {
namespace {

namespace fs = std::filesystem;
const Timeline kFrame{"frame", TimeType::kSequence};
const ComponentDescriptor kPos{"rerun.archetypes.Points3D", "Points3D:positions", "rerun.components.Position3D"};
const ComponentDescriptor kColor{"rerun.archetypes.Points3D", "Points3D:colors", "rerun.components.Color"};
const ComponentDescriptor kText{"rerun.archetypes.TextLog", "TextLog:text", "rerun.components.Text"};

std::shared_ptr<arrow::Array> Ints(int64_t rows) {
  arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::Int64Builder>());
  for (int64_t r = 0; r < rows; ++r) {
    EXPECT_TRUE(b.Append().ok());
    EXPECT_TRUE(static_cast<arrow::Int64Builder*>(b.value_builder())->Append(r).ok());
  }
  return b.Finish().ValueOrDie();
}

std::shared_ptr<Chunk> Make(const std::string& entity, bool is_static, std::vector<ComponentDescriptor> ds, int64_t rows = 2) {
  ChunkBuilder b(entity);
  if (!is_static) {
    std::vector<int64_t> frames(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) frames[static_cast<size_t>(i)] = i;
    b.AddIndex(kFrame, frames);
  }
  for (const auto& d : ds) b.AddComponent(d, Ints(rows));
  return b.Build().ValueOrDie();
}

// Fixture F of the spec, roughly: /robots/arm (positions + colors), /cameras/front (text),
// /config (static text).
std::vector<std::shared_ptr<Chunk>> Fixture() {
  return {Make("/robots/arm", false, {kPos, kColor}), Make("/cameras/front", false, {kText}, 1),
          Make("/config", true, {kText}, 1)};
}

PipelinePtr Source(std::vector<std::shared_ptr<Chunk>> chunks) {
  return Pipeline::From(std::make_shared<VectorSourceFactory>(std::move(chunks)));
}

std::vector<std::shared_ptr<Chunk>> RunAll(const PipelinePtr& p, std::vector<std::string>* warnings = nullptr) {
  std::vector<std::shared_ptr<Chunk>> out;
  RunOptions o;
  o.warn = [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  };
  auto st = Drain(p, [&](std::shared_ptr<Chunk> c) {
    out.push_back(std::move(c));
    return Status::OK();
  }, o);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> Entities(const std::vector<std::shared_ptr<Chunk>>& chunks) {
  std::vector<std::string> out;
  for (const auto& c : chunks) out.push_back(c->entity_path());
  std::sort(out.begin(), out.end());
  return out;
}

StructuredFilter Content(const std::string& text) {
  StructuredFilter f;
  f.content = EntityPathFilter::Parse(text);
  f.content_text = text;
  return f;
}

Step FilterStep(StructuredFilter f) { return Step{Step::Kind::kFilter, std::move(f), nullptr}; }
Step DropStep(StructuredFilter f) { return Step{Step::Kind::kDrop, std::move(f), nullptr}; }

TEST(Stream, FilterAndDropFollowTheSpecTable) {
  auto chunks = Fixture();
  EXPECT_EQ(Entities(RunAll(Pipeline::Then(Source(chunks), FilterStep(Content("/robots/**"))))),
            std::vector<std::string>{"/robots/arm"});
  StructuredFilter statics;
  statics.is_static = true;
  EXPECT_EQ(Entities(RunAll(Pipeline::Then(Source(chunks), FilterStep(statics)))), std::vector<std::string>{"/config"});
  // Components: sliced with fresh ids; none listed present: dropped.
  StructuredFilter pos;
  pos.components = std::vector<std::string>{"Points3D:positions", "Nope:x"};
  auto kept = RunAll(Pipeline::Then(Source(chunks), FilterStep(pos)));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]->components().size(), 1u);
  EXPECT_NE(kept[0]->id(), chunks[0]->id());
  auto rest = RunAll(Pipeline::Then(Source(chunks), DropStep(pos)));
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0]->components().size(), 1u);  // colors left
  EXPECT_NE(rest[0]->id(), chunks[0]->id());
  EXPECT_EQ(rest[1]->id(), chunks[1]->id());  // untouched chunks keep their id
  // filter(components=[]) drops all, drop(components=[]) keeps all.
  StructuredFilter none;
  none.components = std::vector<std::string>{};
  EXPECT_TRUE(RunAll(Pipeline::Then(Source(chunks), FilterStep(none))).empty());
  EXPECT_EQ(RunAll(Pipeline::Then(Source(chunks), DropStep(none))).size(), 3u);
}

TEST(Stream, LeadingFiltersFuseWithTheSameResult) {
  auto chunks = Fixture();
  StructuredFilter a = Content("/robots/**"), b;
  b.components = std::vector<std::string>{"Points3D:colors"};
  auto fused = RunAll(Pipeline::Then(Pipeline::Then(Source(chunks), FilterStep(a)), FilterStep(b)));
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_EQ(fused[0]->components()[0].descriptor.component, "Points3D:colors");
  StructuredFilter s1, s2;
  s1.is_static = true;
  s2.is_static = false;
  EXPECT_TRUE(RunAll(Pipeline::Then(Pipeline::Then(Source(chunks), FilterStep(s1)), FilterStep(s2))).empty());
}

TEST(Stream, SplitRunsTheUpstreamOnceWhenBothSidesAreUsed) {
  std::atomic<int> pulls{0};
  auto chunks = Fixture();
  auto factory = std::make_shared<CallbackSourceFactory>(
      [&, i = std::make_shared<size_t>(0)]() -> Result<std::vector<std::shared_ptr<Chunk>>> {
        if (*i >= chunks.size()) {
          *i = 0;
          return std::vector<std::shared_ptr<Chunk>>{};
        }
        ++pulls;
        return std::vector{chunks[(*i)++]};
      });
  StructuredFilter pos;
  pos.components = std::vector<std::string>{"Points3D:positions"};
  auto [matched, unmatched] = Pipeline::Split(Pipeline::From(factory), pos);
  std::vector<std::string> warnings;
  auto all = RunAll(Pipeline::Merge({matched, unmatched}), &warnings);
  EXPECT_EQ(pulls.load(), 3);
  EXPECT_TRUE(warnings.empty());
  // The positions part, the colors part, and the two other chunks.
  EXPECT_EQ(all.size(), 4u);
  // One side alone: a filter over a run of its own, with a warning.
  auto only = RunAll(matched, &warnings);
  ASSERT_EQ(only.size(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("Only one branch of a split"), std::string::npos);
}

class Duplicate : public ChunkTransform {
 public:
  Result<std::vector<std::shared_ptr<Chunk>>> Apply(const std::shared_ptr<Chunk>& chunk) const override {
    return std::vector{chunk, chunk};
  }
};

class FailOn : public ChunkTransform {
 public:
  explicit FailOn(std::string entity) : entity_(std::move(entity)) {}
  Result<std::vector<std::shared_ptr<Chunk>>> Apply(const std::shared_ptr<Chunk>& chunk) const override {
    if (chunk->entity_path() == entity_) return InvalidArgument("test error on {}", entity_);
    return std::vector{chunk};
  }

 private:
  std::string entity_;
};

TEST(Stream, ParallelStepsKeepOrderAndStopAtTheFirstError) {
  std::vector<std::shared_ptr<Chunk>> many;
  for (int i = 0; i < 200; ++i) many.push_back(Make("/e" + std::to_string(i), false, {kPos}));
  auto out = RunAll(Pipeline::Then(Source(many), Step{Step::Kind::kTransform, {}, std::make_shared<Duplicate>()}));
  ASSERT_EQ(out.size(), 400u);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i]->id(), many[i / 2]->id());

  auto failing = Pipeline::Then(Source(many), Step{Step::Kind::kTransform, {}, std::make_shared<FailOn>("/e150")});
  size_t seen = 0;
  auto st = Drain(failing, [&](std::shared_ptr<Chunk>) {
    ++seen;
    return Status::OK();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "test error on /e150");
  EXPECT_EQ(seen, 150u);
}

TEST(Stream, MergeKeepsPerInputOrder) {
  std::vector<std::shared_ptr<Chunk>> a, b;
  for (int i = 0; i < 50; ++i) a.push_back(Make("/a", false, {kPos}));
  for (int i = 0; i < 50; ++i) b.push_back(Make("/b", false, {kPos}));
  auto out = RunAll(Pipeline::Merge({Source(a), Source(b)}));
  ASSERT_EQ(out.size(), 100u);
  size_t ia = 0, ib = 0;
  for (const auto& c : out) {
    if (c->entity_path() == "/a") {
      EXPECT_EQ(c->id(), a[ia++]->id());
    } else {
      EXPECT_EQ(c->id(), b[ib++]->id());
    }
  }
  EXPECT_TRUE(RunAll(Pipeline::Merge({})).empty());
}

TEST(Stream, AbandonedRunsStopTheirThreads) {
  std::vector<std::shared_ptr<Chunk>> many;
  for (int i = 0; i < 1000; ++i) many.push_back(Make("/e", false, {kPos}));
  auto [m, u] = Pipeline::Split(Source(many), Content("/nothing"));
  for (int k = 0; k < 20; ++k) {
    auto source = Compile(Pipeline::Merge({Pipeline::Then(m, FilterStep({})), u})).ValueOrDie();
    ASSERT_NE(source->Next().ValueOrDie(), nullptr);  // then dropped mid-run
  }
}

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("chunkhouse_stream_{}", ::getpid());
    fs::create_directories(dir_);
    path_ = (dir_ / "in.rrd").string();
    auto writer = rrd::RrdWriter::Open(path_).ValueOrDie();
    ASSERT_TRUE(writer->WriteStoreInfo(store_).ok());
    for (const auto& c : Fixture()) ASSERT_TRUE(writer->WriteChunk(store_, *c).ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer->WriteChunk(store_, *Make("/entity_" + std::to_string(i), false, {kPos}, 10)).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
  StoreId store_{StoreKind::kRecording, "app", "rec"};
};

TEST_F(FilesTest, LazyStorePushdownReadsOnlyMatchingChunks) {
  auto lazy = LazyStore::Open(path_, store_).ValueOrDie();
  EXPECT_EQ(lazy->size(), 13u);
  EXPECT_EQ(lazy->chunks_loaded(), 0u);
  auto summary = lazy->Summary();
  EXPECT_EQ(summary.substr(0, summary.find('\n')),
            "/cameras/front rows=1 static=False timelines=['frame'] cols=['TextLog:text', 'frame']");
  auto out = RunAll(Pipeline::Then(Pipeline::From(lazy->source()), FilterStep(Content("/entity_3"))));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(lazy->chunks_loaded(), 1u);
  // Everything, and the same summary as the collected store's (these chunks do not compact).
  auto all = Collect(Pipeline::From(lazy->source()), std::nullopt).ValueOrDie();
  EXPECT_EQ(lazy->chunks_loaded(), 14u);
  EXPECT_EQ(all.Summary(), summary);
}

TEST_F(FilesTest, WriteRrdRoundTripsThroughTheReader) {
  auto out = (dir_ / "out.rrd").string();
  auto p = Pipeline::Then(Pipeline::From(std::make_shared<RrdSourceFactory>(path_, store_)), DropStep(Content("/entity_*/**")));
  ASSERT_TRUE(WriteRrd(p, out, "my_app", "my_rec").ok());
  auto reader = rrd::IndexedReader::Open(out).ValueOrDie();
  ASSERT_TRUE(reader->has_footer());
  ASSERT_EQ(reader->stores().size(), 1u);
  EXPECT_EQ(reader->stores()[0].application_id, "my_app");
  std::vector<std::shared_ptr<Chunk>> back;
  for (const auto& e : reader->chunks()) back.push_back(reader->LoadChunk(e).ValueOrDie());
  auto original = RunAll(p);
  ASSERT_EQ(back.size(), original.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i]->id(), original[i]->id());
    EXPECT_TRUE(back[i]->batch()->Equals(*original[i]->batch(), /*check_metadata=*/true));
  }
  EXPECT_FALSE(WriteRrd(p, (dir_ / "x.rrd").string(), "", "r").ok());
  EXPECT_FALSE(WriteRrd(p, "/nonexistent-dir/x.rrd", "a", "r").ok());
}

}  // namespace
}  // namespace chunkhouse::transform
