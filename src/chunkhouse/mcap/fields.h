#pragma once
// Reading the fields of an MCAP record body (little-endian integers, length-prefixed strings,
// bytes and maps), each read checked against what is left. Internal to mcap/.
#include <cstdint>
#include <cstring>
#include <string>

#include "chunkhouse/mcap/reader.h"

namespace chunkhouse::mcap {

class Fields {
 public:
  Fields(const uint8_t* data, uint64_t size) : p_(data), end_(data + size), begin_(data) {}

  bool U8(uint8_t* v) { return Fixed(v); }
  bool U16(uint16_t* v) { return Fixed(v); }
  bool U32(uint32_t* v) { return Fixed(v); }
  bool U64(uint64_t* v) { return Fixed(v); }
  bool String(std::string* s) {
    uint32_t n = 0;
    if (!U32(&n) || n > left()) return false;
    s->assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  // Bytes with a 32- or 64-bit length prefix: (offset from the body's start, length).
  template <typename Len>
  bool Bytes(uint64_t* at, uint64_t* n) {
    Len len = 0;
    if (!Fixed(&len) || len > left()) return false;
    *at = static_cast<uint64_t>(p_ - begin_);
    *n = len;
    p_ += len;
    return true;
  }
  bool Map(KeyValues* out) {
    uint32_t bytes = 0;
    if (!U32(&bytes) || bytes > left()) return false;
    Fields inner(p_, bytes);
    p_ += bytes;
    while (inner.left() > 0) {
      std::string k, v;
      if (!inner.String(&k) || !inner.String(&v)) return false;
      out->emplace_back(std::move(k), std::move(v));
    }
    return true;
  }
  uint64_t left() const { return static_cast<uint64_t>(end_ - p_); }
  uint64_t consumed() const { return static_cast<uint64_t>(p_ - begin_); }

 private:
  template <typename T>
  bool Fixed(T* v) {
    if (left() < sizeof(T)) return false;
    std::memcpy(v, p_, sizeof(T));  // MCAP is little-endian, as is every machine we build for
    p_ += sizeof(T);
    return true;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
};

constexpr uint64_t kRecordHeader = 9;  // opcode (1) + length (8)

}  // namespace chunkhouse::mcap
