#include "chunkhouse/rrd/reader.h"

#include <arrow/buffer.h>
#include <arrow/io/file.h>
#include <arrow/io/memory.h>

#include <algorithm>
#include <cstring>

#include "chunkhouse/rrd/proto/log_msg.pb.h"

namespace chunkhouse::rrd {

namespace pb = rerun::log_msg::v1alpha1;

// Protobuf parses at most 2 GiB per message.
constexpr uint64_t kMaxPayload = (uint64_t{1} << 31) - 1;

Result<std::shared_ptr<RrdFile>> RrdFile::Open(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto source, io::OpenSource(path));
  return Over(std::move(source));
}

std::shared_ptr<RrdFile> RrdFile::FromBuffer(std::string name, std::shared_ptr<arrow::Buffer> bytes) {
  const auto size = static_cast<uint64_t>(bytes->size());
  return Over(io::SourceOf(std::move(name), std::make_shared<arrow::io::BufferReader>(std::move(bytes)), size));
}

std::shared_ptr<RrdFile> RrdFile::Over(std::shared_ptr<io::ReadSource> source) {
  auto file = std::make_shared<RrdFile>();
  file->source_ = std::move(source);
  return file;
}

namespace {

// A failed read keeps its kind (a changed or vanished file is not corrupt data) and says where.
Status ReadFailed(const std::string& path, uint64_t offset, std::string_view what, const Status& st) {
  ErrorKind kind = KindOf(st);
  if (kind == ErrorKind::kInvalidArgument) kind = ErrorKind::kDataLoss;
  return MakeError(kind, fmt::format("{}: at byte {}: cannot read {}: {}", path, offset, what, st.message()), ErrnoOf(st));
}

}  // namespace

Result<std::shared_ptr<arrow::Buffer>> RrdFile::Read(uint64_t offset, uint64_t length, std::string_view what) const {
  const uint64_t size = this->size();
  if (offset > size || length > size - offset) {
    return ParseErrorF(path(), offset, "{} of {} bytes runs past the end of the file ({} bytes)", what, length, size);
  }
  auto buffer = source_->ReadAt(offset, length);
  if (!buffer.ok()) return ReadFailed(path(), offset, what, buffer.status());
  if (static_cast<uint64_t>((*buffer)->size()) != length) {
    return ParseErrorF(path(), offset, "short read of {}: got {} of {} bytes (is the file changing?)", what,
                       (*buffer)->size(), length);
  }
  return buffer;
}

Status RrdFile::ReadInto(uint64_t offset, uint64_t length, std::string_view what, std::string* out) const {
  const uint64_t size = this->size();
  if (offset > size || length > size - offset) {
    return ParseErrorF(path(), offset, "{} of {} bytes runs past the end of the file ({} bytes)", what, length, size);
  }
  out->resize(length);
  auto n = source_->ReadAt(offset, length, out->data());
  if (!n.ok()) return ReadFailed(path(), offset, what, n.status());
  if (static_cast<uint64_t>(*n) != length) {
    return ParseErrorF(path(), offset, "short read of {}: got {} of {} bytes (is the file changing?)", what, *n, length);
  }
  return Status::OK();
}


// ---------------------------------------------------------------------------------------------

Result<std::unique_ptr<StreamReader>> StreamReader::Open(const std::string& path, ReadOptions options) {
  ARROW_ASSIGN_OR_RAISE(auto file, RrdFile::Open(path));
  return std::make_unique<StreamReader>(std::move(file), options);
}

StreamReader::StreamReader(std::shared_ptr<RrdFile> file, ReadOptions options)
    : file_(std::move(file)), options_(options) {}

Result<std::optional<RrdMessage>> StreamReader::Fail(Status st) {
  state_ = State::kDone;
  return st;
}

