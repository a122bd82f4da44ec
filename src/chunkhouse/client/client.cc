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

#include "chunkhouse/base/memory.h"
#include "chunkhouse/base/metadata.h"

#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/server/cloud.grpc.pb.h"

namespace chunkhouse::client {

namespace pb = rerun::cloud::v1alpha1;
namespace pbc = rerun::common::v1alpha1;

namespace {

Status FromGrpc(const grpc::Status& st, std::string_view what) {
  if (st.ok()) return Status::OK();
  std::string msg = fmt::format("{}: {}", what, st.error_message());
  switch (st.error_code()) {
    case grpc::StatusCode::NOT_FOUND: return Status::KeyError(msg);
    case grpc::StatusCode::ALREADY_EXISTS: return Status::AlreadyExists(msg);
    case grpc::StatusCode::INVALID_ARGUMENT: return Status::Invalid(msg);
    case grpc::StatusCode::DEADLINE_EXCEEDED: return Status::Cancelled(msg);
    case grpc::StatusCode::UNAVAILABLE: return Status::IOError(msg);
    default: return Status::UnknownError(msg);
  }
}

std::string IdString(const pb::EntryId& id) { return Tuid{id.id().time_ns(), id.id().inc()}.ToString(); }

void SetId(const std::string& id, pb::EntryId* out) {
  auto t = Tuid::Parse(id, "entry").ValueOr(Tuid{});
  out->mutable_id()->set_time_ns(t.time_ns);
  out->mutable_id()->set_inc(t.inc);
}

Result<std::shared_ptr<arrow::RecordBatch>> Decode(const pbc::DataframePart& part) {
  std::shared_ptr<arrow::Buffer> ipc = arrow::Buffer::FromString(part.payload());
  rrd::Where where{"server response", 0};
  if (part.compression() == pbc::COMPRESSION_LZ4) {
    ARROW_ASSIGN_OR_RAISE(ipc, rrd::Lz4Decompress(*ipc, part.uncompressed_size(), where));
  }
  return rrd::ReadIpcBatch(std::move(ipc), where);
}

Status Encode(const arrow::RecordBatch& batch, pbc::DataframePart* out) {
  ARROW_ASSIGN_OR_RAISE(auto ipc, rrd::WriteIpcBatch(batch));
  out->set_encoder_version(pbc::ENCODER_VERSION_V0);
  out->set_payload(ipc->data(), static_cast<size_t>(ipc->size()));
  out->set_compression(pbc::COMPRESSION_NONE);
  out->set_uncompressed_size(static_cast<uint64_t>(ipc->size()));
  return Status::OK();
}

std::string Column(const arrow::RecordBatch& b, const std::string& name, int64_t row) {
  auto col = b.GetColumnByName(name);
  if (!col || col->IsNull(row) || col->type_id() != arrow::Type::STRING) return "";
  return static_cast<const arrow::StringArray&>(*col).GetString(row);
}

}  // namespace

struct CatalogClient::Impl {
  std::unique_ptr<pb::RerunCloudService::Stub> stub;

  std::unique_ptr<grpc::ClientContext> Context(const std::optional<std::string>& entry = std::nullopt) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (entry) ctx->AddMetadata("x-rerun-entry-id", *entry);
    ctx->AddMetadata("x-rerun-client-version", "chunkhouse/0.1.0");
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
  if (target.empty()) return Status::Invalid(fmt::format("{}: expected host:port", url));
  if (target.find(':') == std::string::npos) {
    if (!tls) return Status::Invalid(fmt::format("{}: expected host:port", url));
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
    return Status::IOError(fmt::format("cannot connect to {}: {}", url, st.error_message()));
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
    out.push_back({IdString(e.id()), e.name()});
  }
  return out;
}

Result<EntryInfo> CatalogClient::CreateDataset(const std::string& name) {
  pb::CreateDatasetEntryRequest req;
  req.set_name(name);
  pb::CreateDatasetEntryResponse resp;
  auto ctx = impl_->Context();
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->CreateDatasetEntry(ctx.get(), req, &resp), "CreateDatasetEntry"));
  return EntryInfo{IdString(resp.dataset().details().id()), resp.dataset().details().name()};
}

