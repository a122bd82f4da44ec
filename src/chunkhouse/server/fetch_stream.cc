#include "chunkhouse/server/fetch_stream.h"

#include <arrow/array.h>
#include <arrow/record_batch.h>

#include "chunkhouse/redap/status.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::server {

namespace pb = rerun::cloud::v1alpha1;

namespace {

constexpr size_t kMessageBytes = 1u << 20;  // per message: the client decodes while more arrive

class FetchStream final : public grpc::ServerWriteReactor<pb::FetchChunksResponse> {
 public:
  FetchStream(DatasetTables& tables, const Limits& limits, std::atomic<int>& active, const pb::FetchChunksRequest& req)
      : chunks_(tables), active_(active) {
    if (active_.fetch_add(1) >= limits.max_fetch_streams) {
      Finish(redap::ToGrpc(ResourceExhausted("{} FetchChunks streams are open, the server's limit: try again later",
                                             limits.max_fetch_streams)));
      return;
    }
    Status st = Keys(req, limits);
    if (!st.ok()) {
      Finish(redap::ToGrpc(st));
      return;
    }
    Next();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {  // the client went away (cancelled, or the connection dropped)
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
      return;
    }
    Next();
  }

  void OnDone() override {
    active_.fetch_sub(1);
    delete this;
  }

 private:
  // The chunk keys of every part of the request (a part that is not exactly one table of
  // non-null binary keys is the client's mistake).
  Status Keys(const pb::FetchChunksRequest& req, const Limits& limits) {
    for (const auto& part : req.chunk_infos()) {
      auto batch = rrd::DecodeDataframePart(part, rrd::Where{"FetchChunks request", 0},
                                            static_cast<uint64_t>(limits.max_request_table_bytes));
      if (!batch.ok()) return redap::RequestError(batch.status());
      auto keys = (*batch)->GetColumnByName(std::string(redap::col::kChunkKey));
      if (!keys || keys->type_id() != arrow::Type::BINARY || keys->null_count() > 0) {
        return InvalidArgument("chunk_infos need a non-null binary chunk_key column");
      }
      keys_.push_back(std::static_pointer_cast<arrow::BinaryArray>(keys));
    }
    return Status::OK();
  }

  // The next message, or the end of the stream.
  void Next() {
    response_.Clear();
    size_t bytes = 0;
    while (part_ < keys_.size() && bytes <= kMessageBytes) {
      const auto& keys = *keys_[part_];
      if (row_ >= keys.length()) {
        ++part_;
        row_ = 0;
        continue;
      }
      std::string* out = response_.add_chunks();
      if (Status st = chunks_.Read(keys.GetView(row_++), out); !st.ok()) {
        Finish(redap::ToGrpc(st));
        return;
      }
      bytes += out->size();
    }
    if (response_.chunks_size() == 0) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&response_);
  }

  DatasetTables::ChunkReader chunks_;
  std::atomic<int>& active_;
  std::vector<std::shared_ptr<arrow::BinaryArray>> keys_;
  size_t part_ = 0;
  int64_t row_ = 0;
  pb::FetchChunksResponse response_;
};

}  // namespace

grpc::ServerWriteReactor<pb::FetchChunksResponse>* StartFetchStream(DatasetTables& tables, const Limits& limits,
                                                                    std::atomic<int>& active,
                                                                    const pb::FetchChunksRequest& request) {
  return new FetchStream(tables, limits, active, request);
}

}  // namespace chunkhouse::server
