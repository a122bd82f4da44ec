#pragma once
// A chunk as Rerun's `Chunk.format()` shows it: an outer table with the chunk's metadata around
// an inner table with one column per field (name, type and field metadata in the header) and one
// row per chunk row. Byte-for-byte what rerun-sdk 0.36.2 prints; see /work/notes/format.md.
#include <arrow/type_fwd.h>

#include <string>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

struct FormatOptions {
  // Table width; only its low 16 bits count, as Rerun truncates it to u16. The inner table's
  // columns are capped by it, but long metadata lines can make the output wider.
  int width = 240;
  // Replace non-deterministic values (row ids, chunk id, Sorbet version) by [**REDACTED**].
  bool redact = false;
  // Drop the `rerun:` / `sorbet:` prefixes of metadata keys.
  bool trim_metadata_keys = true;
};

// The table text, lines joined by '\n', no trailing newline.
std::string FormatChunk(const Chunk& chunk, const FormatOptions& options = {});
// The same for any record batch (a chunk is shown through its Sorbet record batch).
std::string FormatRecordBatch(const arrow::RecordBatch& batch, const FormatOptions& options = {});

}  // namespace chunkhouse
