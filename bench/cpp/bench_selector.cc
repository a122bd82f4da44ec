// The C++ side of a selector run as a lens runs it: execute_per_row on one 1,000-row chunk
// column of list<struct<x, y, poses: list<struct<x>>>> (null and empty rows), per selector. A
// DeriveLens over 1M rows in 1,000 chunks costs 1,000 of these (bench_selector.py compares the
// Python API with rerun-sdk's).
//   cmake -DCHUNKHOUSE_BUILD_BENCHMARKS=ON ... && build/bench/bench_selector
#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <benchmark/benchmark.h>

#include <string>

#include "chunkhouse/transform/selector.h"

namespace chunkhouse::transform {
namespace {

std::shared_ptr<arrow::Array> Column() {
  auto f64 = arrow::float64();
  auto poses = arrow::list(arrow::struct_({arrow::field("x", f64)}));
  auto type = arrow::list(arrow::struct_({arrow::field("x", f64), arrow::field("y", f64), arrow::field("poses", poses)}));
  std::string json = "[";
  for (int r = 0; r < 1000; ++r) {
    json += r ? "," : "";
    if (r % 97 == 0) {
      json += "null";
    } else if (r % 89 == 0) {
      json += "[]";
    } else {
      std::string y = r % 13 == 0 ? "null" : std::to_string(r);
      json += "[{\"x\":" + std::to_string(r) + ",\"y\":" + y + ",\"poses\":[{\"x\":1},{\"x\":2}]}]";
    }
  }
  return arrow::json::ArrayFromJSONString(type, json + "]").ValueOrDie();
}

void BM_ExecutePerRow(benchmark::State& state, const char* query) {
  auto column = Column();
  auto selector = Selector::Parse(query).ValueOrDie();
  for (auto _ : state) benchmark::DoNotOptimize(selector.ExecutePerRow(column).ValueOrDie());
  state.SetItemsProcessed(state.iterations() * column->length());
}

BENCHMARK_CAPTURE(BM_ExecutePerRow, field, ".x");
BENCHMARK_CAPTURE(BM_ExecutePerRow, non_null, ".y!");
BENCHMARK_CAPTURE(BM_ExecutePerRow, each, ".poses[].x");
BENCHMARK_CAPTURE(BM_ExecutePerRow, pack, "pack(.x!, .y!)");
BENCHMARK_CAPTURE(BM_ExecutePerRow, map, ".poses | map(.x)");

}  // namespace
}  // namespace chunkhouse::transform

BENCHMARK_MAIN();
