#pragma once
// MCAP files without a usable summary (a recording cut short, a writer that never finished):
// the data section scanned record by record, as rerun-sdk 0.36.2's `recover=True` does
// (notes/mcap.md §5). Complete chunks followed by their message indexes are kept; channels and
// schemas are harvested from the data section; statistics are rebuilt from what was kept.
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/mcap/reader.h"

namespace chunkhouse::mcap {

// The data section's chunks and metadata, found without decompressing anything.
struct ChunkScan {
  std::vector<ChunkIndex> chunks;  // every complete Chunk, with the message indexes that follow it
  std::vector<MetadataIndex> metadata;
  bool unchunked_messages = false;
  std::vector<std::string> warnings;

  // An unchunked file cannot be recovered (its messages have no index): Rerun's text.
  Status RejectIfUnrecoverable() const;
  // The chunks with at least one message index (those a reconstructed summary keeps).
  std::vector<ChunkIndex> Usable() const;
};

// "Not an MCAP file: missing start magic" when the file does not start with MCAP's magic.
Result<ChunkScan> ScanChunkIndex(io::ReadSource& source);

// The summary rebuilt from the data section (statistics included, attachments not).
Result<Summary> ReconstructSummary(const Reader& reader, std::vector<std::string>* warnings);

// The file's own summary, or with `recover` a reconstructed one when it has none or it cannot
// be read (`*reconstructed` says which). Errors are unprefixed; callers add their context.
Result<Summary> ReadOrReconstructSummary(Reader& reader, bool recover, bool* reconstructed,
                                         std::vector<std::string>* warnings);

}  // namespace chunkhouse::mcap