Result<EntryInfo> CatalogClient::ReadDataset(const std::string& id) {
  pb::ReadDatasetEntryRequest req;
  pb::ReadDatasetEntryResponse resp;
  auto ctx = impl_->Context(id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->ReadDatasetEntry(ctx.get(), req, &resp), "ReadDatasetEntry"));
  return EntryInfo{IdString(resp.dataset().details().id()), resp.dataset().details().name()};
}

Status CatalogClient::DeleteDataset(const std::string& id) {
  pb::DeleteEntryRequest req;
  SetId(id, req.mutable_id());
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
    out.push_back({Column(*batch, "rerun_segment_id", r), Column(*batch, "rerun_storage_url", r),
                   Column(*batch, "rerun_task_id", r)});
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
      out.push_back({Column(*batch, "task_id", r), Column(*batch, "exec_status", r), Column(*batch, "msgs", r)});
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
  return rrd::ReadIpcSchema(arrow::Buffer::FromString(resp.schema().arrow_schema()), rrd::Where{"server response", 0});
}

Result<std::vector<std::string>> CatalogClient::SegmentIds(const std::string& dataset_id) {
  pb::ScanSegmentTableRequest req;
  req.add_columns("rerun_segment_id");
  auto ctx = impl_->Context(dataset_id);
  auto reader = impl_->stub->ScanSegmentTable(ctx.get(), req);
  std::vector<std::string> out;
  pb::ScanSegmentTableResponse resp;
  while (reader->Read(&resp)) {
    ARROW_ASSIGN_OR_RAISE(auto batch, Decode(resp.data()));
    for (int64_t r = 0; r < batch->num_rows(); ++r) out.push_back(Column(*batch, "rerun_segment_id", r));
  }
  ARROW_RETURN_NOT_OK(FromGrpc(reader->Finish(), "ScanSegmentTable"));
  return out;
}

Result<std::shared_ptr<arrow::Table>> CatalogClient::SegmentTable(const std::string& dataset_id) {
  pb::GetSegmentTableSchemaRequest sreq;
  pb::GetSegmentTableSchemaResponse sresp;
  auto sctx = impl_->Context(dataset_id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->GetSegmentTableSchema(sctx.get(), sreq, &sresp), "GetSegmentTableSchema"));
  ARROW_ASSIGN_OR_RAISE(auto schema, rrd::ReadIpcSchema(arrow::Buffer::FromString(sresp.schema().arrow_schema()),
                                                        rrd::Where{"server response", 0}));
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
        return Status::Invalid(fmt::format("ScanSegmentTable: column '{}' is missing or not {}", f->name(),
                                           f->type()->ToString()));
      }
      parts.push_back(col);
    }
    columns.push_back(std::make_shared<arrow::ChunkedArray>(parts, f->type()));
  }
  return arrow::Table::Make(schema, columns);
}

Result<EntryInfo> CatalogClient::RenameDataset(const std::string& id, const std::string& name) {
  pb::UpdateEntryRequest req;
  SetId(id, req.mutable_id());
  req.mutable_entry_details_update()->set_name(name);
  pb::UpdateEntryResponse resp;
  auto ctx = impl_->Context(id);
  ARROW_RETURN_NOT_OK(FromGrpc(impl_->stub->UpdateEntry(ctx.get(), req, &resp), "UpdateEntry"));
  return EntryInfo{IdString(resp.entry_details().id()), resp.entry_details().name()};
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

namespace {

// The time filter a dataset query lets the server prune chunks with: the index range plus, when
// filling, the latest-at at its start. Without one the server sends every chunk of the
// segments, which is correct, only slower.
void SetTimeFilter(const DatasetQuery& dq, pb::QueryDatasetRequest& req) {
  const auto& q = dq.query;
  if (!q.index) return;
  const std::string& index = *q.index;
  // using_index_values: no pruning, because the values are clipped to each segment's whole time
  // range (as Rerun's dataset reader does), which the segment's chunks give.
  if (dq.per_segment_values || q.using_index_values || !q.range) return;
  auto* range = req.mutable_query()->mutable_range();
  range->mutable_index()->mutable_timeline()->set_name(index);
  range->mutable_index_range()->set_start(q.range->first);
  range->mutable_index_range()->set_end(q.range->second);
  if (q.fill_latest_at) {
    auto* la = req.mutable_query()->mutable_latest_at();
    la->mutable_index()->mutable_timeline()->set_name(index);
    la->set_at(q.range->first);
  }
}

}  // namespace

Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> CatalogClient::ChunkInfos(
    const std::string& dataset_id, const std::vector<std::string>& segments, const std::vector<std::string>& entities,
    const DatasetQuery* query) {
  pb::QueryDatasetRequest req;
  for (const auto& s : segments) req.add_segment_ids()->set_id(s);
  for (const auto& e : entities) req.add_entity_paths()->set_path(e);
  req.set_select_all_entity_paths(entities.empty());
  if (query) SetTimeFilter(*query, req);
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
    auto keys = batch->GetColumnByName("chunk_key");
    if (!keys) return Status::Invalid("QueryDataset response has no chunk_key column");
    auto slim = arrow::RecordBatch::Make(arrow::schema({arrow::field("chunk_key", arrow::binary(), false)}),
                                         batch->num_rows(), {keys});
    ARROW_RETURN_NOT_OK(Encode(*slim, fetch.add_chunk_infos()));
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
    (void)chunks->Finish();
    return st;
  }
  return FromGrpc(chunks->Finish(), "FetchChunks");
}

