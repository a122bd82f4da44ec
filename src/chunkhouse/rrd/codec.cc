#include "chunkhouse/rrd/codec.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/util/key_value_metadata.h>
#include <lz4.h>

#include <algorithm>
#include <mutex>
#include <string_view>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <xxhash.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/rrd/proto/log_msg.pb.h"

namespace chunkhouse::rrd {

namespace pb = rerun::log_msg::v1alpha1;
namespace pbc = rerun::common::v1alpha1;

namespace {
// What a decoder finds wrong in stored bytes is data loss, not a caller's mistake.
Status Corrupt(std::string message) { return MakeError(ErrorKind::kDataLoss, std::move(message)); }
}  // namespace

Result<std::shared_ptr<arrow::Buffer>> Lz4Decompress(const arrow::Buffer& input, uint64_t expected_size,
                                                     const Where& where) {
  // LZ4 cannot expand data by more than ~255x; anything claiming more is lying.
  const uint64_t limit = static_cast<uint64_t>(input.size()) * 255 + 64;
  if (expected_size > limit || expected_size > static_cast<uint64_t>(LZ4_MAX_INPUT_SIZE) * 255ull ||
      expected_size > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    return ParseErrorF(where.file, where.offset,
                       "uncompressed size {} is impossible for a {}-byte LZ4 block", expected_size,
                       input.size());
  }
  if (input.size() > std::numeric_limits<int>::max()) {
    return ParseError(where.file, where.offset, "LZ4 block larger than 2 GiB");
  }
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::AllocateBuffer(static_cast<int64_t>(expected_size)));
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(input.data()),
                              reinterpret_cast<char*>(out->mutable_data()), static_cast<int>(input.size()),
                              static_cast<int>(expected_size));
  if (n < 0) return ParseError(where.file, where.offset, "corrupt LZ4 block");
  if (static_cast<uint64_t>(n) != expected_size) {
    return ParseErrorF(where.file, where.offset, "LZ4 block decompressed to {} bytes, expected {}", n,
                       expected_size);
  }
  return std::shared_ptr<arrow::Buffer>(std::move(out));
}

Result<std::shared_ptr<arrow::Buffer>> Lz4Compress(const arrow::Buffer& input) {
  if (input.size() > LZ4_MAX_INPUT_SIZE) return Status::Invalid("LZ4: input larger than LZ4_MAX_INPUT_SIZE");
  int bound = LZ4_compressBound(static_cast<int>(input.size()));
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::AllocateResizableBuffer(bound));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(input.data()),
                               reinterpret_cast<char*>(out->mutable_data()), static_cast<int>(input.size()), bound);
  if (n <= 0 && input.size() > 0) return Status::IOError("LZ4 compression failed");
  ARROW_RETURN_NOT_OK(out->Resize(n, /*shrink_to_fit=*/false));
  return std::shared_ptr<arrow::Buffer>(std::move(out));
}

namespace {

bool HasDictionary(const arrow::FieldVector& fields) {
  return std::any_of(fields.begin(), fields.end(), [](const auto& f) {
    return f->type()->id() == arrow::Type::DICTIONARY || HasDictionary(f->type()->fields());
  });
}

// Decoded schemas by the bytes of their IPC message. Recordings repeat a few schemas over and
// over (every chunk of an entity, the manifest of every file from one recorder), and verifying
// and decoding a schema with its field metadata costs more than decoding a small batch.
class SchemaCache {
 public:
  static SchemaCache& Instance() {
    static SchemaCache cache;
    return cache;
  }

  std::shared_ptr<arrow::Schema> Find(std::string_view key) {
    std::lock_guard lock(mutex_);
    auto it = schemas_.find(key);
    return it == schemas_.end() ? nullptr : it->second;
  }

