#pragma once
// Encoding and decoding of the framed messages: protobuf <-> our types, LZ4 blocks,
// Arrow IPC streams. Every decoder names the file and byte offset in its errors and bounds
// every allocation by what the input can justify.
#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/rrd/framing.h"

namespace rerun::common::v1alpha1 {
class DataframePart;
class StoreId;
class Tuid;
}  // namespace rerun::common::v1alpha1
namespace rerun::log_msg::v1alpha1 {
class ArrowMsg;
class SetStoreInfo;
}  // namespace rerun::log_msg::v1alpha1

namespace chunkhouse::rrd {

// Where a payload sits, for error messages.
struct Where {
  std::string_view file;
  uint64_t offset = 0;  // absolute byte offset of the payload in the file
};

struct StoreInfo {
  StoreId id;
  Tuid row_id;
  std::optional<CrateVersion> store_version;
  int source_kind = 0;      // StoreSourceKind
  std::string source_extra;  // StoreSourceExtra.payload (e.g. a serialized PythonVersion)
};

// An ArrowMsg before its Arrow payload is decoded.
struct ArrowMsgEnvelope {
  std::optional<StoreId> store;  // nullopt when the application id must be recovered (<0.25)
  std::string recording_id;      // always present, for recovery
  StoreKind kind = StoreKind::kRecording;
  int compression = 0;  // proto Compression: 0/1 none, 2 LZ4
  uint64_t uncompressed_size = 0;
  std::optional<Tuid> chunk_id;
  std::optional<bool> is_static;
  std::shared_ptr<arrow::Buffer> payload;  // as stored (possibly compressed)
};

struct BlueprintActivation {
  StoreId blueprint;
  bool make_active = false;
  bool make_default = false;
};

// LZ4 block (no frame). `expected_size` comes from the message; it is checked against the
// largest size LZ4 could produce from the input before anything is allocated.
Result<std::shared_ptr<arrow::Buffer>> Lz4Decompress(const arrow::Buffer& input, uint64_t expected_size,
                                                     const Where& where);
Result<std::shared_ptr<arrow::Buffer>> Lz4Compress(const arrow::Buffer& input);

// Arrow IPC stream with one record batch; a missing EOS is fine. Further batches are ignored
// (Rerun's chunk readers do the same), or with `exactly_one` an error.
Result<std::shared_ptr<arrow::RecordBatch>> ReadIpcBatch(std::shared_ptr<arrow::Buffer> ipc,
                                                          const Where& where, bool exactly_one = false);
Result<std::shared_ptr<arrow::Schema>> ReadIpcSchema(std::shared_ptr<arrow::Buffer> ipc, const Where& where);
Result<std::shared_ptr<arrow::Buffer>> WriteIpcBatch(const arrow::RecordBatch& batch);
Result<std::shared_ptr<arrow::Buffer>> WriteIpcSchema(const arrow::Schema& schema);

Result<StoreInfo> DecodeSetStoreInfo(const uint8_t* data, size_t size, const Where& where);
Result<ArrowMsgEnvelope> DecodeArrowMsg(std::shared_ptr<arrow::Buffer> payload, const Where& where);
Result<BlueprintActivation> DecodeBlueprintActivation(const uint8_t* data, size_t size, const Where& where);
// Decompresses and parses the chunk of an ArrowMsg.
Result<std::shared_ptr<Chunk>> DecodeChunk(const ArrowMsgEnvelope& msg, const Where& where);

std::string EncodeSetStoreInfo(const StoreInfo& info);
struct EncodedArrowMsg {
  std::string bytes;
  uint64_t uncompressed_size = 0;
};
Result<EncodedArrowMsg> EncodeArrowMsg(const StoreId& store, const Chunk& chunk, bool compress);
// The same messages built in place (the gRPC message proxy wraps them in a LogMsg): the chunk's
// record batch as an IPC stream, LZ4 or not, its id and an explicit is_static.
void FillSetStoreInfo(const StoreInfo& info, rerun::log_msg::v1alpha1::SetStoreInfo* out);
Status FillArrowMsg(const StoreId& store, const Chunk& chunk, bool compress, rerun::log_msg::v1alpha1::ArrowMsg* out);
std::string EncodeBlueprintActivation(const BlueprintActivation& cmd);

// DataframePart (rerun.common.v1alpha1): one Arrow record batch as an IPC stream, LZ4 or not. The
// one decoder for footer manifests and every table of the catalog protocol, strict: encoder V0, a
// known compression, a claimed size within `max_uncompressed` (checked before anything is
// allocated; ResourceExhausted beyond it), exactly one record batch.
inline constexpr uint64_t kMaxDataframePartBytes = uint64_t{1} << 31;
Result<std::shared_ptr<arrow::RecordBatch>> DecodeDataframePart(const rerun::common::v1alpha1::DataframePart& part,
                                                                 const Where& where,
                                                                 uint64_t max_uncompressed = kMaxDataframePartBytes);
Status EncodeDataframePart(const arrow::RecordBatch& batch, rerun::common::v1alpha1::DataframePart* out,
                           bool compress = true);

// proto <-> ours
Result<StoreId> StoreIdFromProto(const rerun::common::v1alpha1::StoreId& proto, std::string_view what);
void StoreIdToProto(const StoreId& id, rerun::common::v1alpha1::StoreId* proto);
void TuidToProto(const Tuid& id, rerun::common::v1alpha1::Tuid* proto);
Result<Tuid> TuidFromProto(const rerun::common::v1alpha1::Tuid& proto, std::string_view what);

}  // namespace chunkhouse::rrd