Result<std::optional<RrdMessage>> StreamReader::Next() {
  const uint64_t size = file_->size();
  const std::string& path = file_->path();
  while (true) {
    switch (state_) {
      case State::kDone: return std::nullopt;
      case State::kStreamHeader: {
        if (pos_ == size) {
          state_ = State::kDone;
          if (streams_ == 0) return Fail(ParseError(path, 0, "empty file: expected an .rrd stream header"));
          return std::nullopt;
        }
        if (size - pos_ < kStreamHeaderSize) {
          return Fail(ParseErrorF(path, pos_, "expected a {}-byte stream header, only {} bytes remain",
                                  kStreamHeaderSize, size - pos_));
        }
        auto bytes = file_->Read(pos_, kStreamHeaderSize, "stream header");
        if (!bytes.ok()) return Fail(bytes.status());
        auto header = StreamHeader::Parse((*bytes)->data(), path, pos_);
        if (!header.ok()) {
          if (streams_ > 0) {
            return Fail(ParseErrorF(path, pos_, "{} trailing bytes after the end of the stream are not "
                                    "another stream ({})", size - pos_, header.status().message()));
          }
          return Fail(header.status());
        }
        stream_start_ = pos_;
        pos_ += kStreamHeaderSize;
        ++streams_;
        state_ = State::kMessage;
        continue;
      }
      case State::kMessage: {
        if (pos_ == size) {  // a stream without an End message (footer-less writer or a crash)
          state_ = State::kDone;
          return std::nullopt;
        }
        if (size - pos_ < kMessageHeaderSize) {
          return Fail(ParseErrorF(path, pos_, "truncated message header: expected {} bytes, only {} remain",
                                  kMessageHeaderSize, size - pos_));
        }
        auto bytes = file_->Read(pos_, kMessageHeaderSize, "message header");
        if (!bytes.ok()) return Fail(bytes.status());
        MessageHeader header = MessageHeader::Parse((*bytes)->data());
        if (!header.valid_kind()) {
          // A concatenated stream without an End message starts right here.
          if (std::memcmp((*bytes)->data(), "RRF2", 4) == 0) {
            state_ = State::kStreamHeader;
            continue;
          }
          return Fail(ParseErrorF(path, pos_, "unknown message kind {}: expected 0 (End), 1 (SetStoreInfo), "
                                  "2 (ArrowMsg) or 3 (BlueprintActivationCommand)", header.kind));
        }
        const uint64_t payload_at = pos_ + kMessageHeaderSize;
        if (header.len > size - payload_at) {
          return Fail(ParseErrorF(path, pos_, "message header claims a {}-byte payload, but only {} bytes remain",
                                  header.len, size - payload_at));
        }
        if (header.len > kMaxPayload) {
          return Fail(ParseErrorF(path, pos_, "message payload of {} bytes exceeds the 2 GiB limit", header.len));
        }
        const uint64_t offset = pos_;
        pos_ = payload_at + header.len;
        auto msg = DecodeMessage(header, offset);
        if (!msg.ok()) {
          // The End message decides what follows; if it is broken, so is the rest.
          if (header.kind == 0) state_ = State::kDone;
          return msg.status();
        }
        return std::optional<RrdMessage>(std::move(*msg));
      }
    }
  }
}