  void Put(std::string_view key, std::shared_ptr<arrow::Schema> schema) {
    if (HasDictionary(schema->fields())) return;  // needs the stream's dictionary batches
    // A chunk's schema names the chunk: it never repeats, so caching it would only churn.
    if (schema->metadata() && schema->metadata()->Contains(std::string(meta::kChunkId))) return;
    std::lock_guard lock(mutex_);
    if (schemas_.size() >= kMaxEntries || bytes_ + key.size() > kMaxBytes) {
      schemas_.clear();  // bounded: hostile input cannot grow it without end
      bytes_ = 0;
    }
    if (schemas_.try_emplace(std::string(key), std::move(schema)).second) bytes_ += key.size();
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
  };
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxBytes = 64u << 20;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<arrow::Schema>, Hash, std::equal_to<>> schemas_;
  size_t bytes_ = 0;
};

// The flatbuffer of a stream's first message, from its framing (0xFFFFFFFF, little-endian int32
// size, then that many bytes): the cache key, found without verifying the message.
std::optional<std::string_view> FirstMessageBytes(const arrow::Buffer& ipc) {
  if (ipc.size() < 8) return std::nullopt;
  uint32_t continuation = 0;
  int32_t size = 0;
  std::memcpy(&continuation, ipc.data(), 4);
  std::memcpy(&size, ipc.data() + 4, 4);
  if (continuation != 0xFFFFFFFFu || size <= 0 || size > ipc.size() - 8) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(ipc.data()) + 8, static_cast<size_t>(size));
}

// The stream's schema and a reader positioned at the message after it.
struct SchemaAndRest {
  std::shared_ptr<arrow::Schema> schema;  // null: not cacheable (dictionaries), read the stream whole
  std::unique_ptr<arrow::io::BufferReader> input;
  std::unique_ptr<arrow::ipc::MessageReader> messages;
};

Result<SchemaAndRest> ReadStreamSchema(const std::shared_ptr<arrow::Buffer>& ipc) {
  SchemaAndRest out;
  auto key = FirstMessageBytes(*ipc);
  if (key) {
    if (auto schema = SchemaCache::Instance().Find(*key)) {
      // A cached schema message had no body: the next message starts right after it.
      out.schema = std::move(schema);
      out.input = std::make_unique<arrow::io::BufferReader>(arrow::SliceBuffer(ipc, 8 + static_cast<int64_t>(key->size())));
      out.messages = arrow::ipc::MessageReader::Open(out.input.get());
      return out;
    }
  }
  out.input = std::make_unique<arrow::io::BufferReader>(ipc);
  out.messages = arrow::ipc::MessageReader::Open(out.input.get());
  ARROW_ASSIGN_OR_RAISE(auto message, out.messages->ReadNextMessage());
  if (!message || message->type() != arrow::ipc::MessageType::SCHEMA) return Corrupt("no schema message first");
  arrow::ipc::DictionaryMemo memo;
  ARROW_ASSIGN_OR_RAISE(out.schema, arrow::ipc::ReadSchema(*message, &memo));
  auto position = out.input->Tell();
  if (key && message->body_length() == 0 && position.ok() && *position == 8 + static_cast<int64_t>(key->size())) {
    SchemaCache::Instance().Put(*key, out.schema);
  }
  return out;
}

Result<std::shared_ptr<arrow::RecordBatch>> ReadWithStreamReader(std::shared_ptr<arrow::Buffer> ipc,
                                                                 const Where& where, bool exactly_one) {
  auto input = std::make_shared<arrow::io::BufferReader>(std::move(ipc));
  auto reader = arrow::ipc::RecordBatchStreamReader::Open(input);
  if (!reader.ok()) {
    return ParseErrorF(where.file, where.offset, "expected an Arrow IPC stream: {}", reader.status().message());
  }
  std::shared_ptr<arrow::RecordBatch> batch;
  Status st = (*reader)->ReadNext(&batch);
  if (!st.ok()) return ParseErrorF(where.file, where.offset, "bad Arrow IPC record batch: {}", st.message());
  if (!batch) return ParseError(where.file, where.offset, "Arrow IPC stream holds no record batch");
  if (exactly_one) {
    std::shared_ptr<arrow::RecordBatch> more;
    if (!(*reader)->ReadNext(&more).ok() || more) {
      return ParseError(where.file, where.offset, "Arrow IPC stream holds more than one record batch");
    }
  }
  return batch;
}

}  // namespace

