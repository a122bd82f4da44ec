#include "chunkhouse/mcap/reader.h"
#include "chunkhouse/mcap/fields.h"

#include <arrow/buffer.h>
#include <fmt/format.h>
#include <lz4frame.h>
#include <zstd.h>

#include <cstring>

namespace chunkhouse::mcap {

namespace {

const char* OpcodeName(uint8_t op) {
  switch (op) {
    case kHeader: return "Header";
    case kFooter: return "Footer";
    case kSchema: return "Schema";
    case kChannel: return "Channel";
    case kMessage: return "Message";
    case kChunk: return "Chunk";
    case kMessageIndex: return "Message Index";
    case kChunkIndex: return "Chunk Index";
    case kAttachment: return "Attachment";
    case kMetadata: return "Metadata";
    case kDataEnd: return "Data End";
    case kAttachmentIndex: return "Attachment Index";
    case kMetadataIndex: return "Metadata Index";
    case kStatistics: return "Statistics";
    case kSummaryOffset: return "Summary Offset";
    default: return "unknown";
  }
}

}  // namespace

Status Reader::Fail(uint64_t offset, const std::string& what) const { return ParseError(source_->name(), offset, what); }

Result<std::unique_ptr<Reader>> Reader::Open(const std::string& path, Limits limits) {
  ARROW_ASSIGN_OR_RAISE(auto source, io::OpenSource(path));
  return Open(std::move(source), limits);
}

Result<std::unique_ptr<Reader>> Reader::Open(std::shared_ptr<io::ReadSource> source, Limits limits) {
  std::unique_ptr<Reader> r(new Reader(std::move(source), limits));
  uint8_t magic[8];
  if (r->source_->size() < 8) return r->Fail(0, "not an MCAP file: shorter than its 8-byte magic");
  ARROW_ASSIGN_OR_RAISE(auto got, r->source_->ReadAt(0, 8, magic));
  if (got != 8 || std::memcmp(magic, kMagic, 8) != 0) {
    return r->Fail(0, "not an MCAP file: expected the magic bytes 89 4D 43 41 50 30 0D 0A");
  }
  uint8_t opcode = 0;
  std::shared_ptr<arrow::Buffer> body;
  uint64_t next = 0;
  ARROW_RETURN_NOT_OK(r->ReadRecordAt(8, &opcode, &body, &next));
  if (opcode != kHeader) return r->Fail(8, fmt::format("expected the Header record, found {} (opcode 0x{:02x})",
                                                       OpcodeName(opcode), opcode));
  Fields f(body->data(), static_cast<uint64_t>(body->size()));
  if (!f.String(&r->header_.profile) || !f.String(&r->header_.library)) return r->Fail(8, "Header record cut short");
  r->offset_ = next;
  return r;
}

std::unique_ptr<Reader> Reader::Fork() const {
  std::unique_ptr<Reader> r(new Reader(source_, limits_));
  r->header_ = header_;
  r->offset_ = offset_;
  return r;
}

Status Reader::ReadRecordAt(uint64_t offset, uint8_t* opcode, std::shared_ptr<arrow::Buffer>* body, uint64_t* next) {
  const uint64_t size = source_->size();
  if (offset > size || size - offset < kRecordHeader) {
    return Fail(offset, fmt::format("a record header needs 9 bytes, {} remain", offset > size ? 0 : size - offset));
  }
  uint8_t head[kRecordHeader];
  ARROW_ASSIGN_OR_RAISE(auto got, source_->ReadAt(offset, kRecordHeader, head));
  if (got != static_cast<int64_t>(kRecordHeader)) return Fail(offset, "short read of a record header");
  *opcode = head[0];
  uint64_t length = 0;
  std::memcpy(&length, head + 1, 8);
  const uint64_t remaining = size - offset - kRecordHeader;
  if (length > remaining) {
    return Fail(offset, fmt::format("{} record claims {} bytes, but only {} remain", OpcodeName(*opcode), length,
                                    remaining));
  }
  ARROW_ASSIGN_OR_RAISE(*body, source_->ReadAt(offset + kRecordHeader, length));
  *next = offset + kRecordHeader + length;
  return Status::OK();
}

Status Reader::Decompress(uint64_t offset, const std::shared_ptr<arrow::Buffer>& body) {
  Fields f(body->data(), static_cast<uint64_t>(body->size()));
  uint64_t start = 0, end = 0, uncompressed = 0, records_at = 0, records_len = 0;
  uint32_t crc = 0;
  std::string compression;
  if (!f.U64(&start) || !f.U64(&end) || !f.U64(&uncompressed) || !f.U32(&crc) || !f.String(&compression) ||
      !f.Bytes<uint64_t>(&records_at, &records_len)) {
    return Fail(offset, "Chunk record cut short");
  }
  const uint8_t* in = body->data() + records_at;
  if (compression.empty()) {
    if (uncompressed != records_len) {
      return Fail(offset, fmt::format("uncompressed Chunk claims {} bytes but holds {}", uncompressed, records_len));
    }
    chunk_ = arrow::SliceBuffer(body, static_cast<int64_t>(records_at), static_cast<int64_t>(records_len));
  } else {
    if (uncompressed > limits_.max_chunk_bytes) {
      return Fail(offset, fmt::format("Chunk claims {} uncompressed bytes, more than the limit of {}", uncompressed,
                                      limits_.max_chunk_bytes));
    }
    if (uncompressed / limits_.max_ratio > records_len) {
      return Fail(offset, fmt::format("Chunk claims {} uncompressed bytes from {} compressed: a ratio above {}",
                                      uncompressed, records_len, limits_.max_ratio));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::AllocateBuffer(static_cast<int64_t>(uncompressed)));
    if (compression == "zstd") {
      size_t n = ZSTD_decompress(out->mutable_data(), uncompressed, in, records_len);
      if (ZSTD_isError(n)) return Fail(offset, fmt::format("zstd Chunk does not decompress: {}", ZSTD_getErrorName(n)));
      if (n != uncompressed) {
        return Fail(offset, fmt::format("zstd Chunk decompresses to {} bytes, not the {} it claims", n, uncompressed));
      }
    } else if (compression == "lz4") {
      LZ4F_dctx* dctx = nullptr;
      if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) return Fail(offset, "lz4: no context");
      size_t out_pos = 0, in_pos = 0, hint = 1;
      while (hint != 0 && in_pos < records_len && out_pos <= uncompressed) {
        size_t out_n = uncompressed - out_pos, in_n = records_len - in_pos;
        hint = LZ4F_decompress(dctx, out->mutable_data() + out_pos, &out_n, in + in_pos, &in_n, nullptr);
        if (LZ4F_isError(hint)) {
          LZ4F_freeDecompressionContext(dctx);
          return Fail(offset, fmt::format("lz4 Chunk does not decompress: {}", LZ4F_getErrorName(hint)));
        }
        out_pos += out_n;
        in_pos += in_n;
        if (out_n == 0 && in_n == 0) break;  // no progress: truncated frame
      }
      LZ4F_freeDecompressionContext(dctx);
      if (hint != 0 || out_pos != uncompressed) {
        return Fail(offset, fmt::format("lz4 Chunk decompresses to {} bytes, not the {} it claims", out_pos, uncompressed));
      }
    } else {
      return Fail(offset, fmt::format("Chunk compression '{}' is not supported (expected '', 'zstd' or 'lz4')",
                                      compression.substr(0, 40)));
    }
    chunk_ = std::shared_ptr<arrow::Buffer>(std::move(out));
  }
  chunk_pos_ = 0;
  chunk_offset_ = offset;
  return Status::OK();
}