Result<RrdMessage> StreamReader::DecodeMessage(const MessageHeader& header, uint64_t offset) {
  const std::string& path = file_->path();
  const uint64_t payload_at = offset + kMessageHeaderSize;
  ARROW_ASSIGN_OR_RAISE(auto buffer, file_->Read(payload_at, header.len, "message payload"));
  const uint8_t* payload = buffer->data();
  Where where{path, payload_at};
  RrdMessage msg;
  msg.kind = static_cast<MessageKind>(header.kind);
  msg.offset = offset;
  msg.payload_size = header.len;
  msg.stream_start = stream_start_;
  switch (msg.kind) {
    case MessageKind::kSetStoreInfo: {
      ARROW_ASSIGN_OR_RAISE(msg.store_info, DecodeSetStoreInfo(payload, header.len, where));
      const StoreId& id = msg.store_info.id;
      app_ids_[{id.recording_id, id.kind}] = id.application_id;
      auto it = std::find_if(stores_.begin(), stores_.end(), [&](const StoreInfo& s) { return s.id == id; });
      if (it == stores_.end()) {
        stores_.push_back(msg.store_info);
      } else {
        *it = msg.store_info;  // the last SetStoreInfo wins
      }
      return msg;
    }
    case MessageKind::kArrowMsg: {
      ARROW_ASSIGN_OR_RAISE(msg.envelope, DecodeArrowMsg(std::move(buffer), where));
      if (msg.envelope.store) {
        msg.store = *msg.envelope.store;
      } else {
        auto it = app_ids_.find({msg.envelope.recording_id, msg.envelope.kind});
        if (it == app_ids_.end()) {
          return ParseErrorF(path, payload_at, "ArrowMsg for recording '{}' has no application id and no "
                             "earlier SetStoreInfo names one", msg.envelope.recording_id);
        }
        msg.store = StoreId{msg.envelope.kind, it->second, msg.envelope.recording_id};
      }
      if (options_.decode_chunks) {
        ARROW_ASSIGN_OR_RAISE(msg.chunk, DecodeChunk(msg.envelope, where));
      }
      return msg;
    }
    case MessageKind::kBlueprintActivation: {
      ARROW_ASSIGN_OR_RAISE(msg.activation, DecodeBlueprintActivation(payload, header.len, where));
      return msg;
    }
    case MessageKind::kEnd: {
      const uint64_t size = file_->size();
      const uint64_t after = payload_at + header.len;
      std::shared_ptr<arrow::Buffer> tail;
      if (size - after >= kStreamFooterSize) {
        ARROW_ASSIGN_OR_RAISE(tail, file_->Read(after, kStreamFooterSize, "stream footer"));
      }
      if (tail && StreamFooter::LooksLikeFooter(tail->data())) {
        ARROW_ASSIGN_OR_RAISE(auto sf, StreamFooter::Parse(tail->data(), path, after));
        if (sf.rrd_footer_start != payload_at - stream_start_ || sf.rrd_footer_len != header.len) {
          return ParseErrorF(path, after, "stream footer points at a {}-byte footer at stream offset {}, but the "
                             "End message holds {} bytes at stream offset {}", sf.rrd_footer_len,
                             sf.rrd_footer_start, header.len, payload_at - stream_start_);
        }
        uint32_t crc = FooterCrc(payload, header.len);
        if (crc != sf.crc) {
          return ParseErrorF(path, after + 16, "footer checksum mismatch: the stream footer says {:#010x}, "
                             "the footer bytes at {}..{} hash to {:#010x}", sf.crc, payload_at,
                             payload_at + header.len, crc);
        }
        ARROW_ASSIGN_OR_RAISE(msg.footer, DecodeFooter(*buffer, payload_at));
        msg.footer->has_trailer = true;
        pos_ = after + kStreamFooterSize;
      } else if (header.len > 0) {
        // 0.28+ End frames always carry the trailer.
        return ParseErrorF(path, after, "expected a 32-byte stream footer after the {}-byte End message",
                           header.len);
      }
      state_ = State::kStreamHeader;
      if (pos_ == size) state_ = State::kDone;
      return msg;
    }
  }
  return ParseError(path, offset, "unreachable message kind");
}

Result<Footer> StreamReader::DecodeFooter(const arrow::Buffer& payload, uint64_t payload_offset) {
  Footer footer;
  footer.stream_start = stream_start_;
  footer.payload_offset = payload_offset;
  footer.payload_size = static_cast<uint64_t>(payload.size());
  pb::RrdFooter proto;
  if (!proto.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return ParseError(file_->path(), payload_offset, "expected an RrdFooter protobuf message");
  }
  for (const auto& m : proto.manifests()) {
    ARROW_ASSIGN_OR_RAISE(auto manifest,
                          ParseManifest(m.SerializeAsString(), stream_start_, Where{file_->path(), payload_offset}));
    footer.manifests.push_back(std::move(manifest));
  }
  return footer;
}

// ---------------------------------------------------------------------------------------------

Result<std::unique_ptr<IndexedReader>> IndexedReader::Open(const std::string& path, Options options) {
  ARROW_ASSIGN_OR_RAISE(auto file, RrdFile::Open(path));
  return Open(std::move(file), options);
}