Result<std::shared_ptr<arrow::RecordBatch>> ReadIpcBatch(std::shared_ptr<arrow::Buffer> ipc, const Where& where,
                                                          bool exactly_one) {
  auto head = ReadStreamSchema(ipc);
  if (!head.ok()) {
    return ParseErrorF(where.file, where.offset, "expected an Arrow IPC stream: {}", head.status().message());
  }
  std::shared_ptr<arrow::RecordBatch> batch;
  if (HasDictionary(head->schema->fields())) {
    ARROW_ASSIGN_OR_RAISE(batch, ReadWithStreamReader(std::move(ipc), where, exactly_one));
  } else {
    auto message = head->messages->ReadNextMessage();
    if (!message.ok()) {
      return ParseErrorF(where.file, where.offset, "bad Arrow IPC record batch: {}", message.status().message());
    }
    if (!*message) return ParseError(where.file, where.offset, "Arrow IPC stream holds no record batch");
    if ((*message)->type() != arrow::ipc::MessageType::RECORD_BATCH) {
      return ParseError(where.file, where.offset, "bad Arrow IPC record batch: expected a record batch message");
    }
    arrow::ipc::DictionaryMemo memo;
    auto read = arrow::ipc::ReadRecordBatch(**message, head->schema, &memo, arrow::ipc::IpcReadOptions::Defaults());
    if (!read.ok()) return ParseErrorF(where.file, where.offset, "bad Arrow IPC record batch: {}", read.status().message());
    batch = std::move(*read);
    if (exactly_one) {
      auto next = head->messages->ReadNextMessage();
      if (!next.ok() || *next) {
        return ParseError(where.file, where.offset, "Arrow IPC stream holds more than one record batch");
      }
    }
  }
  // Untrusted bytes: check every offset, length and union id before anyone reads them.
  Status st = batch->ValidateFull();
  if (!st.ok()) return ParseErrorF(where.file, where.offset, "invalid Arrow data: {}", st.message());
  return batch;
}

Result<std::shared_ptr<arrow::Schema>> ReadIpcSchema(std::shared_ptr<arrow::Buffer> ipc, const Where& where) {
  auto head = ReadStreamSchema(ipc);
  if (!head.ok()) {
    return ParseErrorF(where.file, where.offset, "expected an Arrow IPC schema: {}", head.status().message());
  }
  return head->schema;
}

Result<std::shared_ptr<arrow::Buffer>> WriteIpcBatch(const arrow::RecordBatch& batch) {
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, batch.schema()));
  ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(batch));
  ARROW_RETURN_NOT_OK(writer->Close());
  return sink->Finish();
}

Result<std::shared_ptr<arrow::Buffer>> WriteIpcSchema(const arrow::Schema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer,
                        arrow::ipc::MakeStreamWriter(sink, std::make_shared<arrow::Schema>(schema)));
  ARROW_RETURN_NOT_OK(writer->Close());
  return sink->Finish();
}

// ---------------------------------------------------------------------------------------------

Result<Tuid> TuidFromProto(const pbc::Tuid& proto, std::string_view what) {
  if (!proto.has_time_ns() || !proto.has_inc()) {
    return Corrupt(fmt::format("{}: Tuid lacks time_ns or inc", what));
  }
  return Tuid{proto.time_ns(), proto.inc()};
}

void TuidToProto(const Tuid& id, pbc::Tuid* proto) {
  proto->set_time_ns(id.time_ns);
  proto->set_inc(id.inc);
}

namespace {
Result<StoreKind> KindFromProto(int kind, std::string_view what) {
  switch (kind) {
    case pbc::STORE_KIND_UNSPECIFIED:
    case pbc::STORE_KIND_RECORDING: return StoreKind::kRecording;
    case pbc::STORE_KIND_BLUEPRINT: return StoreKind::kBlueprint;
    default: return Corrupt(fmt::format("{}: unknown store kind {}", what, kind));
  }
}
}  // namespace

Result<StoreId> StoreIdFromProto(const pbc::StoreId& proto, std::string_view what) {
  StoreId id;
  ARROW_ASSIGN_OR_RAISE(id.kind, KindFromProto(proto.kind(), what));
  id.recording_id = proto.recording_id();
  if (!proto.has_application_id()) {
    return Corrupt(fmt::format("{}: store id has no application id", what));
  }
  id.application_id = proto.application_id().id();
  if (id.application_id.empty()) return Corrupt(fmt::format("{}: empty application id", what));
  return id;
}

