#pragma once
// A value of type T stored unaligned at a pointer, in either byte order: how the CDR decoder,
// PointCloud2 fields and Foxglove's packed fields read numbers.
#include <algorithm>
#include <cstdint>
#include <cstring>

namespace chunkhouse::mcap {

template <typename T>
T Load(const uint8_t* p, bool big_endian = false) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if (big_endian && sizeof(T) > 1) {
    auto* b = reinterpret_cast<uint8_t*>(&v);
    std::reverse(b, b + sizeof(T));
  }
  return v;
}

}  // namespace chunkhouse::mcap
