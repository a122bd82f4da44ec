#include "chunkhouse/client/client.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/array/concatenate.h>
#include <arrow/table.h>
#include <arrow/util/thread_pool.h>
#include <grpcpp/grpcpp.h>

#include <functional>

#include "chunkhouse/base/version.h"
#include "chunkhouse/redap/cloud.grpc.pb.h"
#include "chunkhouse/redap/ids.h"
#include "chunkhouse/redap/query.h"
#include "chunkhouse/redap/status.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::client {

namespace pb = rerun::cloud::v1alpha1;
namespace pbc = rerun::common::v1alpha1;

namespace {

using redap::FromGrpc;
using redap::StringCell;
namespace col = redap::col;

const rrd::Where kResponse{"server response", 0};

Result<std::shared_ptr<arrow::RecordBatch>> Decode(const pbc::DataframePart& part) {
  return rrd::DecodeDataframePart(part, kResponse);
}

}  // namespace

struct CatalogClient::Impl {
  std::unique_ptr<pb::RerunCloudService::Stub> stub;

  std::unique_ptr<grpc::ClientContext> Context(const std::optional<std::string>& entry = std::nullopt) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (entry) ctx->AddMetadata("x-rerun-entry-id", *entry);
    ctx->AddMetadata("x-rerun-client-version", fmt::format("chunkhouse/{}", kVersion));
    return ctx;
  }
};

CatalogClient::CatalogClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CatalogClient::~CatalogClient() = default;

Result<std::unique_ptr<CatalogClient>> CatalogClient::Connect(const std::string& url) {
  // rerun+http://host:port is plain HTTP/2; rerun+https:// and rerun:// use TLS (default port
  // 443), checked against the system's roots or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH.
  std::string target = url;
  bool tls = false;
  for (auto [scheme, secure] : {std::pair<std::string_view, bool>{"rerun+http://", false}, {"http://", false},
                                {"rerun+https://", true}, {"https://", true}, {"rerun://", true}}) {
    if (target.rfind(scheme, 0) == 0) {
      target = target.substr(scheme.size());
      tls = secure;
      break;
    }
  }
  if (auto slash = target.find('/'); slash != std::string::npos) target = target.substr(0, slash);
  if (target.empty()) return InvalidArgument("{}: expected host:port", Quote(url));
  if (target.find(':') == std::string::npos) {
    if (!tls) return InvalidArgument("{}: expected host:port", Quote(url));
    target += ":443";
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(std::numeric_limits<int>::max());
  args.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  auto credentials = tls ? grpc::SslCredentials(grpc::SslCredentialsOptions()) : grpc::InsecureChannelCredentials();
  auto channel = grpc::CreateCustomChannel(target, credentials, args);
  auto impl = std::make_unique<Impl>();
  impl->stub = pb::RerunCloudService::NewStub(channel);
  std::unique_ptr<CatalogClient> client(new CatalogClient(std::move(impl)));
  auto ctx = client->impl_->Context();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  pb::WhoAmIRequest req;
  pb::WhoAmIResponse resp;
  auto st = client->impl_->stub->WhoAmI(ctx.get(), req, &resp);
  if (!st.ok() && st.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
    return MakeError(ErrorKind::kUnavailable, fmt::format("cannot connect to {}: {}", url, st.error_message()));
  }
  return client;
}

Result<std::vector<EntryInfo>> CatalogClient::Datasets(const std::optional<std::string>& name) {
  pb::FindEntriesRequest req;
  req.mutable_filter()->add_entry_kinds(pb::ENTRY_KIND_DATASET);
  if (name) req.mutable_filter()->set_name(*name);
  pb::FindEntriesResponse resp;
  auto ctx = impl_->Context();
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->FindEntries(ctx.get(), req, &resp), "FindEntries"));
  std::vector<EntryInfo> out;
  for (const auto& e : resp.entries()) {
    if (e.entry_kind() != pb::ENTRY_KIND_DATASET || e.name().rfind("__", 0) == 0) continue;
    out.push_back({redap::EntryIdString(e.id()), e.name()});
  }
  return out;
}

Result<EntryInfo> CatalogClient::CreateDataset(const std::string& name) {
  pb::CreateDatasetEntryRequest req;
  req.set_name(name);
  pb::CreateDatasetEntryResponse resp;
  auto ctx = impl_->Context();
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->CreateDatasetEntry(ctx.get(), req, &resp), "CreateDatasetEntry"));
  return EntryInfo{redap::EntryIdString(resp.dataset().details().id()), resp.dataset().details().name()};
}