Status Reader::Handle(uint8_t opcode, const std::shared_ptr<arrow::Buffer>& body, uint64_t offset,
                      std::optional<Message>* out) {
  return Handle(opcode, ByteView{body, body->data(), body->size()}, offset, out);
}

Status Reader::Handle(uint8_t opcode, const ByteView& body, uint64_t offset,
                      std::optional<Message>* out) {
  Fields f(body.data(), static_cast<uint64_t>(body.size()));
  auto cut = [&] { return Fail(offset, fmt::format("{} record cut short", OpcodeName(opcode))); };
  switch (opcode) {
    case kSchema: {
      Schema s;
      uint64_t at = 0, n = 0;
      if (!f.U16(&s.id) || !f.String(&s.name) || !f.String(&s.encoding) || !f.Bytes<uint32_t>(&at, &n)) return cut();
      s.data.assign(reinterpret_cast<const char*>(body.data() + at), n);
      schemas_[s.id] = std::move(s);
      return Status::OK();
    }
    case kChannel: {
      Channel c;
      if (!f.U16(&c.id) || !f.U16(&c.schema_id) || !f.String(&c.topic) || !f.String(&c.message_encoding) ||
          !f.Map(&c.metadata)) {
        return cut();
      }
      channels_[c.id] = std::move(c);
      return Status::OK();
    }
    case kMessage: {
      Message m;
      if (!f.U16(&m.channel_id) || !f.U32(&m.sequence) || !f.U64(&m.log_time) || !f.U64(&m.publish_time)) return cut();
      m.data = ByteView{body.owner, body.data() + f.consumed(), static_cast<int64_t>(f.left())};
      *out = std::move(m);
      return Status::OK();
    }
    case kAttachment: {
      Attachment a;
      uint64_t at = 0, n = 0;
      if (!f.U64(&a.log_time) || !f.U64(&a.create_time) || !f.String(&a.name) || !f.String(&a.media_type) ||
          !f.Bytes<uint64_t>(&at, &n)) {
        return cut();
      }
      a.data = arrow::SliceBuffer(body.owner, (body.data() - body.owner->data()) + static_cast<int64_t>(at), static_cast<int64_t>(n));
      attachments_.push_back(std::move(a));
      return Status::OK();
    }
    case kMetadata: {
      Metadata m;
      if (!f.String(&m.name) || !f.Map(&m.entries)) return cut();
      metadata_.push_back(std::move(m));
      return Status::OK();
    }
    default: return Status::OK();  // indexes and unknown records: skipped, as the spec asks
  }
}

