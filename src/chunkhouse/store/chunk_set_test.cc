// ChunkSet: Rerun's insertion rules and compaction, checked as invariants (exact chunk counts
// after compaction are heuristics; the Python suite reports them beside rerun-sdk's).
#include "chunkhouse/store/chunk_set.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {
namespace {

const Timeline kFrame{"frame", TimeType::kSequence};
const ComponentDescriptor kScalar{"rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"};
const ComponentDescriptor kText{"rerun.archetypes.TextDocument", "TextDocument:text", "rerun.components.Text"};

std::shared_ptr<arrow::Array> Doubles(int64_t rows, int per_row = 1, bool with_null = false) {
  arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::DoubleBuilder>());
  for (int64_t r = 0; r < rows; ++r) {
    if (with_null && r == 0) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.Append().ok());
    for (int k = 0; k < per_row; ++k) {
      EXPECT_TRUE(static_cast<arrow::DoubleBuilder*>(b.value_builder())->Append(static_cast<double>(r)).ok());
    }
  }
  return b.Finish().ValueOrDie();
}

uint64_t g_row = 1000;  // row ids increase across the test, as a logger's would

std::shared_ptr<Chunk> Temporal(const std::string& entity, std::vector<int64_t> frames,
                                const ComponentDescriptor& d = kScalar, int per_row = 1) {
  std::vector<Tuid> ids;
  for (size_t i = 0; i < frames.size(); ++i) ids.push_back(Tuid{7, g_row++});
  const int64_t n = static_cast<int64_t>(frames.size());
  return ChunkBuilder(entity).WithRowIds(ids).AddIndex(kFrame, std::move(frames)).AddComponent(d, Doubles(n, per_row)).Build().ValueOrDie();
}

std::shared_ptr<Chunk> Static(const std::string& entity, const ComponentDescriptor& d, bool all_null = false) {
  return ChunkBuilder(entity).WithRowIds({Tuid{7, g_row++}}).AddComponent(d, Doubles(1, 1, all_null)).Build().ValueOrDie();
}

int64_t TotalRows(const ChunkSet& set) {
  int64_t n = 0;
  for (const auto& c : set.chunks().ValueOrDie()) n += c->num_rows();
  return n;
}

TEST(ChunkSet, IgnoresEmptyComponentlessAndDuplicateChunks) {
  ChunkSet set;
  auto empty = ChunkBuilder("/e").AddIndex(kFrame, {}).AddComponent(kScalar, Doubles(0)).Build().ValueOrDie();
  auto bare = ChunkBuilder("/e").AddIndex(kFrame, {1, 2}).Build().ValueOrDie();
  auto real = Temporal("/e", {1, 2});
  for (const auto& c : {empty, bare, real, real}) ASSERT_TRUE(set.Insert(c).ok());
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.chunks().ValueOrDie()[0]->id(), real->id());
}

TEST(ChunkSet, StaticChunkShadowedByNewerDataIsRemoved) {
  auto older = Static("/config", kText);
  auto newer = Static("/config", kText);
  {
    ChunkSet set;
    ASSERT_TRUE(set.Insert(older).ok());
    ASSERT_TRUE(set.Insert(newer).ok());
    ASSERT_EQ(set.size(), 1u);
    EXPECT_EQ(set.chunks().ValueOrDie()[0]->id(), newer->id());
  }
  {
    // The older one arriving second owns nothing but is kept: only stored chunks are removed.
    ChunkSet set;
    ASSERT_TRUE(set.Insert(newer).ok());
    ASSERT_TRUE(set.Insert(older).ok());
    EXPECT_EQ(set.size(), 2u);
  }
  {
    // An all-null newcomer claims nothing.
    ChunkSet set;
    ASSERT_TRUE(set.Insert(older).ok());
    ASSERT_TRUE(set.Insert(Static("/config", kText, /*all_null=*/true)).ok());
    EXPECT_EQ(set.size(), 2u);
  }
}

TEST(ChunkSet, StaticTransformsAreKeptInFull) {
  const ComponentDescriptor tf{"rerun.archetypes.Transform3D", "Transform3D:translation", "rerun.components.Translation3D"};
  ChunkSet set;
  ASSERT_TRUE(set.Insert(Static("/tf", tf)).ok());
  ASSERT_TRUE(set.Insert(Static("/tf", tf)).ok());
  EXPECT_EQ(set.size(), 2u);
}

