// ChunkSet insertion: 20,000 one-row scalar chunks (what collect() does with a stream of them),
// with Rerun's default thresholds, without (from_chunks) and with the OBJECT_STORE profile.
#include <arrow/api.h>
#include <benchmark/benchmark.h>

#include "chunkhouse/store/chunk_set.h"

namespace chunkhouse {
namespace {

std::vector<std::shared_ptr<Chunk>> OneRowChunks(int n) {
  const ComponentDescriptor d{"rerun.archetypes.Scalars", "Scalars:scalars", "rerun.components.Scalar"};
  std::vector<std::shared_ptr<Chunk>> out;
  for (int i = 0; i < n; ++i) {
    arrow::ListBuilder b(arrow::default_memory_pool(), std::make_shared<arrow::DoubleBuilder>());
    (void)b.Append();
    (void)static_cast<arrow::DoubleBuilder*>(b.value_builder())->Append(i);
    out.push_back(ChunkBuilder("/sensor")
                      .WithRowIds({Tuid{1, static_cast<uint64_t>(i) + 1}})
                      .AddIndex({"t", TimeType::kSequence}, {i})
                      .AddComponent(d, b.Finish().ValueOrDie())
                      .Build()
                      .ValueOrDie());
  }
  return out;
}

void Insert(benchmark::State& state, CompactionThresholds limits, const OptimizationProfile* profile) {
  static const auto chunks = OneRowChunks(20000);
  for (auto _ : state) {
    ChunkSet set(limits);
    for (const auto& c : chunks) (void)set.Insert(c);
    if (profile) set = ChunkSet::Finalize(std::move(set), *profile).ValueOrDie();
    benchmark::DoNotOptimize(set.size());
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}

void BM_FromChunks(benchmark::State& s) { Insert(s, {}, nullptr); }
void BM_CollectDefault(benchmark::State& s) {
  static const auto p = OptimizationProfile::InsertOnly();
  Insert(s, CompactionThresholds::Default(), &p);
}
void BM_CollectObjectStore(benchmark::State& s) {
  static const auto p = OptimizationProfile::ObjectStore();
  Insert(s, p.thresholds(), &p);
}
BENCHMARK(BM_FromChunks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CollectDefault)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CollectObjectStore)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chunkhouse

BENCHMARK_MAIN();
