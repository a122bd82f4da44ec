#pragma once
// The fixed-size binary frames of an .rrd stream: the 12-byte StreamHeader, the 16-byte
// MessageHeader and the 32-byte StreamFooter. All integers are little-endian.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse::rrd {

inline constexpr size_t kStreamHeaderSize = 12;
inline constexpr size_t kMessageHeaderSize = 16;
inline constexpr size_t kStreamFooterSize = 32;
// xxHash32 seed of the footer checksum ("RERUN" read as a base-26 number).
inline constexpr uint32_t kFooterCrcSeed = 7850921;

// [major, minor, patch, meta]; meta encodes -rc/-alpha/+dev, ignored for compatibility.
struct CrateVersion {
  uint8_t major = 0, minor = 36, patch = 2, meta = 0;
  std::string ToString() const;
  int32_t ToBits() const;  // the 4 bytes as a little-endian i32 (StoreVersion)
  static CrateVersion FromBits(int32_t bits);
};
inline constexpr CrateVersion kWriterVersion{0, 36, 2, 0};  // the Sorbet rules we follow

struct StreamHeader {
  CrateVersion version;
  bool lz4 = true;  // advisory only: each ArrowMsg says how it is compressed
  std::array<uint8_t, kStreamHeaderSize> Encode() const;
  // Validates magic, serializer, reserved bytes and version (>= 0.23).
  static Result<StreamHeader> Parse(const uint8_t* bytes, std::string_view file, uint64_t offset);
};

enum class MessageKind : uint64_t { kEnd = 0, kSetStoreInfo = 1, kArrowMsg = 2, kBlueprintActivation = 3 };

struct MessageHeader {
  uint64_t kind = 0;  // raw; valid kinds are 0..3
  uint64_t len = 0;
  bool valid_kind() const { return kind <= 3; }
  std::array<uint8_t, kMessageHeaderSize> Encode() const;
  static MessageHeader Parse(const uint8_t* bytes);
};

struct StreamFooter {
  uint64_t rrd_footer_start = 0;  // of the RrdFooter payload, relative to the stream start
  uint64_t rrd_footer_len = 0;
  uint32_t crc = 0;
  std::array<uint8_t, kStreamFooterSize> Encode() const;
  // True when the trailing 12 bytes are "RRF2" "FOOT" <count>.
  static bool LooksLikeFooter(const uint8_t* bytes);
  static Result<StreamFooter> Parse(const uint8_t* bytes, std::string_view file, uint64_t offset);
};

uint32_t FooterCrc(const uint8_t* data, size_t len);

uint64_t LoadLE64(const uint8_t* p);
uint32_t LoadLE32(const uint8_t* p);

}  // namespace chunkhouse::rrd
