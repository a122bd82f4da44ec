#include "chunkhouse/base/memory.h"

#include <cstdlib>
#include <string_view>

namespace chunkhouse {

namespace {

arrow::MemoryPool* Choose() {
  const char* env = std::getenv("CHUNKHOUSE_MEMORY_POOL");
  std::string_view wanted = env ? env : "jemalloc";
  arrow::MemoryPool* pool = nullptr;
  if (wanted == "jemalloc" && arrow::jemalloc_memory_pool(&pool).ok()) return pool;
  if (wanted == "mimalloc" && arrow::mimalloc_memory_pool(&pool).ok()) return pool;
  if (wanted == "system") return arrow::system_memory_pool();
  return arrow::default_memory_pool();
}

}  // namespace

arrow::MemoryPool* MemoryPool() {
  static arrow::MemoryPool* const pool = Choose();
  return pool;
}

}  // namespace chunkhouse