Result<std::unique_ptr<IndexedReader>> IndexedReader::Open(std::shared_ptr<RrdFile> file, Options options) {
  std::unique_ptr<IndexedReader> reader(new IndexedReader(std::move(file)));
  reader->options_ = options;
  const RrdFile& f = *reader->file_;
  const std::string& path = f.path();
  if (f.size() < kStreamHeaderSize) {
    return ParseErrorF(path, 0, "file has {} bytes, expected at least a {}-byte stream header", f.size(),
                       kStreamHeaderSize);
  }
  ARROW_ASSIGN_OR_RAISE(auto header, f.Read(0, kStreamHeaderSize, "stream header"));
  ARROW_RETURN_NOT_OK(StreamHeader::Parse(header->data(), path, 0).status());
  bool found = false;
  if (!options.ignore_footer) ARROW_RETURN_NOT_OK(reader->ReadFooter(found));
  if (!found) ARROW_RETURN_NOT_OK(reader->Scan());
  return reader;
}

void IndexedReader::AddStore(const StoreId& id) {
  if (std::find(stores_.begin(), stores_.end(), id) == stores_.end()) stores_.push_back(id);
}

Status IndexedReader::ReadFooter(bool& found) {
  const RrdFile& f = *file_;
  const std::string& path = f.path();
  found = false;
  if (f.size() < kStreamHeaderSize + kMessageHeaderSize + kStreamFooterSize) return Status::OK();
  const uint64_t trailer_at = f.size() - kStreamFooterSize;
  ARROW_ASSIGN_OR_RAISE(auto trailer, f.Read(trailer_at, kStreamFooterSize, "stream footer"));
  if (!StreamFooter::LooksLikeFooter(trailer->data())) return Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto sf, StreamFooter::Parse(trailer->data(), path, trailer_at));
  // The End payload sits right before the trailer; that fixes where its stream starts.
  if (sf.rrd_footer_len > trailer_at - kStreamHeaderSize - kMessageHeaderSize) {
    return ParseErrorF(path, trailer_at + 8, "stream footer claims a {}-byte footer, larger than the file allows",
                       sf.rrd_footer_len);
  }
  const uint64_t payload_at = trailer_at - sf.rrd_footer_len;
  if (sf.rrd_footer_start > payload_at) {
    return ParseErrorF(path, trailer_at, "stream footer says the footer starts at stream offset {}, past its "
                       "actual position {}", sf.rrd_footer_start, payload_at);
  }
  const uint64_t stream_start = payload_at - sf.rrd_footer_start;
  ARROW_ASSIGN_OR_RAISE(auto end_bytes, f.Read(payload_at - kMessageHeaderSize, kMessageHeaderSize + sf.rrd_footer_len, "footer"));
  MessageHeader end = MessageHeader::Parse(end_bytes->data());
  const uint8_t* footer_bytes = end_bytes->data() + kMessageHeaderSize;
  if (end.kind != 0 || end.len != sf.rrd_footer_len) {
    return ParseErrorF(path, payload_at - kMessageHeaderSize, "expected an End message of {} bytes before the "
                       "stream footer", sf.rrd_footer_len);
  }
  uint32_t crc = FooterCrc(footer_bytes, sf.rrd_footer_len);
  if (crc != sf.crc) {
    return ParseErrorF(path, trailer_at + 16, "footer checksum mismatch: the stream footer says {:#010x}, the "
                       "footer bytes at {}..{} hash to {:#010x}", sf.crc, payload_at, payload_at + sf.rrd_footer_len,
                       crc);
  }
  if (stream_start != 0) {
    // Several concatenated streams: this footer covers only the last one.
    return Status::OK();
  }
  pb::RrdFooter proto;
  if (!proto.ParseFromArray(footer_bytes, static_cast<int>(sf.rrd_footer_len))) {
    return ParseError(path, payload_at, "expected an RrdFooter protobuf message");
  }
  for (const auto& m : proto.manifests()) {
    ARROW_ASSIGN_OR_RAISE(auto manifest, ParseManifest(m.SerializeAsString(), stream_start, Where{path, payload_at},
                                                       options_.component_ranges));
    for (const auto& e : manifest.entries) {
      if (e.byte_offset > f.size() || e.byte_size > f.size() - e.byte_offset) {
        return ParseErrorF(path, payload_at, "footer manifest lists chunk {} at bytes {}..{}, past the end of the file",
                           ChunkIdString(e.chunk_id), e.byte_offset, e.byte_offset + e.byte_size);
      }
    }
    AddStore(manifest.store);
    chunks_.insert(chunks_.end(), std::make_move_iterator(manifest.entries.begin()),
                   std::make_move_iterator(manifest.entries.end()));
    manifest.entries.clear();  // they live in chunks_
    manifests_.push_back(std::move(manifest));
  }
  std::stable_sort(chunks_.begin(), chunks_.end(),
                   [](const ChunkEntry& a, const ChunkEntry& b) { return a.byte_offset < b.byte_offset; });
  has_footer_ = true;
  found = true;
  return Status::OK();
}

