#pragma once
// Entry ids and chunk keys as the protocol carries them.
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace rerun::cloud::v1alpha1 {
class EntryId;
}

namespace chunkhouse::redap {

// Entry ids are Tuids, written as 32 hex digits ("entry_" prefix accepted when parsing).
std::string EntryIdString(const rerun::cloud::v1alpha1::EntryId& id);
Result<std::string> ParseEntryId(std::string_view text);  // canonical 32 hex digits
// `id` must be a valid entry id (as from ParseEntryId or the catalog).
void SetEntryId(std::string_view id, rerun::cloud::v1alpha1::EntryId* out);

// A chunk key names a chunk for FetchChunks: the dataset, the segment and the chunk's position
// in its file's index, never a path. Opaque to clients, which send it back as they got it.
struct ChunkKey {
  std::string dataset_id;
  std::string segment_id;
  size_t index = 0;

  std::string Encode() const;
  static Result<ChunkKey> Decode(std::string_view key);
};

}  // namespace chunkhouse::redap