TEST(ChunkSet, RefusesChunksOutOfRowIdOrder) {
  auto chunk = ChunkBuilder("/e")
                   .WithRowIds({Tuid{7, 9}, Tuid{7, 8}})
                   .AddIndex(kFrame, {1, 2})
                   .AddComponent(kScalar, Doubles(2))
                   .Build()
                   .ValueOrDie();
  ChunkSet set;
  auto st = set.Insert(chunk);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "Chunks must be sorted before insertion in the chunk store");
}

TEST(ChunkSet, CompactionMergesSmallChunksWithinLimits) {
  ChunkSet set(CompactionThresholds::Default());
  for (int64_t i = 0; i < 4200; ++i) ASSERT_TRUE(set.Insert(Temporal("/sensor", {i})).ok());
  EXPECT_LT(set.size(), 4200u);
  EXPECT_EQ(TotalRows(set), 4200);
  for (const auto& c : set.chunks().ValueOrDie()) {
    EXPECT_LE(c->num_rows(), 4096);
    EXPECT_TRUE(c->row_ids_sorted());
  }
  auto live = ChunkSet::Finalize(std::move(set), OptimizationProfile::Live()).ValueOrDie();
  EXPECT_EQ(TotalRows(live), 4200);
  for (const auto& c : live.chunks().ValueOrDie()) EXPECT_LE(c->num_rows(), 4096);
}

TEST(ChunkSet, ObjectStoreProfileMakesLargerChunks) {
  auto profile = OptimizationProfile::ObjectStore();
  ChunkSet set(profile.thresholds());
  for (int64_t i = 0; i < 4200; ++i) ASSERT_TRUE(set.Insert(Temporal("/sensor", {i})).ok());
  auto done = ChunkSet::Finalize(std::move(set), profile).ValueOrDie();
  EXPECT_EQ(TotalRows(done), 4200);
  bool large = false;
  for (const auto& c : done.chunks().ValueOrDie()) large |= c->num_rows() > 4096;
  EXPECT_TRUE(large);
}

TEST(ChunkSet, OversizedChunksAreSplitOnInsert) {
  std::vector<int64_t> frames(10000);
  for (int64_t i = 0; i < 10000; ++i) frames[static_cast<size_t>(i)] = i;
  ChunkSet set(CompactionThresholds::Default());
  ASSERT_TRUE(set.Insert(Temporal("/big", frames)).ok());
  EXPECT_EQ(TotalRows(set), 10000);
  EXPECT_GE(set.size(), 3u);
  for (const auto& c : set.chunks().ValueOrDie()) {
    EXPECT_LE(c->num_rows(), 4096);
    EXPECT_LE(ByteSize(*c), 393216);
  }
  // Bytes too: 64 doubles a row is 512 B, so at most 768 rows fit 384 KiB.
  ChunkSet wide(CompactionThresholds::Default());
  ASSERT_TRUE(wide.Insert(Temporal("/wide", std::vector<int64_t>(frames.begin(), frames.begin() + 2000), kScalar, 64)).ok());
  for (const auto& c : wide.chunks().ValueOrDie()) EXPECT_LE(ByteSize(*c), 393216 + 4096) << c->num_rows();
  EXPECT_EQ(TotalRows(wide), 2000);
}

TEST(ChunkSet, ThickThinSplitKeepsArchetypesTogether) {
  const ComponentDescriptor blob{"rerun.archetypes.EncodedImage", "EncodedImage:blob", "rerun.components.Blob"};
  std::vector<Tuid> ids{Tuid{7, g_row++}, Tuid{7, g_row++}};
  auto chunk = ChunkBuilder("/cam")
                   .WithRowIds(ids)
                   .AddIndex(kFrame, {1, 2})
                   .AddComponent(kScalar, Doubles(2))
                   .AddComponent(blob, Doubles(2, 20000))
                   .Build()
                   .ValueOrDie();
  auto pieces = SplitThickThin(*chunk, 10.0).ValueOrDie();
  ASSERT_TRUE(pieces.has_value());
  ASSERT_EQ(pieces->size(), 2u);
  EXPECT_EQ((*pieces)[0]->components()[0].descriptor.component, "EncodedImage:blob");
  EXPECT_EQ((*pieces)[1]->components()[0].descriptor.component, "Scalars:scalars");
  for (const auto& p : *pieces) {
    EXPECT_NE(p->id(), chunk->id());
    EXPECT_EQ(p->row_id(0), ids[0]);
  }
  EXPECT_FALSE(SplitThickThin(*chunk, 1e9).ValueOrDie().has_value());
}