Result<EntryInfo> CatalogClient::ReadDataset(const std::string& id) {
  pb::ReadDatasetEntryRequest req;
  pb::ReadDatasetEntryResponse resp;
  auto ctx = impl_->Context(id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->ReadDatasetEntry(ctx.get(), req, &resp), "ReadDatasetEntry"));
  return EntryInfo{redap::EntryIdString(resp.dataset().details().id()), resp.dataset().details().name()};
}

Status CatalogClient::DeleteDataset(const std::string& id) {
  pb::DeleteEntryRequest req;
  redap::SetEntryId(id, req.mutable_id());
  pb::DeleteEntryResponse resp;
  auto ctx = impl_->Context(id);
  return FromGrpc(impl_->stub->DeleteEntry(ctx.get(), req, &resp), "DeleteEntry");
}

Result<std::vector<Registration>> CatalogClient::Register(const std::string& dataset_id,
                                                          const std::vector<std::string>& urls,
                                                          const std::string& on_duplicate) {
  pb::RegisterWithDatasetRequest req;
  for (const auto& url : urls) {
    auto* src = req.add_data_sources();
    src->set_storage_url(url);
    src->set_typ(pb::DATA_SOURCE_KIND_RRD);
    src->set_layer("base");
  }
  req.set_on_duplicate(on_duplicate == "skip"      ? pb::IF_DUPLICATE_BEHAVIOR_SKIP
                       : on_duplicate == "replace" ? pb::IF_DUPLICATE_BEHAVIOR_OVERWRITE
                                                   : pb::IF_DUPLICATE_BEHAVIOR_ERROR);
  pb::RegisterWithDatasetResponse resp;
  auto ctx = impl_->Context(dataset_id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->RegisterWithDataset(ctx.get(), req, &resp), "RegisterWithDataset"));
  ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
  std::vector<Registration> out;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    out.push_back({StringCell(*batch, col::kSegmentId, r), StringCell(*batch, col::kStorageUrl, r),
                   StringCell(*batch, col::kTaskId, r)});
  }
  return out;
}

Result<std::vector<TaskResult>> CatalogClient::WaitForTasks(const std::vector<std::string>& task_ids,
                                                            std::chrono::seconds timeout) {
  pb::QueryTasksOnCompletionRequest req;
  for (const auto& id : task_ids) req.add_ids()->set_id(id);
  req.mutable_timeout()->set_seconds(timeout.count());
  auto ctx = impl_->Context();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout + std::chrono::seconds(5));
  auto reader = impl_->stub->QueryTasksOnCompletion(ctx.get(), req);
  std::vector<TaskResult> out;
  pb::QueryTasksOnCompletionResponse resp;
  while (reader->Read(&resp)) {
    ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      out.push_back({StringCell(*batch, col::kTaskTableId, r), StringCell(*batch, col::kTaskStatus, r),
                     StringCell(*batch, col::kTaskMessages, r)});
    }
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "QueryTasksOnCompletion"));
  return out;
}

Result<std::shared_ptr<arrow::Schema>> CatalogClient::DatasetSchema(const std::string& dataset_id) {
  pb::GetDatasetSchemaRequest req;
  pb::GetDatasetSchemaResponse resp;
  auto ctx = impl_->Context(dataset_id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->GetDatasetSchema(ctx.get(), req, &resp), "GetDatasetSchema"));
  return rrd::ReadIpcSchema(arrow::Buffer::FromString(resp.schema().arrow_schema()), kResponse);
}

Result<std::vector<std::string>> CatalogClient::SegmentIds(const std::string& dataset_id) {
  pb::ScanSegmentTableRequest req;
  req.add_columns(std::string(col::kSegmentId));
  auto ctx = impl_->Context(dataset_id);
  auto reader = impl_->stub->ScanSegmentTable(ctx.get(), req);
  std::vector<std::string> out;
  pb::ScanSegmentTableResponse resp;
  while (reader->Read(&resp)) {
    ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
    for (int64_t r = 0; r < batch->num_rows(); ++r) out.push_back(StringCell(*batch, col::kSegmentId, r));
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "ScanSegmentTable"));
  return out;
}

