#include "chunkhouse/rrd/framing.h"

#include <xxhash.h>

#include <cstring>

namespace chunkhouse::rrd {

namespace {
void StoreLE64(uint64_t v, uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void StoreLE32(uint32_t v, uint8_t* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
}  // namespace

uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::string CrateVersion::ToString() const {
  std::string s = fmt::format("{}.{}.{}", major, minor, patch);
  uint8_t n = meta & 0x3F;
  switch (meta >> 6) {
    case 1: s += fmt::format("-rc.{}", n); break;
    case 2: s += fmt::format("-alpha.{}", n); break;
    case 3: s += fmt::format("-alpha.{}+dev", n); break;
    default: break;
  }
  return s;
}

int32_t CrateVersion::ToBits() const {
  uint32_t u = static_cast<uint32_t>(major) | (static_cast<uint32_t>(minor) << 8) |
               (static_cast<uint32_t>(patch) << 16) | (static_cast<uint32_t>(meta) << 24);
  return static_cast<int32_t>(u);
}

CrateVersion CrateVersion::FromBits(int32_t bits) {
  uint32_t u = static_cast<uint32_t>(bits);
  return CrateVersion{static_cast<uint8_t>(u), static_cast<uint8_t>(u >> 8),
                      static_cast<uint8_t>(u >> 16), static_cast<uint8_t>(u >> 24)};
}

std::array<uint8_t, kStreamHeaderSize> StreamHeader::Encode() const {
  return {'R', 'R', 'F', '2', version.major, version.minor, version.patch, version.meta,
          static_cast<uint8_t>(lz4 ? 1 : 0), 2, 0, 0};
}

Result<StreamHeader> StreamHeader::Parse(const uint8_t* b, std::string_view file, uint64_t offset) {
  if (std::memcmp(b, "RRF0", 4) == 0 || std::memcmp(b, "RRF1", 4) == 0) {
    return ParseErrorF(file, offset, "stream header magic '{}' is from an old, incompatible Rerun "
                       "version; expected 'RRF2'", std::string_view(reinterpret_cast<const char*>(b), 4));
  }
  if (std::memcmp(b, "RRF2", 4) != 0) {
    return ParseErrorF(file, offset, "not an .rrd stream: expected the magic 'RRF2', found bytes "
                       "{:02x} {:02x} {:02x} {:02x}", b[0], b[1], b[2], b[3]);
  }
  StreamHeader h;
  h.version = CrateVersion{b[4], b[5], b[6], b[7]};
  if (b[8] > 1) {
    return ParseErrorF(file, offset + 8, "stream header compression byte is {}, expected 0 (off) or 1 (LZ4)", b[8]);
  }
  h.lz4 = b[8] == 1;
  if (b[9] == 1) {
    return ParseError(file, offset + 9, "stream uses the old MsgPack serializer (Rerun < 0.23); "
                      "expected serializer 2 (protobuf)");
  }
  if (b[9] != 2) {
    return ParseErrorF(file, offset + 9, "stream header serializer byte is {}, expected 2 (protobuf)", b[9]);
  }
  if (b[10] != 0 || b[11] != 0) {
    return ParseError(file, offset + 10, "stream header reserved bytes must be zero");
  }
  // 00 00 00 00 stands for 0.2.0; everything before 0.23 is another format.
  CrateVersion v = h.version;
  if (v.major == 0 && v.minor == 0 && v.patch == 0 && v.meta == 0) v.minor = 2;
  if (v.major == 0 && v.minor < 23) {
    return ParseErrorF(file, offset + 4, "stream written by Rerun {}, which is too old: expected "
                       "version 0.23.0 or newer", v.ToString());
  }
  return h;
}

std::array<uint8_t, kMessageHeaderSize> MessageHeader::Encode() const {
  std::array<uint8_t, kMessageHeaderSize> out{};
  StoreLE64(kind, out.data());
  StoreLE64(len, out.data() + 8);
  return out;
}

MessageHeader MessageHeader::Parse(const uint8_t* b) { return MessageHeader{LoadLE64(b), LoadLE64(b + 8)}; }

std::array<uint8_t, kStreamFooterSize> StreamFooter::Encode() const {
  std::array<uint8_t, kStreamFooterSize> out{};
  StoreLE64(rrd_footer_start, out.data());
  StoreLE64(rrd_footer_len, out.data() + 8);
  StoreLE32(crc, out.data() + 16);
  std::memcpy(out.data() + 20, "RRF2FOOT", 8);
  StoreLE32(1, out.data() + 28);
  return out;
}

bool StreamFooter::LooksLikeFooter(const uint8_t* b) { return std::memcmp(b + 20, "RRF2FOOT", 8) == 0; }

Result<StreamFooter> StreamFooter::Parse(const uint8_t* b, std::string_view file, uint64_t offset) {
  if (!LooksLikeFooter(b)) {
    return ParseError(file, offset + 20, "expected the stream footer tag 'RRF2FOOT'");
  }
  uint32_t entries = LoadLE32(b + 28);
  if (entries != 1) {
    return ParseErrorF(file, offset + 28, "stream footer has {} entries, expected 1", entries);
  }
  return StreamFooter{LoadLE64(b), LoadLE64(b + 8), LoadLE32(b + 16)};
}

uint32_t FooterCrc(const uint8_t* data, size_t len) { return XXH32(data, len, kFooterCrcSeed); }

}  // namespace chunkhouse::rrd
