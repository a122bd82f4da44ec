// Micro-benchmarks of what a dataset query does per segment on the client: decode the chunks
// as they arrive from FetchChunks, then run the filled query over them.
//   cmake -DCHUNKHOUSE_BUILD_BENCHMARKS=ON ... && build/bench/bench_segment
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <benchmark/benchmark.h>

#include "chunkhouse/chunk/sample.h"
#include "chunkhouse/query/query.h"
#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/writer.h"
#include "chunkhouse/store/store.h"

namespace chunkhouse {
namespace {

const StoreId kStore{StoreKind::kRecording, "bench", "rec"};

// The sample recording's chunks as FetchChunks sends them: encoded, LZ4-compressed ArrowMsgs.
std::vector<std::shared_ptr<arrow::Buffer>> EncodedSample(int frames) {
  std::vector<std::shared_ptr<arrow::Buffer>> out;
  for (const auto& chunk : MakeSampleRecording(frames).ValueOrDie()) {
    auto msg = rrd::EncodeArrowMsg(kStore, *chunk, /*compress=*/true).ValueOrDie();
    out.push_back(arrow::Buffer::FromString(std::move(msg.bytes)));
  }
  return out;
}

std::vector<std::shared_ptr<Chunk>> Decode(const std::vector<std::shared_ptr<arrow::Buffer>>& messages) {
  const rrd::Where where{"bench", 0};
  std::vector<std::shared_ptr<Chunk>> chunks;
  for (const auto& m : messages) {
    auto envelope = rrd::DecodeArrowMsg(m, where).ValueOrDie();
    chunks.push_back(rrd::DecodeChunk(envelope, where).ValueOrDie());
  }
  return chunks;
}

void BM_DecodeChunks(benchmark::State& state) {
  auto messages = EncodedSample(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Decode(messages));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(messages.size()));
}
BENCHMARK(BM_DecodeChunks)->Arg(200)->Arg(20000);

void BM_FilledQuery(benchmark::State& state) {
  auto chunks = Decode(EncodedSample(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto store = ChunkStore::FromChunks(chunks).ValueOrDie();
    query::QueryExpression q;
    q.index = "frame";
    q.fill_latest_at = true;
    auto table = query::Execute(store, q).ValueOrDie()->ToTable().ValueOrDie();
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FilledQuery)->Arg(200)->Arg(20000);

// What registration does per file: open it and read its footer (no chunk is decoded).
void BM_OpenFooter(benchmark::State& state) {
  const std::string path = "/tmp/chunkhouse_bench_footer.rrd";
  {
    auto writer = rrd::RrdWriter::Open(path).ValueOrDie();
    (void)writer->WriteStoreInfo(kStore);
    for (const auto& chunk : MakeSampleRecording(200).ValueOrDie()) (void)writer->WriteChunk(kStore, *chunk);
    (void)writer->Close();
  }
  for (auto _ : state) benchmark::DoNotOptimize(rrd::IndexedReader::Open(path).ValueOrDie());
  std::remove(path.c_str());
}
BENCHMARK(BM_OpenFooter);

}  // namespace
}  // namespace chunkhouse

BENCHMARK_MAIN();
