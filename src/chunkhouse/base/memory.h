#pragma once
// The Arrow memory pool chunkhouse's decoders and queries allocate from.
#include <arrow/memory_pool.h>

namespace chunkhouse {

// jemalloc when Arrow has it, else Arrow's default. Arrow's default in the pyarrow wheel is
// mimalloc, which hands freed memory back as transparent huge pages that the kernel must zero
// again on the next query (measured: ~20% of a dataset query's CPU); jemalloc keeps it.
// CHUNKHOUSE_MEMORY_POOL=jemalloc|mimalloc|system|default chooses explicitly.
arrow::MemoryPool* MemoryPool();

}  // namespace chunkhouse
