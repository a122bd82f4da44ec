#pragma once
// The Arrow memory pool chunkhouse's query results are built in (the engine's output columns
// and the dataset reader's assembled table).
#include <arrow/memory_pool.h>

namespace chunkhouse {

// jemalloc when Arrow has it, else Arrow's default. Arrow's default in the pyarrow wheel is
// mimalloc, which hands freed memory back as transparent huge pages that the kernel must zero
// again on the next query (measured: ~20% of a dataset query's CPU); jemalloc keeps it.
// Decoded chunks stay in the default pool: decoding a whole file is faster there (huge pages,
// fewer faults: bench/bench_rrd_read.py). CHUNKHOUSE_MEMORY_POOL=jemalloc|mimalloc|system|default
// chooses explicitly.
arrow::MemoryPool* MemoryPool();

}  // namespace chunkhouse
