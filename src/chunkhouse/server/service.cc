#include "chunkhouse/server/service.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <grpcpp/grpcpp.h>

#include "chunkhouse/redap/cloud.grpc.pb.h"
#include "chunkhouse/server/fetch_stream.h"
#include "chunkhouse/redap/ids.h"
#include "chunkhouse/redap/query.h"
#include "chunkhouse/redap/status.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::server {

namespace pb = rerun::cloud::v1alpha1;
using redap::ToGrpc;

namespace {

void SetTimestamp(int64_t ns, google::protobuf::Timestamp* ts) {
  ts->set_seconds(ns / 1'000'000'000);
  ts->set_nanos(static_cast<int32_t>(ns % 1'000'000'000));
}

// An entry as FindEntries lists it and the __entries table holds it.
redap::EntryRow EntryOf(const catalog::Dataset& d) {
  return {d.id, d.name, pb::ENTRY_KIND_DATASET, d.created_at_ns, d.updated_at_ns};
}
// The __entries system table itself: Rerun's server gives it the all-zero id and no times.
redap::EntryRow EntriesTableEntry() {
  return {std::string(redap::kEntriesTableId), std::string(redap::kEntriesTableName), pb::ENTRY_KIND_TABLE, 0, 0};
}

void FillDetails(const redap::EntryRow& e, pb::EntryDetails* out) {
  redap::SetEntryId(e.id, out->mutable_id());
  out->set_name(e.name);
  out->set_entry_kind(static_cast<pb::EntryKind>(e.kind));
  SetTimestamp(e.created_at_ns, out->mutable_created_at());
  SetTimestamp(e.updated_at_ns, out->mutable_updated_at());
}

// The only table there is (the user tables Rerun's server keeps in Lance are not served).
Status OnlyEntriesTable(const std::string& id) {
  if (id == redap::kEntriesTableId) return Status::OK();
  return NotFound("no table with id {}: chunkhouse serves only the {} system table", id, redap::kEntriesTableName);
}

void FillDatasetEntry(const catalog::Dataset& d, pb::DatasetEntry* out) {
  FillDetails(EntryOf(d), out->mutable_details());
  auto* handle = out->mutable_dataset_handle();
  redap::SetEntryId(d.id, handle->mutable_entry_id());
  handle->set_dataset_url("memory:///" + d.id);
  handle->set_store_kind(rerun::common::v1alpha1::STORE_KIND_RECORDING);
  handle->set_dataset_kind(pb::DATASET_KIND_RECORDING);
  out->mutable_dataset_details();  // must be present, even empty
}

Status SetSchema(const arrow::Schema& schema, rerun::common::v1alpha1::Schema* out) {
  ARROW_ASSIGN_OR_RAISE(auto ipc, rrd::WriteIpcSchema(schema));
  out->set_arrow_schema(ipc->data(), static_cast<size_t>(ipc->size()));
  return Status::OK();
}

// Writes one message with a table; an encoding failure becomes the handler's status.
template <typename Response, typename Writer>
Status WriteTable(Writer* writer, const arrow::RecordBatch& batch) {
  Response response;
  ARROW_RETURN_NOT_OK(rrd::EncodeDataframePart(batch, response.mutable_data()));
  writer->Write(response);
  return Status::OK();
}

std::vector<std::string> TaskIds(const google::protobuf::RepeatedPtrField<pb::TaskId>& ids) {
  std::vector<std::string> out;
  for (const auto& t : ids) out.push_back(t.id());
  return out;
}

Result<std::shared_ptr<arrow::RecordBatch>> TaskTable(const std::vector<catalog::Task>& tasks) {
  std::vector<redap::TaskRow> rows;
  for (const auto& t : tasks) rows.push_back({t.id, t.storage_url, t.status == catalog::TaskStatus::kSuccess, t.message});
  return redap::TaskTable(rows);
}

class CloudService final : public pb::RerunCloudService::WithCallbackMethod_FetchChunks<pb::RerunCloudService::Service> {
 public:
  CloudService(catalog::Catalog& catalog, DatasetTables& tables, const Limits& limits)
      : catalog_(catalog), tables_(tables), limits_(limits) {}

  grpc::Status Version(grpc::ServerContext*, const pb::VersionRequest*, pb::VersionResponse* out) override {
    out->set_version(std::string(redap::kProtocolVersion));
    out->add_features(std::string(redap::kFeaturePerSegmentIndexValues));
    return grpc::Status::OK;
  }

  grpc::Status WhoAmI(grpc::ServerContext*, const pb::WhoAmIRequest*, pb::WhoAmIResponse* out) override {
    out->set_can_read(true);
    out->set_can_write(true);
    return grpc::Status::OK;
  }

  grpc::Status FindEntries(grpc::ServerContext*, const pb::FindEntriesRequest* req, pb::FindEntriesResponse* out) override {
    const auto& f = req->filter();
    std::vector<int> kinds(f.entry_kinds().begin(), f.entry_kinds().end());
    if (std::find(kinds.begin(), kinds.end(), pb::ENTRY_KIND_UNSPECIFIED) != kinds.end()) {
      return ToGrpc(InvalidArgument("entry_kinds must not contain UNSPECIFIED"));
    }
    if (kinds.empty() && f.has_entry_kind()) kinds = {f.entry_kind()};
    if (kinds.empty()) kinds = {1, 2, 3, 4, 5};  // the legacy default: everything but asset datasets
    auto wanted = [&](int kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); };
    if (wanted(pb::ENTRY_KIND_DATASET)) {
      auto datasets = catalog_.Datasets();
      if (!datasets.ok()) return ToGrpc(datasets.status());
      for (const auto& d : *datasets) {
        if (f.has_name() && f.name() != d.name) continue;
        if (f.has_id() && redap::EntryIdString(f.id()) != d.id) continue;
        FillDetails(EntryOf(d), out->add_entries());
      }
    }
    if (wanted(pb::ENTRY_KIND_TABLE) && (!f.has_name() || f.name() == redap::kEntriesTableName) &&
        (!f.has_id() || redap::EntryIdString(f.id()) == redap::kEntriesTableId)) {
      FillDetails(EntriesTableEntry(), out->add_entries());
    }
    return grpc::Status::OK;
  }

  grpc::Status GetRrdManifest(grpc::ServerContext* ctx, const pb::GetRrdManifestRequest* req,
                              grpc::ServerWriter<pb::GetRrdManifestResponse>* writer) override {
    auto dataset = EntryFromHeader(*ctx);
    if (!dataset.ok()) return ToGrpc(dataset.status());
    if (!req->has_segment_id() || !req->segment_id().has_id()) {
      return ToGrpc(InvalidArgument("GetRrdManifest needs a segment_id"));
    }
    auto manifest = tables_.RrdManifest(*dataset, req->segment_id().id());
    if (!manifest.ok()) return ToGrpc(manifest.status());
    pb::GetRrdManifestResponse response;
    if (!response.mutable_rrd_manifest()->ParseFromString(*manifest)) {
      return ToGrpc(Internal("cannot encode the manifest of segment {}", req->segment_id().id()));
    }
    writer->Write(response);
    return grpc::Status::OK;
  }

  // --- tables: the __entries system table (redap/tables.h)

  grpc::Status ReadTableEntry(grpc::ServerContext* ctx, const pb::ReadTableEntryRequest* req,
                              pb::ReadTableEntryResponse* out) override {
    auto id = EntryFromBodyOrHeader(*ctx, req->has_id() ? &req->id() : nullptr);
    if (!id.ok()) return ToGrpc(id.status());
    if (Status st = OnlyEntriesTable(*id); !st.ok()) return ToGrpc(st);
    FillDetails(EntriesTableEntry(), out->mutable_table()->mutable_details());
    pb::SystemTable system;
    system.set_kind(pb::SYSTEM_TABLE_KIND_ENTRIES);
    auto* provider = out->mutable_table()->mutable_provider_details();
    provider->set_type_url("/rerun.cloud.v1alpha1.SystemTable");  // prost's form, not type.googleapis.com/
    provider->set_value(system.SerializeAsString());
    out->mutable_table()->mutable_table_details();
    return grpc::Status::OK;
  }

  grpc::Status GetTableSchema(grpc::ServerContext*, const pb::GetTableSchemaRequest* req,
                              pb::GetTableSchemaResponse* out) override {
    if (Status st = OnlyEntriesTable(redap::EntryIdString(req->table_id())); !st.ok()) return ToGrpc(st);
    return ToGrpc(SetSchema(*redap::EntriesSchema(), out->mutable_schema()));
  }

  grpc::Status ScanTable(grpc::ServerContext*, const pb::ScanTableRequest* req,
                         grpc::ServerWriter<pb::ScanTableResponse>* writer) override {
    if (Status st = OnlyEntriesTable(redap::EntryIdString(req->table_id())); !st.ok()) return ToGrpc(st);
    auto datasets = catalog_.Datasets();
    if (!datasets.ok()) return ToGrpc(datasets.status());
    std::vector<redap::EntryRow> rows{EntriesTableEntry()};
    for (const auto& d : *datasets) rows.push_back(EntryOf(d));
    auto batch = redap::EntriesTable(rows);
    if (!batch.ok()) return ToGrpc(batch.status());
    return ToGrpc(WriteTable<pb::ScanTableResponse>(writer, **batch));
  }

  grpc::Status CreateDatasetEntry(grpc::ServerContext*, const pb::CreateDatasetEntryRequest* req,
                                  pb::CreateDatasetEntryResponse* out) override {
    if (!req->has_name()) return ToGrpc(InvalidArgument("a dataset needs a name"));
    if (req->has_id()) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "choosing the entry id is not supported");
    auto d = catalog_.CreateDataset(req->name());
    if (!d.ok()) return ToGrpc(d.status());
    FillDatasetEntry(*d, out->mutable_dataset());
    return grpc::Status::OK;
  }

  grpc::Status ReadDatasetEntry(grpc::ServerContext* ctx, const pb::ReadDatasetEntryRequest*,
                                pb::ReadDatasetEntryResponse* out) override {
    auto d = DatasetFromHeader(*ctx);
    if (!d.ok()) return ToGrpc(d.status());
    FillDatasetEntry(*d, out->mutable_dataset());
    return grpc::Status::OK;
  }

  grpc::Status DeleteEntry(grpc::ServerContext* ctx, const pb::DeleteEntryRequest* req, pb::DeleteEntryResponse*) override {
    auto id = EntryFromBodyOrHeader(*ctx, req->has_id() ? &req->id() : nullptr);
    if (!id.ok()) return ToGrpc(id.status());
    return ToGrpc(catalog_.DeleteDataset(*id));
  }

  grpc::Status UpdateEntry(grpc::ServerContext* ctx, const pb::UpdateEntryRequest* req,
                           pb::UpdateEntryResponse* out) override {
    auto id = EntryFromBodyOrHeader(*ctx, req->has_id() ? &req->id() : nullptr);
    if (!id.ok()) return ToGrpc(id.status());
    auto d = catalog_.DatasetById(*id);
    if (d.ok() && req->entry_details_update().has_name()) d = catalog_.RenameDataset(*id, req->entry_details_update().name());
    if (!d.ok()) return ToGrpc(d.status());
    FillDetails(EntryOf(*d), out->mutable_entry_details());
    return grpc::Status::OK;
  }

  // --- registration and tasks

  grpc::Status RegisterWithDataset(grpc::ServerContext* ctx, const pb::RegisterWithDatasetRequest* req,
                                   pb::RegisterWithDatasetResponse* out) override {
    auto id = EntryFromHeader(*ctx);
    if (!id.ok()) return ToGrpc(id.status());
    if (static_cast<size_t>(req->data_sources_size()) > limits_.max_sources_per_register) {
      return ToGrpc(ResourceExhausted("{} data sources in one request, more than the limit of {}: register them in "
                                      "several calls",
                                      req->data_sources_size(), limits_.max_sources_per_register));
    }
    std::vector<std::string> urls;
    for (const auto& src : req->data_sources()) {
      if (src.typ() != pb::DATA_SOURCE_KIND_RRD) return ToGrpc(InvalidArgument("data source kind must be RRD"));
      if (src.storage_url().size() > limits_.max_url_bytes) {
        return ToGrpc(InvalidArgument("a URL of {} bytes, more than the limit of {}: '{}'", src.storage_url().size(),
                                      limits_.max_url_bytes, Quote(src.storage_url(), 80)));
      }
      if (src.has_layer() && !src.layer().empty() && src.layer() != "base") {
        return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "only the 'base' layer is supported");
      }
      urls.push_back(src.storage_url());
    }
    if (urls.empty()) return ToGrpc(InvalidArgument("no data sources to register"));
    auto on_dup = req->on_duplicate() == pb::IF_DUPLICATE_BEHAVIOR_ERROR       ? catalog::OnDuplicate::kError
                  : req->on_duplicate() == pb::IF_DUPLICATE_BEHAVIOR_OVERWRITE ? catalog::OnDuplicate::kReplace
                                                                              : catalog::OnDuplicate::kSkip;
    auto ids = catalog_.Register(*id, urls, on_dup);
    if (!ids.ok()) return ToGrpc(ids.status());
    // Footers only: this is quick, and the response must name the segments.
    auto tasks = catalog_.WaitForTasks(*ids, std::chrono::minutes(10));
    if (!tasks.ok()) return ToGrpc(tasks.status());
    // Deleted while its files were being indexed: the dataset is gone, not a duplicate.
    if (auto gone = catalog_.DatasetById(*id); KindOf(gone.status()) == ErrorKind::kNotFound) {
      return ToGrpc(gone.status().WithMessage(gone.status().message() + " (deleted during the registration)"));
    }
    std::vector<redap::RegistrationRow> rows;
    for (const auto& t : *tasks) {
      if (t.status == catalog::TaskStatus::kFailed && t.error == ErrorKind::kAlreadyExists) {
        return ToGrpc(MakeError(ErrorKind::kAlreadyExists, t.message));
      }
      std::vector<std::string> segments = t.segment_ids;
      if (segments.empty() && t.status != catalog::TaskStatus::kSuccess) segments.push_back("");
      for (const auto& s : segments) rows.push_back({s, "base", t.storage_url, t.id});
    }
    auto batch = redap::RegistrationTable(rows);
    if (!batch.ok()) return ToGrpc(batch.status());
    tables_.Warm(*id);  // so the first query does not pay for indexing the new segments
    return ToGrpc(rrd::EncodeDataframePart(**batch, out->mutable_data()));
  }

  grpc::Status UnregisterFromDataset(grpc::ServerContext* ctx, const pb::UnregisterFromDatasetRequest* req,
                                     grpc::ServerWriter<pb::UnregisterFromDatasetResponse>* writer) override {
    auto id = EntryFromHeader(*ctx);
    if (!id.ok()) return ToGrpc(id.status());
    std::vector<std::string> segments, layers(req->layers_to_drop().begin(), req->layers_to_drop().end());
    for (const auto& s : req->segments_to_drop()) segments.push_back(s.id());
    auto done = catalog_.Unregister(*id, segments, layers);
    if (!done.ok()) return ToGrpc(done.status());
    // Done already; the client waits on the task all the same.
    auto batch = arrow::RecordBatch::MakeEmpty(redap::UnregistrationSchema());
    if (!batch.ok()) return ToGrpc(batch.status());
    pb::UnregisterFromDatasetResponse response;
    if (auto st = rrd::EncodeDataframePart(**batch, response.mutable_data()); !st.ok()) return ToGrpc(st);
    response.mutable_task_id()->set_id(done->first);
    writer->Write(response);
    return grpc::Status::OK;
  }

  grpc::Status QueryTasks(grpc::ServerContext*, const pb::QueryTasksRequest* req, pb::QueryTasksResponse* out) override {
    auto tasks = catalog_.WaitForTasks(TaskIds(req->ids()), std::chrono::milliseconds(0));
    if (!tasks.ok()) return ToGrpc(tasks.status());
    auto table = TaskTable(*tasks);
    if (!table.ok()) return ToGrpc(table.status());
    return ToGrpc(rrd::EncodeDataframePart(**table, out->mutable_data()));
  }

  grpc::Status QueryTasksOnCompletion(grpc::ServerContext*, const pb::QueryTasksOnCompletionRequest* req,
                                      grpc::ServerWriter<pb::QueryTasksOnCompletionResponse>* writer) override {
    auto timeout = std::chrono::seconds(req->has_timeout() ? std::max<int64_t>(1, req->timeout().seconds()) : 3600);
    auto tasks = catalog_.WaitForTasks(TaskIds(req->ids()), timeout);
    if (!tasks.ok()) return ToGrpc(tasks.status());
    for (const auto& t : *tasks) {
      if (t.status != catalog::TaskStatus::kSuccess && t.status != catalog::TaskStatus::kFailed) {
        return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "registration tasks did not finish in time");
      }
    }
    auto table = TaskTable(*tasks);
    if (!table.ok()) return ToGrpc(table.status());
    return ToGrpc(WriteTable<pb::QueryTasksOnCompletionResponse>(writer, **table));
  }

