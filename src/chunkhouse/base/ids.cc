#include "chunkhouse/base/ids.h"

#include <atomic>
#include <cstring>
#include <chrono>
#include <random>

namespace chunkhouse {

namespace {
uint64_t LoadBE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
void StoreBE64(uint64_t v, uint8_t* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Tuid Tuid::FromBytes(const uint8_t* be16) { return Tuid{LoadBE64(be16), LoadBE64(be16 + 8)}; }

void Tuid::ToBytes(uint8_t* be16) const {
  StoreBE64(time_ns, be16);
  StoreBE64(inc, be16 + 8);
}

std::string Tuid::ToString() const { return fmt::format("{:016X}{:016x}", time_ns, inc); }

Result<Tuid> Tuid::Parse(std::string_view text, std::string_view prefix) {
  std::string_view hex = text;
  if (auto us = text.find('_'); us != std::string_view::npos) {
    if (text.substr(0, us) != prefix) {
      return Status::Invalid(fmt::format("id '{}': expected the prefix '{}_'", text, prefix));
    }
    hex = text.substr(us + 1);
  }
  if (hex.size() != 32) {
    return Status::Invalid(fmt::format("id '{}': expected 32 hex digits", text));
  }
  uint64_t halves[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    int v = HexValue(hex[i]);
    if (v < 0) return Status::Invalid(fmt::format("id '{}': '{}' is not a hex digit", text, hex[i]));
    halves[i / 16] = (halves[i / 16] << 4) | static_cast<uint64_t>(v);
  }
  return Tuid{halves[0], halves[1]};
}

Tuid Tuid::New() {
  thread_local uint64_t counter = [] {
    std::random_device rd;
    return ((static_cast<uint64_t>(rd()) << 32) | rd()) & ~(uint64_t{1} << 63);
  }();
  thread_local uint64_t last_time = 0;
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  // Keep time monotonic within the thread even if the wall clock steps back.
  last_time = std::max(last_time, now);
  return Tuid{last_time, ++counter};
}

std::string ChunkIdString(const Tuid& id) { return "chunk_" + id.ToString(); }

std::string_view StoreKindName(StoreKind kind) {
  return kind == StoreKind::kBlueprint ? "blueprint" : "recording";
}

std::string StoreId::ToString() const {
  return fmt::format("{}(app={}, rec={})", StoreKindName(kind), application_id, recording_id);
}

}  // namespace chunkhouse