Result<bool> Reader::StepChunk(std::optional<Message>* out) {
  if (!chunk_ || chunk_pos_ >= static_cast<uint64_t>(chunk_->size())) {
    chunk_.reset();
    return false;
  }
  const uint64_t left = static_cast<uint64_t>(chunk_->size()) - chunk_pos_;
  if (left < kRecordHeader) return Fail(chunk_offset_, "a record inside a Chunk is cut short");
  const uint8_t opcode = chunk_->data()[chunk_pos_];
  uint64_t length = 0;
  std::memcpy(&length, chunk_->data() + chunk_pos_ + 1, 8);
  if (length > left - kRecordHeader) {
    return Fail(chunk_offset_, fmt::format("a {} record inside a Chunk claims {} bytes, but only {} remain",
                                           OpcodeName(opcode), length, left - kRecordHeader));
  }
  const ByteView body{chunk_, chunk_->data() + chunk_pos_ + kRecordHeader, static_cast<int64_t>(length)};
  chunk_pos_ += kRecordHeader + length;
  ARROW_RETURN_NOT_OK(Handle(opcode, body, chunk_offset_, out));
  return true;
}

Result<std::optional<Message>> Reader::Next() {
  for (;;) {
    if (chunk_) {
      std::optional<Message> message;
      ARROW_RETURN_NOT_OK(StepChunk(&message).status());
      if (message) return message;
      continue;
    }
    if (at_end_ || offset_ >= source_->size()) return std::nullopt;
    uint8_t opcode = 0;
    std::shared_ptr<arrow::Buffer> body;
    uint64_t next = 0;
    const uint64_t offset = offset_;
    ARROW_RETURN_NOT_OK(ReadRecordAt(offset, &opcode, &body, &next));
    offset_ = next;
    switch (opcode) {
      case kDataEnd:
      case kFooter:
        data_end_ = opcode == kDataEnd;
        at_end_ = true;
        return std::nullopt;
      case kChunk: {
        if (window_) {
          Fields f(body->data(), static_cast<uint64_t>(body->size()));
          uint64_t start = 0, end = 0;
          if (f.U64(&start) && f.U64(&end) && (end < window_->first || start > window_->second)) continue;
        }
        ARROW_RETURN_NOT_OK(Decompress(offset, body));
        continue;
      }
      default: {
        std::optional<Message> message;
        ARROW_RETURN_NOT_OK(Handle(opcode, body, offset, &message));
        if (message) return message;
      }
    }
  }
}