void StoreIdToProto(const StoreId& id, pbc::StoreId* proto) {
  proto->set_kind(id.kind == StoreKind::kBlueprint ? pbc::STORE_KIND_BLUEPRINT : pbc::STORE_KIND_RECORDING);
  proto->set_recording_id(id.recording_id);
  proto->mutable_application_id()->set_id(id.application_id);
}

Result<StoreInfo> DecodeSetStoreInfo(const uint8_t* data, size_t size, const Where& where) {
  pb::SetStoreInfo msg;
  if (!msg.ParseFromArray(data, static_cast<int>(size))) {
    return ParseError(where.file, where.offset, "expected a SetStoreInfo protobuf message");
  }
  auto ctx = fmt::format("{}: at byte {}: SetStoreInfo", where.file, where.offset);
  if (!msg.has_row_id()) return Corrupt(ctx + " has no row_id");
  if (!msg.has_info()) return Corrupt(ctx + " has no info");
  StoreInfo out;
  ARROW_ASSIGN_OR_RAISE(out.row_id, TuidFromProto(msg.row_id(), ctx + ".row_id"));
  const auto& info = msg.info();
  if (!info.has_store_id()) return Corrupt(ctx + " has no store_id");
  ARROW_ASSIGN_OR_RAISE(out.id.kind, KindFromProto(info.store_id().kind(), ctx));
  out.id.recording_id = info.store_id().recording_id();
  // 0.23/0.24 files carry the application id in the deprecated StoreInfo field.
  if (info.store_id().has_application_id()) {
    out.id.application_id = info.store_id().application_id().id();
  } else if (info.has_application_id()) {
    out.id.application_id = info.application_id().id();
  } else {
    return Corrupt(ctx + " has no application id");
  }
  if (out.id.application_id.empty()) return Corrupt(ctx + " has an empty application id");
  if (info.has_store_version()) out.store_version = CrateVersion::FromBits(info.store_version().crate_version_bits());
  out.source_kind = info.has_store_source() ? info.store_source().kind() : 0;
  return out;
}

// ArrowMsg is walked field by field with protobuf's wire-format reader rather than parsed
// into the generated class: that way the (large) payload stays a slice of the bytes read
// from the file instead of being copied into a std::string.
Result<ArrowMsgEnvelope> DecodeArrowMsg(std::shared_ptr<arrow::Buffer> payload, const Where& where) {
  using WFL = google::protobuf::internal::WireFormatLite;
  auto ctx = fmt::format("{}: at byte {}: ArrowMsg", where.file, where.offset);
  auto malformed = [&](std::string_view what) {
    return Corrupt(fmt::format("{}: expected an ArrowMsg protobuf message ({})", ctx, what));
  };
  if (payload->size() > std::numeric_limits<int>::max()) return malformed("larger than 2 GiB");
  google::protobuf::io::CodedInputStream in(payload->data(), static_cast<int>(payload->size()));
  ArrowMsgEnvelope out;
  std::optional<pbc::StoreId> store_id;
  uint64_t encoding = 0;
  bool has_payload = false;
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (in.CurrentPosition() != payload->size()) return malformed("bad field tag");
      break;
    }
    const int field = static_cast<int>(WFL::GetTagFieldNumber(tag));
    const auto wire = WFL::GetTagWireType(tag);
    auto read_varint = [&](uint64_t& v) { return wire == WFL::WIRETYPE_VARINT && in.ReadVarint64(&v); };
    auto read_bytes = [&](int& start, int& len) {
      uint32_t n = 0;
      if (wire != WFL::WIRETYPE_LENGTH_DELIMITED || !in.ReadVarint32(&n)) return false;
      start = in.CurrentPosition();
      len = static_cast<int>(n);
      return n <= static_cast<uint32_t>(payload->size() - start) && in.Skip(len);
    };
    uint64_t v = 0;
    int start = 0, len = 0;
    switch (field) {
      case 1: {
        if (!read_bytes(start, len)) return malformed("field store_id");
        pbc::StoreId id;
        if (!id.ParseFromArray(payload->data() + start, len)) return malformed("field store_id");
        store_id = std::move(id);
        break;
      }
      case 2:
        if (!read_varint(v)) return malformed("field compression");
        out.compression = static_cast<int>(v);
        if (v > 2) return Corrupt(fmt::format("{} has unknown compression {}", ctx, v));
        break;
      case 3:
        if (!read_varint(v)) return malformed("field uncompressed_size");
        out.uncompressed_size = v;
        break;
      case 4:
        if (!read_varint(encoding)) return malformed("field encoding");
        break;
      case 5:
        if (!read_bytes(start, len)) return malformed("field payload");
        out.payload = arrow::SliceBuffer(payload, start, len);
        has_payload = true;
        break;
      case 6: {
        if (!read_bytes(start, len)) return malformed("field chunk_id");
        pbc::Tuid id;
        if (!id.ParseFromArray(payload->data() + start, len)) return malformed("field chunk_id");
        ARROW_ASSIGN_OR_RAISE(out.chunk_id, TuidFromProto(id, ctx + ".chunk_id"));
        break;
      }
      case 7:
        if (!read_varint(v)) return malformed("field is_static");
        out.is_static = v != 0;
        break;
      default:
        if (!WFL::SkipField(&in, tag)) return malformed("unknown field");
    }
  }
  if (!store_id) return Corrupt(ctx + " has no store_id");
  if (encoding != pb::ENCODING_ARROW_IPC) {
    return Corrupt(fmt::format("{} has unsupported encoding {}, expected 1 (Arrow IPC)", ctx, encoding));
  }
  ARROW_ASSIGN_OR_RAISE(out.kind, KindFromProto(store_id->kind(), ctx));
  out.recording_id = store_id->recording_id();
  if (store_id->has_application_id() && !store_id->application_id().id().empty()) {
    out.store = StoreId{out.kind, store_id->application_id().id(), out.recording_id};
  }
  if (!has_payload) out.payload = std::make_shared<arrow::Buffer>(nullptr, 0);
  return out;
}