TEST(ChunkSet, SummaryOrdersByEntityThenStaticFirst) {
  ChunkSet set;
  ASSERT_TRUE(set.Insert(Temporal("/b", {1})).ok());
  ASSERT_TRUE(set.Insert(Temporal("/a", {1, 2})).ok());
  ASSERT_TRUE(set.Insert(Static("/a", kText)).ok());
  EXPECT_EQ(set.Summary(),
            "/a rows=1 static=True timelines=[] cols=['TextDocument:text']\n"
            "/a rows=2 static=False timelines=['frame'] cols=['Scalars:scalars', 'frame']\n"
            "/b rows=1 static=False timelines=['frame'] cols=['Scalars:scalars', 'frame']");
}

TEST(ChunkOps, ConcatenatePadsMissingComponents) {
  auto a = Temporal("/e", {1});
  auto b = ChunkBuilder("/e").WithRowIds({Tuid{7, g_row++}}).AddIndex(kFrame, {2}).AddComponent(kText, Doubles(1)).Build().ValueOrDie();
  ASSERT_TRUE(Concatenable(*a, *b));
  auto joined = ConcatAndSort(b, a).ValueOrDie();
  ASSERT_EQ(joined->num_rows(), 2);
  ASSERT_EQ(joined->components().size(), 2u);
  EXPECT_EQ(joined->row_id(0), a->row_id(0));  // the smaller row ids first
  const auto* text = joined->FindComponent("TextDocument:text");
  EXPECT_TRUE(joined->column(text->column).IsNull(0));
  EXPECT_FALSE(joined->column(text->column).IsNull(1));
}

}  // namespace
}  // namespace chunkhouse

namespace chunkhouse {
namespace {

// A slice's byte size counts the rows it references, for nested and union columns too (a union
// slice once counted its whole children, so every piece of a split looked oversized).
TEST(ChunkOps, ByteSizeOfSlicesAddsUp) {
  const int64_t n = 100;
  arrow::Int8Builder ids_b;
  arrow::Int32Builder offsets_b;
  arrow::DoubleBuilder doubles;
  arrow::Int64Builder ints;
  for (int64_t i = 0; i < n; ++i) {
    const bool d = i % 3 != 0;
    ASSERT_TRUE(ids_b.Append(d ? 0 : 1).ok());
    ASSERT_TRUE(offsets_b.Append(static_cast<int32_t>(d ? doubles.length() : ints.length())).ok());
    for (int k = 0; k < 1000; ++k) ASSERT_TRUE(d ? doubles.Append(k).ok() : ints.Append(k).ok());
  }
  // Each row's union value is a 1000-element stretch: wrap the union in a list of 1 per row.
  auto union_array = arrow::DenseUnionArray::Make(*ids_b.Finish().ValueOrDie(), *offsets_b.Finish().ValueOrDie(),
                                                  {doubles.Finish().ValueOrDie(), ints.Finish().ValueOrDie()})
                         .ValueOrDie();
  (void)union_array;
  auto list = Doubles(n, 1000);  // 8 kB a row
  const int64_t whole = ByteSize(*list);
  int64_t pieces = 0;
  for (int64_t i = 0; i < n; i += 10) pieces += ByteSize(*list->Slice(i, 10));
  EXPECT_NEAR(static_cast<double>(pieces), static_cast<double>(whole), whole * 0.01);
  EXPECT_LT(ByteSize(*list->Slice(0, 1)), whole / 50);
  const int64_t union_whole = ByteSize(*union_array);
  EXPECT_LT(ByteSize(*union_array->Slice(0, 1)), union_whole / 50);
  EXPECT_GT(ByteSize(*union_array->Slice(0, 1)), 0);
}

}  // namespace
}  // namespace chunkhouse