Result<std::optional<Summary>> Reader::ReadSummary() {
  const uint64_t size = source_->size();
  // The file ends with the Footer record (9 + 20 bytes) and the magic.
  constexpr uint64_t kFooterRecord = kRecordHeader + 20;
  if (size < 8 + kFooterRecord + 8) return std::nullopt;
  uint8_t tail[8];
  ARROW_ASSIGN_OR_RAISE(auto got, source_->ReadAt(size - 8, 8, tail));
  if (got != 8 || std::memcmp(tail, kMagic, 8) != 0) return std::nullopt;  // truncated: no footer
  uint8_t opcode = 0;
  std::shared_ptr<arrow::Buffer> body;
  uint64_t next = 0;
  const uint64_t footer_at = size - 8 - kFooterRecord;
  ARROW_RETURN_NOT_OK(ReadRecordAt(footer_at, &opcode, &body, &next));
  if (opcode != kFooter) return Fail(footer_at, "expected the Footer record before the closing magic");
  Fields f(body->data(), static_cast<uint64_t>(body->size()));
  uint64_t summary_start = 0, summary_offset_start = 0;
  if (!f.U64(&summary_start) || !f.U64(&summary_offset_start)) return Fail(footer_at, "Footer record cut short");
  if (summary_start == 0) return std::nullopt;
  if (summary_start < 8 || summary_start > footer_at) {
    return Fail(footer_at, fmt::format("Footer points at a summary at byte {}, outside the file's records",
                                       summary_start));
  }
  const uint64_t summary_end = summary_offset_start != 0 && summary_offset_start <= footer_at ? summary_offset_start
                                                                                              : footer_at;
  Summary out;
  // The summary's records, read with this reader's handlers into a scratch copy of its tables.
  auto saved_schemas = std::move(schemas_);
  auto saved_channels = std::move(channels_);
  schemas_.clear();
  channels_.clear();
  Status st;
  for (uint64_t at = summary_start; at < summary_end && st.ok();) {
    st = ReadRecordAt(at, &opcode, &body, &next);
    if (!st.ok()) break;
    Fields r(body->data(), static_cast<uint64_t>(body->size()));
    if (opcode == kChunkIndex) {
      ChunkIndex c;
      uint32_t map_bytes = 0;
      uint64_t index_length = 0;
      bool ok = r.U64(&c.message_start_time) && r.U64(&c.message_end_time) && r.U64(&c.chunk_start_offset) &&
                r.U64(&c.chunk_length) && r.U32(&map_bytes) && map_bytes <= r.left();
      if (ok) {  // the channels with a message index here, and where it is
        if (map_bytes % 10 != 0) ok = false;
        Fields offsets(body->data() + r.consumed(), map_bytes);
        while (ok && offsets.left() > 0) {
          uint16_t channel = 0;
          uint64_t at = 0;
          offsets.U16(&channel);
          offsets.U64(&at);
          c.channels.push_back(channel);
          c.message_index_offsets.push_back(at);
        }
        Fields rest(body->data() + r.consumed() + map_bytes, r.left() - map_bytes);
        ok = ok && rest.U64(&index_length) && rest.String(&c.compression) && rest.U64(&c.compressed_size) &&
             rest.U64(&c.uncompressed_size);
      }
      if (!ok) {
        st = Fail(at, "Chunk Index record cut short");
        break;
      }
      out.chunk_indexes.push_back(std::move(c));
    } else if (opcode == kStatistics) {
      Statistics s;
      uint32_t map_bytes = 0;
      bool ok = r.U64(&s.message_count) && r.U16(&s.schema_count) && r.U32(&s.channel_count) &&
                r.U32(&s.attachment_count) && r.U32(&s.metadata_count) && r.U32(&s.chunk_count) &&
                r.U64(&s.message_start_time) && r.U64(&s.message_end_time) && r.U32(&map_bytes) &&
                map_bytes <= r.left() && map_bytes % 10 == 0;
      if (ok) {
        Fields counts(body->data() + r.consumed(), map_bytes);
        while (counts.left() > 0) {
          uint16_t channel = 0;
          uint64_t count = 0;
          counts.U16(&channel);
          counts.U64(&count);
          s.channel_message_counts.emplace_back(channel, count);
        }
      }
      if (!ok) {
        st = Fail(at, "Statistics record cut short");
        break;
      }
      out.statistics = std::move(s);
    } else if (opcode == kAttachmentIndex) {
      AttachmentIndex a;
      if (!r.U64(&a.offset) || !r.U64(&a.length) || !r.U64(&a.log_time) || !r.U64(&a.create_time) ||
          !r.U64(&a.data_size) || !r.String(&a.name) || !r.String(&a.media_type)) {
        st = Fail(at, "Attachment Index record cut short");
        break;
      }
      out.attachment_indexes.push_back(std::move(a));
    } else if (opcode == kMetadataIndex) {
      MetadataIndex m;
      if (!r.U64(&m.offset) || !r.U64(&m.length) || !r.String(&m.name)) {
        st = Fail(at, "Metadata Index record cut short");
        break;
      }
      out.metadata_indexes.push_back(std::move(m));
    } else if (opcode == kSchema || opcode == kChannel) {
      std::optional<Message> none;
      st = Handle(opcode, body, at, &none);
    }
    at = next;
  }
  out.schemas = std::move(schemas_);
  out.channels = std::move(channels_);
  schemas_ = std::move(saved_schemas);
  channels_ = std::move(saved_channels);
  ARROW_RETURN_NOT_OK(st);
  return out;
}