Result<std::shared_ptr<Chunk>> DecodeChunk(const ArrowMsgEnvelope& msg, const Where& where) {
  std::shared_ptr<arrow::Buffer> ipc = msg.payload;
  if (msg.compression == pbc::COMPRESSION_LZ4) {
    ARROW_ASSIGN_OR_RAISE(ipc, Lz4Decompress(*msg.payload, msg.uncompressed_size, where));
  }
  ARROW_ASSIGN_OR_RAISE(auto batch, ReadIpcBatch(std::move(ipc), where));
  auto chunk = Chunk::FromRecordBatch(std::move(batch));
  if (!chunk.ok()) return ParseError(where.file, where.offset, chunk.status().message());
  return chunk;
}

Result<BlueprintActivation> DecodeBlueprintActivation(const uint8_t* data, size_t size, const Where& where) {
  pb::BlueprintActivationCommand msg;
  if (!msg.ParseFromArray(data, static_cast<int>(size))) {
    return ParseError(where.file, where.offset, "expected a BlueprintActivationCommand protobuf message");
  }
  auto ctx = fmt::format("{}: at byte {}: BlueprintActivationCommand", where.file, where.offset);
  if (!msg.has_blueprint_id()) return Corrupt(ctx + " has no blueprint_id");
  BlueprintActivation out;
  ARROW_ASSIGN_OR_RAISE(out.blueprint, StoreIdFromProto(msg.blueprint_id(), ctx));
  out.make_active = msg.make_active();
  out.make_default = msg.make_default();
  return out;
}

void FillSetStoreInfo(const StoreInfo& info, pb::SetStoreInfo* msg) {
  TuidToProto(info.row_id, msg->mutable_row_id());
  auto* si = msg->mutable_info();
  StoreIdToProto(info.id, si->mutable_store_id());
  auto* source = si->mutable_store_source();
  source->set_kind(static_cast<pb::StoreSourceKind>(info.source_kind));
  // Rerun requires the extra message to be present, even empty.
  source->mutable_extra()->set_payload(info.source_extra);
  si->mutable_store_version()->set_crate_version_bits(info.store_version.value_or(kWriterVersion).ToBits());
}

std::string EncodeSetStoreInfo(const StoreInfo& info) {
  pb::SetStoreInfo msg;
  FillSetStoreInfo(info, &msg);
  return msg.SerializeAsString();
}