  // --- schemas and segments

  grpc::Status GetDatasetSchema(grpc::ServerContext* ctx, const pb::GetDatasetSchemaRequest*,
                                pb::GetDatasetSchemaResponse* out) override {
    auto schema = WithSegments(*ctx, [&](const auto& segments) { return tables_.DatasetSchema(segments); });
    if (!schema.ok()) return ToGrpc(schema.status());
    return ToGrpc(SetSchema(**schema, out->mutable_schema()));
  }

  grpc::Status GetSegmentTableSchema(grpc::ServerContext* ctx, const pb::GetSegmentTableSchemaRequest*,
                                     pb::GetSegmentTableSchemaResponse* out) override {
    auto schema = WithSegments(*ctx, [&](const auto& segments) { return tables_.SegmentTableSchema(segments); });
    if (!schema.ok()) return ToGrpc(schema.status());
    return ToGrpc(SetSchema(**schema, out->mutable_schema()));
  }

  grpc::Status ScanSegmentTable(grpc::ServerContext* ctx, const pb::ScanSegmentTableRequest* req,
                                grpc::ServerWriter<pb::ScanSegmentTableResponse>* writer) override {
    auto batch = WithSegments(*ctx, [&](std::vector<SegmentFile> segments) {
      // The segment-id filter is a hint (the client applies it again): honoured when given.
      if (req->has_segment_id_filter()) {
        const auto& f = req->segment_id_filter();
        const bool only = f.has_scan_only();
        const auto& list = only ? f.scan_only().segment_ids() : f.skip().segment_ids();
        std::set<std::string> named(list.begin(), list.end());
        if (only || f.has_skip()) {
          std::erase_if(segments, [&](const SegmentFile& s) { return named.count(s.segment.segment_id) != only; });
        }
      }
      return tables_.SegmentTable(segments, {req->columns().begin(), req->columns().end()});
    });
    if (!batch.ok()) return ToGrpc(batch.status());
    return ToGrpc(WriteTable<pb::ScanSegmentTableResponse>(writer, **batch));
  }

