#include "chunkhouse/redap/ids.h"

#include <charconv>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/redap/cloud.pb.h"

namespace chunkhouse::redap {

std::string EntryIdString(const rerun::cloud::v1alpha1::EntryId& id) {
  return Tuid{id.id().time_ns(), id.id().inc()}.ToString();
}

Result<std::string> ParseEntryId(std::string_view text) {
  auto id = Tuid::Parse(text, "entry");
  if (!id.ok()) return InvalidArgument("'{}' is not a valid entry id (32 hex digits)", Quote(text, 80));
  return id->ToString();
}

void SetEntryId(std::string_view id, rerun::cloud::v1alpha1::EntryId* out) {
  auto tuid = Tuid::Parse(id, "entry").ValueOr(Tuid{});
  out->mutable_id()->set_time_ns(tuid.time_ns);
  out->mutable_id()->set_inc(tuid.inc);
}

std::string ChunkKey::Encode() const { return fmt::format("{}\n{}\n{}", dataset_id, segment_id, index); }

Result<ChunkKey> ChunkKey::Decode(std::string_view key) {
  auto a = key.find('\n'), b = key.rfind('\n');
  if (a == std::string_view::npos || a == b) return InvalidArgument("undecodable chunk_key");
  ChunkKey out{std::string(key.substr(0, a)), std::string(key.substr(a + 1, b - a - 1)), 0};
  std::string_view digits = key.substr(b + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.index);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return InvalidArgument("undecodable chunk_key");
  }
  return out;
}

}  // namespace chunkhouse::redap
