// libFuzzer target: arbitrary bytes through the MCAP container reader (every message of the
// data section, chunks decompressed, then the summary) and the importer (the summary's chunks,
// attachments and metadata read by offset, turned into chunks), and the recovery of a summary
// from the data section. Errors are the expected outcome; a
// crash, hang, leak or an allocation beyond the limits is a bug.
#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include "chunkhouse/mcap/importer.h"
#include "chunkhouse/mcap/reader.h"
#include "chunkhouse/mcap/recover.h"

using namespace chunkhouse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = std::make_shared<arrow::Buffer>(data, static_cast<int64_t>(size));
  auto source = io::SourceOf("fuzz.mcap", std::make_shared<arrow::io::BufferReader>(bytes), size);
  mcap::Limits limits;
  limits.max_chunk_bytes = 64 << 20;  // libFuzzer's memory limit is 2 GiB
  auto reader = mcap::Reader::Open(source, limits);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 1000000; ++i) {
    auto next = (*reader)->Next();
    if (!next.ok() || !*next) break;
  }
  auto summary = (*reader)->ReadSummary();
  if (summary.ok() && *summary) (void)(*reader)->MessageIndexCounts(**summary);
  // The importer: what the summary points at (chunks, attachments, metadata) read by offset.
  auto importer = mcap::McapImporter::Open(source, mcap::ImportOptions{});
  if (!importer.ok()) {
    mcap::ImportOptions raw;
    raw.decoders = std::vector<std::string>{"raw", "attachments", "metadata", "schema", "stats", "recording_info"};
    importer = mcap::McapImporter::Open(source, raw);
  }
  if (importer.ok()) {
    for (int i = 0; i < 100000; ++i) {
      auto next = (*importer)->Next();
      if (!next.ok() || !*next) break;
    }
  }
  // Recovery: the data section scanned record by record, a summary rebuilt from it.
  (void)mcap::ScanChunkIndex(*source);
  mcap::ImportOptions recover;
  recover.recover = true;
  recover.decoders = std::vector<std::string>{"raw", "metadata", "stats", "recording_info"};
  auto recovered = mcap::McapImporter::Open(source, recover);
  if (recovered.ok()) {
    for (int i = 0; i < 100000; ++i) {
      auto next = (*recovered)->Next();
      if (!next.ok() || !*next) break;
    }
  }
  return 0;
}