Result<std::vector<Message>> Reader::ChunkMessages(const ChunkIndex& index) {
  uint8_t opcode = 0;
  std::shared_ptr<arrow::Buffer> body;
  uint64_t next = 0;
  ARROW_RETURN_NOT_OK(ReadRecordAt(index.chunk_start_offset, &opcode, &body, &next));
  if (opcode != kChunk) {
    return Fail(index.chunk_start_offset, fmt::format("the summary points at a Chunk here, but this is {}",
                                                      OpcodeName(opcode)));
  }
  auto saved = std::move(chunk_);
  const uint64_t saved_pos = chunk_pos_, saved_offset = chunk_offset_;
  std::vector<Message> out;
  Status st = Decompress(index.chunk_start_offset, body);
  while (st.ok()) {
    std::optional<Message> message;
    auto more = StepChunk(&message);
    st = more.status();
    if (message) out.push_back(std::move(*message));
    if (!st.ok() || !*more) break;
  }
  chunk_ = std::move(saved);
  chunk_pos_ = saved_pos;
  chunk_offset_ = saved_offset;
  ARROW_RETURN_NOT_OK(st);
  return out;
}

Result<Attachment> Reader::AttachmentAt(uint64_t offset) {
  uint8_t opcode = 0;
  std::shared_ptr<arrow::Buffer> body;
  uint64_t next = 0;
  ARROW_RETURN_NOT_OK(ReadRecordAt(offset, &opcode, &body, &next));
  if (opcode != kAttachment) return Fail(offset, "the summary points at an Attachment here, but there is none");
  const size_t before = attachments_.size();
  std::optional<Message> none;
  ARROW_RETURN_NOT_OK(Handle(opcode, body, offset, &none));
  Attachment out = std::move(attachments_.back());
  attachments_.resize(before);
  return out;
}

Result<Metadata> Reader::MetadataAt(uint64_t offset) {
  uint8_t opcode = 0;
  std::shared_ptr<arrow::Buffer> body;
  uint64_t next = 0;
  ARROW_RETURN_NOT_OK(ReadRecordAt(offset, &opcode, &body, &next));
  if (opcode != kMetadata) return Fail(offset, "the summary points at a Metadata record here, but there is none");
  const size_t before = metadata_.size();
  std::optional<Message> none;
  ARROW_RETURN_NOT_OK(Handle(opcode, body, offset, &none));
  Metadata out = std::move(metadata_.back());
  metadata_.resize(before);
  return out;
}

Result<std::map<uint16_t, uint64_t>> Reader::MessageIndexCounts(const Summary& summary) {
  std::map<uint16_t, uint64_t> counts;
  for (const auto& chunk : summary.chunk_indexes) {
    for (uint64_t at : chunk.message_index_offsets) {
      uint8_t opcode = 0;
      std::shared_ptr<arrow::Buffer> body;
      uint64_t next = 0;
      ARROW_RETURN_NOT_OK(ReadRecordAt(at, &opcode, &body, &next));
      if (opcode != kMessageIndex) return Fail(at, "the summary points at a Message Index here, but there is none");
      Fields f(body->data(), static_cast<uint64_t>(body->size()));
      uint16_t channel = 0;
      uint32_t bytes = 0;
      if (!f.U16(&channel) || !f.U32(&bytes) || bytes > f.left() || bytes % 16 != 0) {
        return Fail(at, "Message Index record cut short");
      }
      counts[channel] += bytes / 16;  // (log_time, offset) pairs
    }
  }
  return counts;
}

}  // namespace chunkhouse::mcap