Result<std::shared_ptr<arrow::Table>> CatalogClient::SegmentTable(const std::string& dataset_id) {
  pb::GetSegmentTableSchemaRequest sreq;
  pb::GetSegmentTableSchemaResponse sresp;
  auto sctx = impl_->Context(dataset_id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->GetSegmentTableSchema(sctx.get(), sreq, &sresp), "GetSegmentTableSchema"));
  ARROW_ASSIGN_OR_RAISE(auto schema, rrd::ReadIpcSchema(arrow::Buffer::FromString(sresp.schema().arrow_schema()), kResponse));
  pb::ScanSegmentTableRequest req;
  auto ctx = impl_->Context(dataset_id);
  auto reader = impl_->stub->ScanSegmentTable(ctx.get(), req);
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  pb::ScanSegmentTableResponse resp;
  while (reader->Read(&resp)) {
    ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
    batches.push_back(std::move(batch));
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "ScanSegmentTable"));
  // Columns by name, as the schema orders them (a server may send more, or in another order).
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (const auto& f : schema->fields()) {
    arrow::ArrayVector parts;
    for (const auto& b : batches) {
      auto col = b->GetColumnByName(f->name());
      if (!col || !col->type()->Equals(*f->type())) {
        return DataLoss("ScanSegmentTable: column '{}' is missing or not {}", f->name(), f->type()->ToString());
      }
      parts.push_back(col);
    }
    columns.push_back(std::make_shared<arrow::ChunkedArray>(parts, f->type()));
  }
  return arrow::Table::Make(schema, columns);
}

Result<EntryInfo> CatalogClient::RenameDataset(const std::string& id, const std::string& name) {
  pb::UpdateEntryRequest req;
  redap::SetEntryId(id, req.mutable_id());
  req.mutable_entry_details_update()->set_name(name);
  pb::UpdateEntryResponse resp;
  auto ctx = impl_->Context(id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->UpdateEntry(ctx.get(), req, &resp), "UpdateEntry"));
  return EntryInfo{redap::EntryIdString(resp.entry_details().id()), resp.entry_details().name()};
}

Result<std::string> CatalogClient::Unregister(const std::string& dataset_id, const std::vector<std::string>& segments,
                                              const std::vector<std::string>& layers) {
  pb::UnregisterFromDatasetRequest req;
  for (const auto& s : segments) req.add_segments_to_drop()->set_id(s);
  for (const auto& l : layers) req.add_layers_to_drop(l);
  auto ctx = impl_->Context(dataset_id);
  auto reader = impl_->stub->UnregisterFromDataset(ctx.get(), req);
  pb::UnregisterFromDatasetResponse resp;
  std::string task;
  while (reader->Read(&resp)) {
    if (resp.has_task_id()) task = resp.task_id().id();
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "UnregisterFromDataset"));
  return task;
}

Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> CatalogClient::ChunkInfos(
    const std::string& dataset_id, const std::vector<std::string>& segments, const std::vector<std::string>& entities,
    const query::ChunkFilter& filter) {
  pb::QueryDatasetRequest req;
  for (const auto& s : segments) req.add_segment_ids()->set_id(s);
  for (const auto& e : entities) req.add_entity_paths()->set_path(e);
  req.set_select_all_entity_paths(entities.empty());
  redap::SetChunkFilter(filter, &req);
  auto ctx = impl_->Context(dataset_id);
  auto reader = impl_->stub->QueryDataset(ctx.get(), req);
  std::vector<std::shared_ptr<arrow::RecordBatch>> infos;
  pb::QueryDatasetResponse resp;
  while (reader->Read(&resp)) {
    ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
    if (batch->num_rows() > 0) infos.push_back(batch);
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "QueryDataset"));
  return infos;
}

Status CatalogClient::FetchChunks(const std::vector<std::shared_ptr<arrow::RecordBatch>>& infos,
                                  const std::function<Status(std::shared_ptr<arrow::Buffer>)>& on_chunk) {
  if (infos.empty()) return Status::OK();
  pb::FetchChunksRequest fetch;
  for (const auto& batch : infos) {
    // Send back what the server needs to find the chunks: their keys.
    auto keys = batch->GetColumnByName(std::string(col::kChunkKey));
    if (!keys) return DataLoss("QueryDataset response has no {} column", col::kChunkKey);
    auto slim = arrow::RecordBatch::Make(arrow::schema({arrow::field(std::string(col::kChunkKey), arrow::binary(), false)}),
                                         batch->num_rows(), {keys});
    ARROW_RETURN_NOT_OK(rrd::EncodeDataframePart(*slim, fetch.add_chunk_infos(), /*compress=*/false));
  }
  auto ctx = impl_->Context();
  auto chunks = impl_->stub->FetchChunks(ctx.get(), fetch);
  pb::FetchChunksResponse resp;
  Status st;
  while (st.ok() && chunks->Read(&resp)) {
    for (auto& msg : *resp.mutable_chunks()) {
      st = on_chunk(arrow::Buffer::FromString(std::move(msg)));
      if (!st.ok()) break;
    }
  }
  if (!st.ok()) {
    ctx->TryCancel();
    Status finished = FromGrpc(chunks->Finish(), "FetchChunks");
    // Cancelled by us: the stream's own status says only that; ours says why.
    if (!finished.ok() && KindOf(finished) != ErrorKind::kCancelled) {
      return st.WithMessage(fmt::format("{} (and the stream ended with: {})", st.message(), finished.message()));
    }
    return st;
  }
  return FromGrpc(chunks->Finish(), "FetchChunks");
}

