#include "chunkhouse/mcap/recover.h"

#include <arrow/buffer.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "chunkhouse/mcap/fields.h"

namespace chunkhouse::mcap {

Status ChunkScan::RejectIfUnrecoverable() const {
  if (unchunked_messages && chunks.empty()) {
    return InvalidArgument(
        "Cannot recover an unchunked MCAP file: its messages are stored outside chunks. Re-record with chunking "
        "enabled, or run `mcap recover`");
  }
  return Status::OK();
}

std::vector<ChunkIndex> ChunkScan::Usable() const {
  std::vector<ChunkIndex> out;
  for (const auto& c : chunks) {
    if (!c.channels.empty()) out.push_back(c);
  }
  return out;
}

Result<ChunkScan> ScanChunkIndex(io::ReadSource& source) {
  const uint64_t size = source.size();
  uint8_t magic[8];
  if (size < 8 || !source.ReadAt(0, 8, magic).ok() || std::memcmp(magic, kMagic, 8) != 0) {
    return InvalidArgument("Not an MCAP file: missing start magic");
  }
  ChunkScan scan;
  std::map<uint16_t, uint64_t> indexes;  // of the current chunk, by channel (a later one wins)
  auto close_chunk = [&] {
    if (scan.chunks.empty()) return;
    auto& c = scan.chunks.back();
    for (const auto& [channel, at] : indexes) {
      c.channels.push_back(channel);
      c.message_index_offsets.push_back(at);
    }
    indexes.clear();
  };
  uint64_t off = 8;
  while (off + kRecordHeader <= size) {
    uint8_t header[kRecordHeader];
    ARROW_ASSIGN_OR_RAISE(auto got, source.ReadAt(off, kRecordHeader, header));
    if (got != static_cast<int64_t>(kRecordHeader)) break;
    const uint8_t opcode = header[0];
    uint64_t length = 0;
    std::memcpy(&length, header + 1, 8);
    const uint64_t body_at = off + kRecordHeader;
    if (length > size - body_at) {
      scan.warnings.push_back(fmt::format(
          "MCAP file appears truncated; dropping {} trailing byte(s) after the last complete record", size - off));
      break;
    }
    // What the scan needs of a record: the start of a Chunk (its header, not its records), a
    // Message Index's channel, a Metadata record's name.
    const uint64_t want = opcode == kChunk ? std::min<uint64_t>(length, 4096) : opcode == kMessageIndex ? std::min<uint64_t>(length, 2)
                          : opcode == kMetadata ? std::min<uint64_t>(length, 65536) : 0;
    std::shared_ptr<arrow::Buffer> body;
    if (want > 0) {
      ARROW_ASSIGN_OR_RAISE(body, source.ReadAt(body_at, want));
    } else {
      body = std::make_shared<arrow::Buffer>(nullptr, 0);
    }
    bool stop = false;
    switch (opcode) {
      case kChunk: {
        Fields f(body->data(), static_cast<uint64_t>(body->size()));
        ChunkIndex c;
        uint32_t crc = 0;
        if (!f.U64(&c.message_start_time) || !f.U64(&c.message_end_time) || !f.U64(&c.uncompressed_size) ||
            !f.U32(&crc) || !f.String(&c.compression) || !f.U64(&c.compressed_size)) {
          scan.warnings.push_back("Failed to parse an MCAP chunk header. Stopping chunk index recovery.");
          stop = true;
          break;
        }
        close_chunk();
        c.chunk_start_offset = off;
        c.chunk_length = kRecordHeader + length;
        scan.chunks.push_back(std::move(c));
        break;
      }
      case kMessageIndex: {
        if (body->size() < 2) {
          scan.warnings.push_back("Failed to parse an MCAP message index; dropping the tail");
          stop = true;
          break;
        }
        uint16_t channel = 0;
        std::memcpy(&channel, body->data(), 2);
        if (!scan.chunks.empty()) indexes[channel] = off;
        break;
      }
      case kMetadata: {
        Fields f(body->data(), static_cast<uint64_t>(body->size()));
        MetadataIndex m;
        if (f.String(&m.name)) {
          m.offset = off;
          m.length = kRecordHeader + length;
          scan.metadata.push_back(std::move(m));
        }
        break;
      }
      case kMessage:
        scan.unchunked_messages = true;
        break;
      case kHeader: case kSchema: case kChannel: case kAttachment:
        break;
      case kDataEnd: case kFooter: case kChunkIndex: case kAttachmentIndex: case kStatistics: case kMetadataIndex:
      case kSummaryOffset:
        stop = true;
        break;
      default:
        scan.warnings.push_back(
            fmt::format("Encountered an unexpected MCAP record (opcode {:#04x}); dropping the tail", opcode));
        stop = true;
    }
    if (stop) break;
    off = body_at + length;
  }
  close_chunk();
  return scan;
}

Result<Summary> ReconstructSummary(const Reader& reader, std::vector<std::string>* warnings) {
  ARROW_ASSIGN_OR_RAISE(ChunkScan scan, ScanChunkIndex(*reader.source()));
  warnings->insert(warnings->end(), scan.warnings.begin(), scan.warnings.end());
  ARROW_RETURN_NOT_OK(scan.RejectIfUnrecoverable());
  Summary summary;
  summary.chunk_indexes = scan.Usable();
  if (summary.chunk_indexes.size() != scan.chunks.size()) {
    warnings->push_back(fmt::format("Dropping {} MCAP chunk(s) with no message indexes (truncated tail)",
                                    scan.chunks.size() - summary.chunk_indexes.size()));
  }
  std::set<uint16_t> referenced;
  for (const auto& c : summary.chunk_indexes) referenced.insert(c.channels.begin(), c.channels.end());
  // Channel and schema definitions: from the data section, read until every channel a kept
  // chunk refers to is known (or the file ends, cut short).
  auto walker = reader.Fork();
  auto all_known = [&] {
    return std::all_of(referenced.begin(), referenced.end(), [&](uint16_t id) { return walker->channels().count(id) > 0; });
  };
  while (!all_known()) {
    auto next = walker->Next();
    if (!next.ok() || !*next) break;
  }
  for (uint16_t id : referenced) {
    auto c = walker->channels().find(id);
    if (c == walker->channels().end()) continue;
    summary.channels[id] = c->second;
    auto s = walker->schemas().find(c->second.schema_id);
    if (c->second.schema_id != 0 && s != walker->schemas().end()) summary.schemas[s->first] = s->second;
  }
  size_t unresolved = 0;
  for (uint16_t id : referenced) unresolved += summary.channels.count(id) ? 0 : 1;
  if (unresolved > 0) {
    warnings->push_back(fmt::format("Dropping {} MCAP channel(s) whose definition was lost in the truncated tail", unresolved));
    std::vector<ChunkIndex> kept;
    for (auto& c : summary.chunk_indexes) {
      ChunkIndex k = c;
      k.channels.clear();
      k.message_index_offsets.clear();
      for (size_t i = 0; i < c.channels.size(); ++i) {
        if (!summary.channels.count(c.channels[i])) continue;
        k.channels.push_back(c.channels[i]);
        k.message_index_offsets.push_back(c.message_index_offsets[i]);
      }
      if (!k.channels.empty()) kept.push_back(std::move(k));
    }
    summary.chunk_indexes = std::move(kept);
  }
  summary.metadata_indexes = std::move(scan.metadata);
  // Statistics from what was kept: messages per channel from the chunks' message indexes (the
  // last chunk's own records, when they can be read, as its index may be cut short).
  std::map<uint16_t, uint64_t> counts;
  if (!summary.chunk_indexes.empty()) {
    Summary rest = summary;
    const ChunkIndex last = rest.chunk_indexes.back();
    rest.chunk_indexes.pop_back();
    auto from_body = reader.Fork()->ChunkMessages(last);
    if (from_body.ok()) {
      for (const auto& m : *from_body) ++counts[m.channel_id];
    } else {
      Summary only_last;
      only_last.chunk_indexes = {last};
      auto indexed = reader.Fork()->MessageIndexCounts(only_last);
      if (indexed.ok()) counts = *indexed;
    }
    auto indexed = reader.Fork()->MessageIndexCounts(rest);
    if (indexed.ok()) {
      for (const auto& [id, n] : *indexed) counts[id] += n;
    }
  }
  Statistics st;
  for (const auto& [id, n] : counts) {
    st.message_count += n;
    st.channel_message_counts.emplace_back(id, n);
  }
  st.schema_count = static_cast<uint16_t>(summary.schemas.size());
  st.channel_count = static_cast<uint32_t>(summary.channels.size());
  st.metadata_count = static_cast<uint32_t>(summary.metadata_indexes.size());
  st.chunk_count = static_cast<uint32_t>(summary.chunk_indexes.size());
  uint64_t lo = std::numeric_limits<uint64_t>::max(), hi = 0;
  for (const auto& c : summary.chunk_indexes) {
    lo = std::min(lo, c.message_start_time);
    hi = std::max(hi, c.message_end_time);
  }
  st.message_start_time = summary.chunk_indexes.empty() ? 0 : lo;
  st.message_end_time = hi;
  summary.statistics = std::move(st);
  return summary;
}

Result<Summary> ReadOrReconstructSummary(Reader& reader, bool recover, bool* reconstructed,
                                         std::vector<std::string>* warnings) {
  *reconstructed = false;
  auto summary = reader.ReadSummary();
  if (summary.ok() && *summary) return std::move(**summary);
  if (!recover) {
    if (!summary.ok()) return summary.status();
    return InvalidArgument("{}", reader.file_size() >= 8 + 29 + 8 ? "MCAP file does not contain a summary"
                                                                    : "Bad magic number");
  }
  warnings->push_back(summary.ok() ? "MCAP file has no summary; reconstructing one in memory. The file may be truncated"
                                   : "Failed to read the MCAP summary; reconstructing one in memory. The file may be truncated");
  *reconstructed = true;
  return ReconstructSummary(reader, warnings);
}

}  // namespace chunkhouse::mcap