namespace {

// One segment's rows, in the dataset query's columns: decodes its chunks, then runs the query.
Result<std::shared_ptr<arrow::Table>> QuerySegment(const std::string& segment,
                                                   const std::vector<rrd::ArrowMsgEnvelope>& messages,
                                                   const DatasetQuery& dq) {
  const rrd::Where where{"server response", 0};
  std::vector<std::shared_ptr<Chunk>> chunks;
  chunks.reserve(messages.size());
  for (const auto& m : messages) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, rrd::DecodeChunk(m, where));
    chunks.push_back(std::move(chunk));
  }
  query::QueryExpression q = dq.query;
  if (dq.per_segment_values) {
    auto it = dq.per_segment_values->find(segment);
    if (it == dq.per_segment_values->end()) return nullptr;  // no values, no rows
    q.using_index_values = it->second;
  }
  if (q.using_index_values && q.index) {
    // Rerun's dataset reader keeps only the values within the segment's time range.
    std::optional<TimeRange> span;
    for (const auto& chunk : chunks) {
      const auto* ic = chunk->FindIndex(*q.index);
      if (ic == nullptr) continue;
      if (auto r = chunk->TimeRangeOf(*ic)) span = span ? TimeRange{std::min(span->min, r->min), std::max(span->max, r->max)} : *r;
    }
    auto& values = *q.using_index_values;
    std::erase_if(values, [&](int64_t v) { return !span || v < span->min || v > span->max; });
  }
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<const ChunkStore> store, ChunkStore::FromChunks(std::move(chunks)));
  if (q.index) {
    const auto& tls = store->schema().timelines;
    // A segment without the timeline has no rows on it.
    if (std::none_of(tls.begin(), tls.end(), [&](const Timeline& t) { return t.name == *q.index; })) return nullptr;
  }
  const bool static_only = !q.index;
  ARROW_ASSIGN_OR_RAISE(auto reader, query::Execute(store, std::move(q)));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->ToTable());
  if (table->num_rows() == 0 || table->num_columns() == 0) return nullptr;
  if (static_only) {
    // Static only: a segment with no static data in the view has no row (as Rerun's reader).
    const auto& fields = table->schema()->fields();
    if (std::none_of(fields.begin(), fields.end(), [](const auto& f) {
          return meta::Get(*f, meta::kKind).value_or("") == meta::kKindData;
        })) {
      return nullptr;
    }
  }
  const int64_t n = table->num_rows();
  arrow::StringBuilder ids(MemoryPool());
  ARROW_RETURN_NOT_OK(ids.Reserve(n));
  ARROW_RETURN_NOT_OK(ids.ReserveData(n * static_cast<int64_t>(segment.size())));
  for (int64_t r = 0; r < n; ++r) ids.UnsafeAppend(segment);
  ARROW_ASSIGN_OR_RAISE(auto id_array, ids.Finish());
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns{std::make_shared<arrow::ChunkedArray>(id_array)};
  for (int i = 1; i < dq.columns->num_fields(); ++i) {
    const auto& f = dq.columns->field(i);
    if (auto col = table->GetColumnByName(f->name())) {
      if (!col->type()->Equals(*f->type())) {
        return Status::Invalid(fmt::format("segment {}: column {} is {}, the dataset says {}", segment, f->name(),
                                           col->type()->ToString(), f->type()->ToString()));
      }
      columns.push_back(col);
    } else {
      ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(f->type(), n, MemoryPool()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
    }
  }
  return arrow::Table::Make(dq.columns, std::move(columns), n);
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> CatalogClient::Query(const std::string& dataset_id, const DatasetQuery& query) {
  if (!query.columns || query.columns->num_fields() == 0 || query.columns->field(0)->name() != "rerun_segment_id") {
    return Status::Invalid("a dataset query's columns start with rerun_segment_id");
  }
  auto dq = std::make_shared<const DatasetQuery>(query);  // shared with the workers
  std::vector<std::string> segments = dq->segments;
  if (dq->per_segment_values) {  // only the segments given values can have rows
    std::vector<std::string> listed;
    for (const auto& [segment, values] : *dq->per_segment_values) {
      if (segments.empty() || std::find(segments.begin(), segments.end(), segment) != segments.end()) {
        listed.push_back(segment);
      }
    }
    if (listed.empty()) return arrow::Table::MakeEmpty(dq->columns);
    segments = std::move(listed);
  }
  ARROW_ASSIGN_OR_RAISE(auto infos, ChunkInfos(dataset_id, segments, {}, dq.get()));
  // How many chunks each segment has: a segment is queried as soon as all of them arrived.
  std::map<std::string, int64_t> expected;
  for (const auto& batch : infos) {
    auto col = batch->GetColumnByName("chunk_segment_id");
    if (!col || col->type_id() != arrow::Type::STRING) {
      return Status::Invalid("QueryDataset response has no chunk_segment_id column");
    }
    const auto& ids = static_cast<const arrow::StringArray&>(*col);
    for (int64_t r = 0; r < ids.length(); ++r) ++expected[ids.GetString(r)];
  }
  using Part = arrow::Future<std::shared_ptr<arrow::Table>>;
  std::map<std::string, Part> parts;  // by segment id: rows come out in segment order
  std::map<std::string, std::vector<rrd::ArrowMsgEnvelope>> arrived;
  auto* workers = arrow::internal::GetCpuThreadPool();
  auto submit = [&](const std::string& segment) -> Status {
    auto node = arrived.extract(segment);
    ARROW_ASSIGN_OR_RAISE(auto part, workers->Submit([dq, segment, messages = std::move(node.mapped())] {
      return QuerySegment(segment, messages, *dq);
    }));
    parts.emplace(segment, std::move(part));
    return Status::OK();
  };
  const rrd::Where where{"server response", 0};
  Status fetched = FetchChunks(infos, [&](std::shared_ptr<arrow::Buffer> bytes) -> Status {
    ARROW_ASSIGN_OR_RAISE(auto envelope, rrd::DecodeArrowMsg(std::move(bytes), where));  // the header only
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
  if (found.empty()) return arrow::Table::MakeEmpty(dq->columns);
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::ConcatenateTables(found, arrow::ConcatenateTablesOptions::Defaults(),
                                                                 MemoryPool()));
  // One batch (consumers such as DataFusion pay per batch), each column concatenated on a worker.
  std::vector<arrow::Future<std::shared_ptr<arrow::Array>>> columns;
  for (const auto& column : table->columns()) {
    ARROW_ASSIGN_OR_RAISE(auto future, workers->Submit([column] { return arrow::Concatenate(column->chunks(), MemoryPool()); }));
    columns.push_back(std::move(future));
  }
  arrow::ArrayVector arrays;
  for (auto& c : columns) {
    ARROW_ASSIGN_OR_RAISE(auto array, c.result());
    arrays.push_back(std::move(array));
  }
  return arrow::Table::Make(table->schema(), arrays, table->num_rows());
}

}  // namespace chunkhouse::client
