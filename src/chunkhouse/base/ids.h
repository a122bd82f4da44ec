#pragma once
// TUIDs (row ids, chunk ids) and store ids.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse {

// 128-bit time-based unique id: time_ns in the high half, a counter in the low half.
// In Arrow it is 16 big-endian bytes, so byte order equals numeric order.
struct Tuid {
  uint64_t time_ns = 0;
  uint64_t inc = 0;

  auto operator<=>(const Tuid&) const = default;

  static Tuid FromBytes(const uint8_t* be16);
  void ToBytes(uint8_t* be16) const;

  // "%016X%016x", Rerun's canonical form (upper-case time, lower-case counter).
  std::string ToString() const;
  // Accepts the 32 hex digits with an optional "<prefix>_" namespace (e.g. "chunk").
  static Result<Tuid> Parse(std::string_view text, std::string_view prefix);

  // A fresh id: wall-clock nanoseconds, then a per-thread counter; strictly increasing
  // within a thread.
  static Tuid New();
};

std::string ChunkIdString(const Tuid& id);  // "chunk_<hex>"

enum class StoreKind { kRecording, kBlueprint };
std::string_view StoreKindName(StoreKind kind);  // "recording" | "blueprint"

struct StoreId {
  StoreKind kind = StoreKind::kRecording;
  std::string application_id;
  std::string recording_id;

  auto operator<=>(const StoreId&) const = default;
  std::string ToString() const;
};

}  // namespace chunkhouse