  // --- queries: which chunks, then their bytes straight from the files

  grpc::Status QueryDataset(grpc::ServerContext* ctx, const pb::QueryDatasetRequest* req,
                            grpc::ServerWriter<pb::QueryDatasetResponse>* writer) override {
    auto dataset = EntryFromHeader(*ctx);
    if (!dataset.ok()) return ToGrpc(dataset.status());
    if (req->chunk_ids_size() > 0) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "chunk_ids is not supported");
    if (req->select_all_entity_paths() && req->entity_paths_size() > 0) {
      return ToGrpc(InvalidArgument("select_all_entity_paths with an entity list"));
    }
    ChunkSelection selection;
    for (const auto& s : req->segment_ids()) selection.segments.insert(s.id());
    if (!req->select_all_entity_paths()) {
      selection.entities.emplace();
      for (const auto& e : req->entity_paths()) selection.entities->insert(EntityPath::Parse(e.path()).ToString());
    }
    selection.exclude_static = req->exclude_static_data();
    selection.exclude_temporal = req->exclude_temporal_data();
    auto filter = redap::ChunkFilterOf(*req);
    if (!filter.ok()) return ToGrpc(filter.status());
    selection.filter = std::move(*filter);
    return ToGrpc(tables_.SelectChunks(*dataset, selection, [&](std::shared_ptr<arrow::RecordBatch> batch) {
      return WriteTable<pb::QueryDatasetResponse>(writer, *batch);
    }));
  }

  // A callback stream: a client that stops reading holds no thread (see fetch_stream.h).
  grpc::ServerWriteReactor<pb::FetchChunksResponse>* FetchChunks(grpc::CallbackServerContext*,
                                                                 const pb::FetchChunksRequest* req) override {
    return StartFetchStream(tables_, limits_, fetch_streams_, *req);
  }

 private:
  // The dataset a request is about: x-rerun-entry-id, or else the entry name in
  // x-rerun-entry-name-bin (binary metadata: gRPC hands over the decoded bytes).
  Result<std::string> EntryFromHeader(const grpc::ServerContext& ctx) {
    const auto& md = ctx.client_metadata();
    if (auto it = md.find("x-rerun-entry-id"); it != md.end()) {
      std::string_view value(it->second.data(), it->second.size());
      auto id = redap::ParseEntryId(value);
      if (!id.ok()) return InvalidArgument("'{}' is not a valid value for 'x-rerun-entry-id'", Quote(value, 80));
      return id;
    }
    auto it = md.find("x-rerun-entry-name-bin");
    if (it == md.end()) return InvalidArgument("missing mandatory [x-rerun-entry-id, x-rerun-entry-name-bin] HTTP headers");
    ARROW_ASSIGN_OR_RAISE(auto dataset, catalog_.DatasetByName(std::string(it->second.data(), it->second.size())));
    return dataset.id;
  }

  Result<catalog::Dataset> DatasetFromHeader(const grpc::ServerContext& ctx) {
    ARROW_ASSIGN_OR_RAISE(auto id, EntryFromHeader(ctx));
    return catalog_.DatasetById(id);
  }

  // The entry a request's body names (the client sends it there and in the header), else the header's.
  Result<std::string> EntryFromBodyOrHeader(const grpc::ServerContext& ctx, const pb::EntryId* body) {
    if (body) return redap::EntryIdString(*body);
    return EntryFromHeader(ctx);
  }

  // `f` over the segments of the dataset the request's header names.
  template <typename F>
  auto WithSegments(const grpc::ServerContext& ctx, F&& f) -> decltype(f(std::vector<SegmentFile>{})) {
    ARROW_ASSIGN_OR_RAISE(auto id, EntryFromHeader(ctx));
    ARROW_ASSIGN_OR_RAISE(auto segments, tables_.Segments(id));
    return f(std::move(segments));
  }

  catalog::Catalog& catalog_;
  DatasetTables& tables_;
  Limits limits_;
  std::atomic<int> fetch_streams_{0};
};

}  // namespace

std::unique_ptr<grpc::Service> MakeCloudService(catalog::Catalog& catalog, DatasetTables& tables, const Limits& limits) {
  return std::make_unique<CloudService>(catalog, tables, limits);
}

}  // namespace chunkhouse::server