Result<std::shared_ptr<arrow::Schema>> CatalogClient::QueryColumns(const std::string& dataset_id,
                                                                   const query::QueryExpression& q) {
  ARROW_ASSIGN_OR_RAISE(auto schema, DatasetSchema(dataset_id));
  return query::DatasetColumns(*schema, q);
}

Result<std::shared_ptr<arrow::Table>> CatalogClient::Query(const std::string& dataset_id,
                                                           const query::DatasetQuery& query) {
  ARROW_ASSIGN_OR_RAISE(auto columns, QueryColumns(dataset_id, query.query));
  auto dq = std::make_shared<const query::DatasetQuery>(query);  // shared with the workers
  std::vector<std::string> segments;
  if (dq->segments) {  // only segments the dataset has (a server may refuse unknown ones)
    ARROW_ASSIGN_OR_RAISE(auto existing, SegmentIds(dataset_id));
    for (const auto& s : existing) {
      if (std::find(dq->segments->begin(), dq->segments->end(), s) != dq->segments->end()) segments.push_back(s);
    }
    if (segments.empty()) return arrow::Table::MakeEmpty(columns);
  }
  if (dq->per_segment_values) {  // only the segments given values can have rows
    std::vector<std::string> listed;
    for (const auto& [segment, values] : *dq->per_segment_values) {
      if (!dq->segments || std::find(segments.begin(), segments.end(), segment) != segments.end()) {
        listed.push_back(segment);
      }
    }
    if (listed.empty()) return arrow::Table::MakeEmpty(columns);
    segments = std::move(listed);
  }
  ARROW_ASSIGN_OR_RAISE(auto infos, ChunkInfos(dataset_id, segments, {}, query::ChunkFilter::For(*dq)));
  // How many chunks each segment has: a segment is queried as soon as all of them arrived.
  std::map<std::string, int64_t> expected;
  for (const auto& batch : infos) {
    auto ids = batch->GetColumnByName(std::string(col::kChunkSegmentId));
    if (!ids || ids->type_id() != arrow::Type::STRING) {
      return DataLoss("QueryDataset response has no {} column", col::kChunkSegmentId);
    }
    const auto& strings = static_cast<const arrow::StringArray&>(*ids);
    for (int64_t r = 0; r < strings.length(); ++r) ++expected[strings.GetString(r)];
  }
  using Part = arrow::Future<std::shared_ptr<arrow::Table>>;
  std::map<std::string, Part> parts;  // by segment id: rows come out in segment order
  std::map<std::string, std::vector<rrd::ArrowMsgEnvelope>> arrived;
  auto* workers = arrow::internal::GetCpuThreadPool();
  auto submit = [&](const std::string& segment) -> Status {
    auto node = arrived.extract(segment);
    ARROW_ASSIGN_OR_RAISE(auto part, workers->Submit([dq, columns, segment, messages = std::move(node.mapped())]()
                                                         -> Result<std::shared_ptr<arrow::Table>> {
      std::vector<std::shared_ptr<Chunk>> chunks;
      chunks.reserve(messages.size());
      for (const auto& m : messages) {
        ARROW_ASSIGN_OR_RAISE(auto chunk, rrd::DecodeChunk(m, kResponse));
        chunks.push_back(std::move(chunk));
      }
      return query::QuerySegment(segment, std::move(chunks), *dq, columns);
    }));
    parts.emplace(segment, std::move(part));
    return Status::OK();
  };
  Status fetched = FetchChunks(infos, [&](std::shared_ptr<arrow::Buffer> bytes) -> Status {
    ARROW_ASSIGN_OR_RAISE(auto envelope, rrd::DecodeArrowMsg(std::move(bytes), kResponse));  // the header only
    std::string segment = envelope.recording_id;
    auto& list = arrived[segment];
    list.push_back(std::move(envelope));
    if (static_cast<int64_t>(list.size()) == expected[segment]) return submit(segment);
    return Status::OK();
  });
  while (fetched.ok() && !arrived.empty()) fetched = submit(arrived.begin()->first);  // counts did not match
  std::vector<std::shared_ptr<arrow::Table>> found;
  Status first = fetched;
  for (auto& [segment, part] : parts) {  // wait for every worker, even after an error
    const auto& result = part.result();
    if (!result.ok()) {
      if (first.ok()) first = result.status();
    } else if (*result) {
      found.push_back(*result);
    }
  }
  ARROW_RETURN_NOT_OK(first);
  return query::StackSegments(found, columns);
}

}  // namespace chunkhouse::client