Status FillArrowMsg(const StoreId& store, const Chunk& chunk, bool compress, pb::ArrowMsg* msg) {
  ARROW_ASSIGN_OR_RAISE(auto ipc, WriteIpcBatch(*chunk.batch()));
  StoreIdToProto(store, msg->mutable_store_id());
  msg->set_uncompressed_size(static_cast<uint64_t>(ipc->size()));
  msg->set_encoding(pb::ENCODING_ARROW_IPC);
  if (compress) {
    ARROW_ASSIGN_OR_RAISE(auto lz4, Lz4Compress(*ipc));
    msg->set_compression(pbc::COMPRESSION_LZ4);
    msg->set_payload(lz4->data(), static_cast<size_t>(lz4->size()));
  } else {
    msg->set_compression(pbc::COMPRESSION_NONE);
    msg->set_payload(ipc->data(), static_cast<size_t>(ipc->size()));
  }
  TuidToProto(chunk.id(), msg->mutable_chunk_id());
  msg->set_is_static(chunk.is_static());
  return Status::OK();
}

Result<EncodedArrowMsg> EncodeArrowMsg(const StoreId& store, const Chunk& chunk, bool compress) {
  pb::ArrowMsg msg;
  ARROW_RETURN_NOT_OK(FillArrowMsg(store, chunk, compress, &msg));
  return EncodedArrowMsg{msg.SerializeAsString(), msg.uncompressed_size()};
}

std::string EncodeBlueprintActivation(const BlueprintActivation& cmd) {
  pb::BlueprintActivationCommand msg;
  StoreIdToProto(cmd.blueprint, msg.mutable_blueprint_id());
  msg.set_make_active(cmd.make_active);
  msg.set_make_default(cmd.make_default);
  return msg.SerializeAsString();
}

// ---------------------------------------------------------------------------------------------

Result<std::shared_ptr<arrow::RecordBatch>> DecodeDataframePart(const pbc::DataframePart& part, const Where& where,
                                                                 uint64_t max_uncompressed) {
  if (part.encoder_version() != pbc::ENCODER_VERSION_V0) {
    return ParseErrorF(where.file, where.offset, "dataframe part has encoder_version {}, expected 1 (V0)",
                       static_cast<int>(part.encoder_version()));
  }
  std::shared_ptr<arrow::Buffer> ipc = arrow::Buffer::FromString(part.payload());
  const int compression = part.compression();
  if (compression == pbc::COMPRESSION_LZ4) {
    if (part.uncompressed_size() > max_uncompressed) {
      return MakeError(ErrorKind::kResourceExhausted,
                       fmt::format("{}: at byte {}: dataframe part claims {} bytes uncompressed, more than the "
                                   "{}-byte limit",
                                   where.file, where.offset, part.uncompressed_size(), max_uncompressed));
    }
    ARROW_ASSIGN_OR_RAISE(ipc, Lz4Decompress(*ipc, part.uncompressed_size(), where));
  } else if (compression != pbc::COMPRESSION_NONE && compression != pbc::COMPRESSION_UNSPECIFIED) {
    return ParseErrorF(where.file, where.offset, "dataframe part has unknown compression {}", compression);
  } else if (static_cast<uint64_t>(ipc->size()) > max_uncompressed) {
    return MakeError(ErrorKind::kResourceExhausted,
                     fmt::format("{}: at byte {}: dataframe part of {} bytes, more than the {}-byte limit", where.file,
                                 where.offset, ipc->size(), max_uncompressed));
  }
  return ReadIpcBatch(std::move(ipc), where, /*exactly_one=*/true);
}

Status EncodeDataframePart(const arrow::RecordBatch& batch, pbc::DataframePart* out, bool compress) {
  ARROW_ASSIGN_OR_RAISE(auto ipc, WriteIpcBatch(batch));
  out->set_encoder_version(pbc::ENCODER_VERSION_V0);
  out->set_uncompressed_size(static_cast<uint64_t>(ipc->size()));
  if (compress) {
    ARROW_ASSIGN_OR_RAISE(auto lz4, Lz4Compress(*ipc));
    out->set_payload(lz4->data(), static_cast<size_t>(lz4->size()));
    out->set_compression(pbc::COMPRESSION_LZ4);
  } else {
    out->set_payload(ipc->data(), static_cast<size_t>(ipc->size()));
    out->set_compression(pbc::COMPRESSION_NONE);
  }
  return Status::OK();
}

}  // namespace chunkhouse::rrd