Status ForEachMessage(StreamReader& reader, const std::function<Status(RrdMessage&)>& on_message,
                      const std::function<void(const Status&)>& on_error) {
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {
      on_error(next.status());
      if (reader.done()) return Status::OK();
      continue;
    }
    if (!*next) return Status::OK();
    ARROW_RETURN_NOT_OK(on_message(**next));
  }
}

Status IndexedReader::Scan() {
  StreamReader reader(file_);
  return ForEachMessage(
      reader,
      [&](RrdMessage& msg) {
        if (msg.kind == MessageKind::kSetStoreInfo) AddStore(msg.store_info.id);
        if (msg.kind != MessageKind::kArrowMsg) return Status::OK();
        AddStore(msg.store);
        ChunkEntry e;
        static_cast<ChunkMeta&>(e) = ChunkMeta::Of(msg.store, *msg.chunk);
        if (!options_.component_ranges) e.components.reset();
        e.byte_offset = msg.offset + kMessageHeaderSize;
        e.byte_size = msg.payload_size;
        e.byte_size_uncompressed = msg.envelope.uncompressed_size;
        chunks_.push_back(std::move(e));
        return Status::OK();
      },
      // Keep what is readable; say what is not.
      [&](const Status& st) { problems_.push_back(st.message()); });
}

Result<std::shared_ptr<arrow::Buffer>> IndexedReader::ReadChunkBytes(const ChunkEntry& entry) const {
  return file_->Read(entry.byte_offset, entry.byte_size, "chunk");
}

const Manifest* IndexedReader::FindManifest(const StoreId& store) const {
  for (const auto& m : manifests_) {
    if (m.store == store) return &m;
  }
  return nullptr;
}

Status IndexedReader::CheckEnvelope(const ChunkEntry& entry, const ArrowMsgEnvelope& envelope) const {
  if (envelope.chunk_id && *envelope.chunk_id != entry.chunk_id) {
    return ParseErrorF(file_->path(), entry.byte_offset, "the index expects chunk {} here, found chunk {}",
                       ChunkIdString(entry.chunk_id), ChunkIdString(*envelope.chunk_id));
  }
  return Status::OK();
}

Status IndexedReader::ReadChunkBytesInto(const ChunkEntry& entry, std::string* out) const {
  ARROW_RETURN_NOT_OK(file_->ReadInto(entry.byte_offset, entry.byte_size, "chunk", out));
  // The message header only (no copy, nothing decompressed): the bytes are the chunk the index names.
  auto bytes = std::make_shared<arrow::Buffer>(reinterpret_cast<const uint8_t*>(out->data()),
                                               static_cast<int64_t>(out->size()));
  ARROW_ASSIGN_OR_RAISE(auto envelope, DecodeArrowMsg(std::move(bytes), Where{file_->path(), entry.byte_offset}));
  return CheckEnvelope(entry, envelope);
}

Result<std::shared_ptr<Chunk>> IndexedReader::LoadChunk(const ChunkEntry& entry) const {
  ARROW_ASSIGN_OR_RAISE(auto payload, file_->Read(entry.byte_offset, entry.byte_size, "chunk"));
  Where where{file_->path(), entry.byte_offset};
  ARROW_ASSIGN_OR_RAISE(auto envelope, DecodeArrowMsg(std::move(payload), where));
  ARROW_RETURN_NOT_OK(CheckEnvelope(entry, envelope));
  ARROW_ASSIGN_OR_RAISE(auto chunk, DecodeChunk(envelope, where));
  if (chunk->id() != entry.chunk_id) {
    return ParseErrorF(file_->path(), entry.byte_offset, "the index expects chunk {} here, found chunk {}",
                       ChunkIdString(entry.chunk_id), ChunkIdString(chunk->id()));
  }
  return chunk;
}

}  // namespace chunkhouse::rrd
