#include "chunkhouse/server/server.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <grpcpp/grpcpp.h>

#include <charconv>
#include <malloc.h>

#include <csignal>
#include <fstream>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include "chunkhouse/base/metadata.h"
#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/server/cloud.grpc.pb.h"
#include "chunkhouse/store/store.h"

namespace chunkhouse::server {

namespace pb = rerun::cloud::v1alpha1;
namespace fs = std::filesystem;

namespace {

grpc::Status ToGrpc(const Status& st) {
  if (st.ok()) return grpc::Status::OK;
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  if (st.IsKeyError()) code = grpc::StatusCode::NOT_FOUND;
  if (st.IsAlreadyExists()) code = grpc::StatusCode::ALREADY_EXISTS;
  if (st.IsInvalid()) code = grpc::StatusCode::INVALID_ARGUMENT;
  return grpc::Status(code, st.message());
}

void SetTimestamp(int64_t ns, google::protobuf::Timestamp* ts) {
  ts->set_seconds(ns / 1'000'000'000);
  ts->set_nanos(static_cast<int32_t>(ns % 1'000'000'000));
}

void SetEntryId(const std::string& id, pb::EntryId* out) {
  auto tuid = Tuid::Parse(id, "entry").ValueOr(Tuid{});
  out->mutable_id()->set_time_ns(tuid.time_ns);
  out->mutable_id()->set_inc(tuid.inc);
}

std::string EntryIdString(const pb::EntryId& id) { return Tuid{id.id().time_ns(), id.id().inc()}.ToString(); }

void FillDetails(const catalog::Dataset& d, pb::EntryDetails* out) {
  SetEntryId(d.id, out->mutable_id());
  out->set_name(d.name);
  out->set_entry_kind(pb::ENTRY_KIND_DATASET);
  SetTimestamp(d.created_at_ns, out->mutable_created_at());
  SetTimestamp(d.updated_at_ns, out->mutable_updated_at());
}

void FillDatasetEntry(const catalog::Dataset& d, pb::DatasetEntry* out) {
  FillDetails(d, out->mutable_details());
  auto* handle = out->mutable_dataset_handle();
  SetEntryId(d.id, handle->mutable_entry_id());
  handle->set_dataset_url("memory:///" + d.id);
  handle->set_store_kind(rerun::common::v1alpha1::STORE_KIND_RECORDING);
  handle->set_dataset_kind(pb::DATASET_KIND_RECORDING);
  out->mutable_dataset_details();  // must be present, even empty
}

// The dataset a request is about, from the x-rerun-entry-id header (32 hex digits); nullopt
// when the header is absent.
Result<std::optional<std::string>> EntryIdHeader(const grpc::ServerContext& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find("x-rerun-entry-id");
  if (it == md.end()) return std::nullopt;
  std::string value(it->second.data(), it->second.size());
  auto id = Tuid::Parse(value, "entry");
  if (!id.ok()) return Status::Invalid(fmt::format("'{}' is not a valid value for 'x-rerun-entry-id'", value));
  return std::optional<std::string>(id->ToString());
}


// --- Arrow tables inside protobuf -----------------------------------------------------------

Status ToDataframePart(const arrow::RecordBatch& batch, rerun::common::v1alpha1::DataframePart* out) {
  ARROW_ASSIGN_OR_RAISE(auto ipc, rrd::WriteIpcBatch(batch));
  ARROW_ASSIGN_OR_RAISE(auto lz4, rrd::Lz4Compress(*ipc));
  out->set_encoder_version(rerun::common::v1alpha1::ENCODER_VERSION_V0);
  out->set_payload(lz4->data(), static_cast<size_t>(lz4->size()));
  out->set_compression(rerun::common::v1alpha1::COMPRESSION_LZ4);
  out->set_uncompressed_size(static_cast<uint64_t>(ipc->size()));
  return Status::OK();
}

Result<std::shared_ptr<arrow::RecordBatch>> FromDataframePart(const rerun::common::v1alpha1::DataframePart& part) {
  std::shared_ptr<arrow::Buffer> ipc = arrow::Buffer::FromString(part.payload());
  rrd::Where where{"request", 0};
  if (part.compression() == rerun::common::v1alpha1::COMPRESSION_LZ4) {
    ARROW_ASSIGN_OR_RAISE(ipc, rrd::Lz4Decompress(*ipc, part.uncompressed_size(), where));
  }
  return rrd::ReadIpcBatch(std::move(ipc), where);
}

void SetSchema(const arrow::Schema& schema, rerun::common::v1alpha1::Schema* out) {
  auto ipc = rrd::WriteIpcSchema(schema);
  if (ipc.ok()) out->set_arrow_schema((*ipc)->data(), static_cast<size_t>((*ipc)->size()));
}

std::shared_ptr<arrow::KeyValueMetadata> Md(std::vector<std::string> keys, std::vector<std::string> values) {
  return arrow::key_value_metadata(std::move(keys), std::move(values));
}

std::shared_ptr<arrow::Schema> TaskSchema() {
  auto ts = arrow::timestamp(arrow::TimeUnit::NANO);
  return arrow::schema({arrow::field("task_id", arrow::utf8(), false), arrow::field("kind", arrow::utf8()),
                        arrow::field("data", arrow::utf8()), arrow::field("exec_status", arrow::utf8(), false),
                        arrow::field("msgs", arrow::utf8()), arrow::field("blob_len", arrow::uint64()),
                        arrow::field("lease_owner", arrow::utf8()), arrow::field("lease_expiration", ts),
                        arrow::field("attempts", arrow::uint8(), false), arrow::field("creation_time", ts),
                        arrow::field("last_update_time", ts)});
}

Result<std::shared_ptr<arrow::RecordBatch>> TaskTable(const std::vector<catalog::Task>& tasks) {
  auto schema = TaskSchema();
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> b(static_cast<size_t>(schema->num_fields()));
  for (int i = 0; i < schema->num_fields(); ++i) {
    ARROW_ASSIGN_OR_RAISE(b[static_cast<size_t>(i)], arrow::MakeBuilder(schema->field(i)->type()));
  }
  auto str = [&](int i) { return static_cast<arrow::StringBuilder*>(b[static_cast<size_t>(i)].get()); };
  for (const auto& t : tasks) {
    ARROW_RETURN_NOT_OK(str(0)->Append(t.id));
    ARROW_RETURN_NOT_OK(str(1)->Append("register"));
    ARROW_RETURN_NOT_OK(str(2)->Append(t.storage_url));
    // The client reads only success / cancelled / anything else (failed): never report pending.
    ARROW_RETURN_NOT_OK(str(3)->Append(t.status == catalog::TaskStatus::kSuccess ? "success" : "failed"));
    if (t.status == catalog::TaskStatus::kSuccess) {
      ARROW_RETURN_NOT_OK(str(4)->AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(str(4)->Append(t.message.empty() ? "the task did not finish in time" : t.message));
    }
    for (int i : {5, 6, 7, 9, 10}) ARROW_RETURN_NOT_OK(b[static_cast<size_t>(i)]->AppendNull());
    ARROW_RETURN_NOT_OK(static_cast<arrow::UInt8Builder*>(b[8].get())->Append(1));
  }
  arrow::ArrayVector arrays;
  for (auto& builder : b) {
    ARROW_ASSIGN_OR_RAISE(auto a, builder->Finish());
    arrays.push_back(a);
  }
  return arrow::RecordBatch::Make(schema, static_cast<int64_t>(tasks.size()), arrays);
}

// The dataset-level schema field of one store column (the Sorbet dataframe flavour).
std::shared_ptr<arrow::Field> ColumnField(const StoreColumn& c) {
  std::vector<std::string> k{std::string(meta::kKind), std::string(meta::kEntityPath), std::string(meta::kComponent)};
  std::vector<std::string> v{std::string(meta::kKindData), c.entity.ToString(), c.descriptor.component};
  if (c.descriptor.archetype) {
    k.emplace_back(meta::kArchetype);
    v.push_back(*c.descriptor.archetype);
  }
  if (c.descriptor.component_type) {
    k.emplace_back(meta::kComponentType);
    v.push_back(*c.descriptor.component_type);
  }
  for (auto [flag, key] : {std::pair{c.is_static, meta::kIsStatic}, {c.is_tombstone, meta::kIsTombstone},
                           {c.is_semantically_empty, meta::kIsSemanticallyEmpty}}) {
    if (flag) {
      k.emplace_back(key);
      v.emplace_back("true");
    }
  }
  return arrow::field(c.ColumnName(), c.type, true, Md(k, v));
}

// What the server knows about each registered file: its footer reader (filled by registration,
// so no file is opened twice) and, for files without a footer, a store of its chunks.
class FileIndex {
 public:
  // Registration (re)indexed a file: keep its reader, forget what was derived from the old one.
  void Put(const std::string& path, std::shared_ptr<rrd::IndexedReader> reader) {
    std::lock_guard lock(mutex_);
    readers_[path] = std::move(reader);
    for (auto it = stores_.lower_bound(path + "\n"); it != stores_.end() && it->first.rfind(path + "\n", 0) == 0;) {
      it = stores_.erase(it);
    }
    ++generation_;
  }

  Result<std::shared_ptr<rrd::IndexedReader>> Reader(const std::string& path) {
    {
      std::lock_guard lock(mutex_);
      auto it = readers_.find(path);
      if (it != readers_.end()) return it->second;
    }
    ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, rrd::IndexedReader::Open(path));
    std::lock_guard lock(mutex_);
    return readers_.try_emplace(path, reader).first->second;
  }

  // One recording of a file as a store (over the cached reader).
  Result<std::shared_ptr<ChunkStore>> Store(const std::string& path, const StoreId& id) {
    auto key = path + "\n" + id.recording_id;
    {
      std::lock_guard lock(mutex_);
      auto it = stores_.find(key);
      if (it != stores_.end()) return it->second;
    }
    ARROW_ASSIGN_OR_RAISE(std::shared_ptr<rrd::IndexedReader> reader, Reader(path));
    const auto& manifests = reader->manifests();
    if (std::any_of(manifests.begin(), manifests.end(), [](const rrd::Manifest& m) { return !m.data; })) {
      // Registration keeps slim readers; a store needs the manifests' tables.
      ARROW_ASSIGN_OR_RAISE(reader, rrd::IndexedReader::Open(path));
    }
    ARROW_ASSIGN_OR_RAISE(auto store, ChunkStore::Open(reader, id));
    std::lock_guard lock(mutex_);
    return stores_.try_emplace(key, store).first->second;
  }

  // Changes whenever a file is (re)indexed: part of the key of anything cached from readers.
  uint64_t generation() {
    std::lock_guard lock(mutex_);
    return generation_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<rrd::IndexedReader>> readers_;
  std::map<std::string, std::shared_ptr<ChunkStore>> stores_;  // "path\nrecording id"
  uint64_t generation_ = 0;
};

class CloudService final : public pb::RerunCloudService::Service {
 public:
  CloudService(catalog::Catalog& catalog, FileIndex& files) : catalog_(catalog), files_(files) {}

  grpc::Status Version(grpc::ServerContext*, const pb::VersionRequest*, pb::VersionResponse* out) override {
    out->set_version("0.36.2");
    out->add_features("per_segment_index_values");
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
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "entry_kinds must not contain UNSPECIFIED");
    }
    if (kinds.empty() && f.has_entry_kind()) kinds = {f.entry_kind()};
    if (kinds.empty()) kinds = {1, 2, 3, 4, 5};  // the legacy default: everything but asset datasets
    if (std::find(kinds.begin(), kinds.end(), pb::ENTRY_KIND_DATASET) == kinds.end()) return grpc::Status::OK;
    auto datasets = catalog_.Datasets();
    if (!datasets.ok()) return ToGrpc(datasets.status());
    for (const auto& d : *datasets) {
      if (f.has_name() && f.name() != d.name) continue;
      if (f.has_id() && EntryIdString(f.id()) != d.id) continue;
      FillDetails(d, out->add_entries());
    }
    return grpc::Status::OK;
  }

  grpc::Status CreateDatasetEntry(grpc::ServerContext*, const pb::CreateDatasetEntryRequest* req,
                                  pb::CreateDatasetEntryResponse* out) override {
    if (!req->has_name()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a dataset needs a name");
    if (req->has_id()) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "choosing the entry id is not supported");
    auto d = catalog_.CreateDataset(req->name());
    if (!d.ok()) return ToGrpc(d.status());
    FillDatasetEntry(*d, out->mutable_dataset());
    return grpc::Status::OK;
  }

  grpc::Status ReadDatasetEntry(grpc::ServerContext* ctx, const pb::ReadDatasetEntryRequest*,
                                pb::ReadDatasetEntryResponse* out) override {
    auto id = EntryFromHeader(*ctx);
    if (!id.ok()) return ToGrpc(id.status());
    auto d = catalog_.DatasetById(*id);
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
    auto entry = EntryFromBodyOrHeader(*ctx, req->has_id() ? &req->id() : nullptr);
    if (!entry.ok()) return ToGrpc(entry.status());
    const std::string& id = *entry;
    auto d = catalog_.DatasetById(id);
    if (!d.ok()) return ToGrpc(d.status());
    if (req->entry_details_update().has_name()) {
      d = catalog_.RenameDataset(id, req->entry_details_update().name());
      if (!d.ok()) return ToGrpc(d.status());
    }
    FillDetails(*d, out->mutable_entry_details());
    return grpc::Status::OK;
  }

  // --- registration and tasks

  grpc::Status RegisterWithDataset(grpc::ServerContext* ctx, const pb::RegisterWithDatasetRequest* req,
                                   pb::RegisterWithDatasetResponse* out) override {
    auto id = EntryFromHeader(*ctx);
    if (!id.ok()) return ToGrpc(id.status());
    std::vector<std::string> urls;
    for (const auto& src : req->data_sources()) {
      if (src.typ() != pb::DATA_SOURCE_KIND_RRD) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "data source kind must be RRD");
      }
      if (src.has_layer() && !src.layer().empty() && src.layer() != "base") {
        return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "only the 'base' layer is supported");
      }
      urls.push_back(src.storage_url());
    }
    if (urls.empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no data sources to register");
    auto on_dup = req->on_duplicate() == pb::IF_DUPLICATE_BEHAVIOR_ERROR       ? catalog::OnDuplicate::kError
                  : req->on_duplicate() == pb::IF_DUPLICATE_BEHAVIOR_OVERWRITE ? catalog::OnDuplicate::kReplace
                                                                              : catalog::OnDuplicate::kSkip;
    auto ids = catalog_.Register(*id, urls, on_dup);
    if (!ids.ok()) return ToGrpc(ids.status());
    // Footers only: this is quick, and the response must name the segments.
    auto tasks = catalog_.WaitForTasks(*ids, std::chrono::minutes(10));
    if (!tasks.ok()) return ToGrpc(tasks.status());
    for (const auto& t : *tasks) {
      if (on_dup == catalog::OnDuplicate::kError && t.message.find("already exists") != std::string::npos) {
        return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, t.message);
      }
    }
    arrow::StringBuilder seg, layer, type, url, task;
    for (const auto& t : *tasks) {
      std::vector<std::string> segments = t.segment_ids;
      if (segments.empty() && t.status != catalog::TaskStatus::kSuccess) segments.push_back("");
      for (const auto& s : segments) {
        (void)seg.Append(s);
        (void)layer.Append("base");
        (void)type.Append("rrd");
        (void)url.Append(t.storage_url);
        (void)task.Append(t.id);
      }
    }
    arrow::ArrayVector arrays(5);
    for (auto [i, b] : {std::pair<int, arrow::StringBuilder*>{0, &seg}, {1, &layer}, {2, &type}, {3, &url}, {4, &task}}) {
      if (!b->Finish(&arrays[static_cast<size_t>(i)]).ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "arrow");
    }
    auto schema = arrow::schema({arrow::field("rerun_segment_id", arrow::utf8(), false),
                                 arrow::field("rerun_segment_layer", arrow::utf8(), false),
                                 arrow::field("rerun_segment_type", arrow::utf8(), false),
                                 arrow::field("rerun_storage_url", arrow::utf8(), false),
                                 arrow::field("rerun_task_id", arrow::utf8(), false)});
    auto batch = arrow::RecordBatch::Make(schema, arrays[0]->length(), arrays);
    // Index the new segments now (footers, dataset schema), so the first query doesn't pay for it.
    if (auto segments = SegmentsOf(*ctx); segments.ok()) (void)DatasetSchema(*segments);
    return ToGrpc(ToDataframePart(*batch, out->mutable_data()));
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
    auto schema = arrow::schema({arrow::field("rerun_segment_id", arrow::utf8(), false),
                                 arrow::field("rerun_segment_layer", arrow::utf8(), false)});
    auto batch = arrow::RecordBatch::MakeEmpty(schema);
    if (!batch.ok()) return ToGrpc(batch.status());
    pb::UnregisterFromDatasetResponse response;
    if (auto st = ToDataframePart(**batch, response.mutable_data()); !st.ok()) return ToGrpc(st);
    response.mutable_task_id()->set_id(done->first);
    writer->Write(response);
    return grpc::Status::OK;
  }

  grpc::Status QueryTasks(grpc::ServerContext*, const pb::QueryTasksRequest* req, pb::QueryTasksResponse* out) override {
    std::vector<std::string> ids;
    for (const auto& t : req->ids()) ids.push_back(t.id());
    auto tasks = catalog_.WaitForTasks(ids, std::chrono::milliseconds(0));
    if (!tasks.ok()) return ToGrpc(tasks.status());
    auto table = TaskTable(*tasks);
    if (!table.ok()) return ToGrpc(table.status());
    return ToGrpc(ToDataframePart(**table, out->mutable_data()));
  }

  grpc::Status QueryTasksOnCompletion(grpc::ServerContext*, const pb::QueryTasksOnCompletionRequest* req,
                                      grpc::ServerWriter<pb::QueryTasksOnCompletionResponse>* writer) override {
    std::vector<std::string> ids;
    for (const auto& t : req->ids()) ids.push_back(t.id());
    auto timeout = std::chrono::seconds(req->has_timeout() ? std::max<int64_t>(1, req->timeout().seconds()) : 3600);
    auto tasks = catalog_.WaitForTasks(ids, timeout);
    if (!tasks.ok()) return ToGrpc(tasks.status());
    for (const auto& t : *tasks) {
      if (t.status != catalog::TaskStatus::kSuccess && t.status != catalog::TaskStatus::kFailed) {
        return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "registration tasks did not finish in time");
      }
    }
    auto table = TaskTable(*tasks);
    if (!table.ok()) return ToGrpc(table.status());
    pb::QueryTasksOnCompletionResponse response;
    if (auto st = ToDataframePart(**table, response.mutable_data()); !st.ok()) return ToGrpc(st);
    writer->Write(response);
    return grpc::Status::OK;
  }

  // --- schemas and segments

  grpc::Status GetDatasetSchema(grpc::ServerContext* ctx, const pb::GetDatasetSchemaRequest*,
                                pb::GetDatasetSchemaResponse* out) override {
    auto segments = SegmentsOf(*ctx);
    if (!segments.ok()) return ToGrpc(segments.status());
    auto schema = DatasetSchema(*segments);
    if (!schema.ok()) return ToGrpc(schema.status());
    SetSchema(**schema, out->mutable_schema());
    return grpc::Status::OK;
  }

  grpc::Status GetSegmentTableSchema(grpc::ServerContext* ctx, const pb::GetSegmentTableSchemaRequest*,
                                     pb::GetSegmentTableSchemaResponse* out) override {
    auto segments = SegmentsOf(*ctx);
    if (!segments.ok()) return ToGrpc(segments.status());
    auto schema = SegmentTableSchema(*segments);
    if (!schema.ok()) return ToGrpc(schema.status());
    SetSchema(**schema, out->mutable_schema());
    return grpc::Status::OK;
  }

  grpc::Status ScanSegmentTable(grpc::ServerContext* ctx, const pb::ScanSegmentTableRequest* req,
                                grpc::ServerWriter<pb::ScanSegmentTableResponse>* writer) override {
    auto segments = SegmentsOf(*ctx);
    if (!segments.ok()) return ToGrpc(segments.status());
    // The segment-id filter is a hint (the client applies it again): honoured when given.
    if (req->has_segment_id_filter()) {
      const auto& f = req->segment_id_filter();
      const bool only = f.has_scan_only();
      const auto& list = only ? f.scan_only().segment_ids() : f.skip().segment_ids();
      std::set<std::string> named(list.begin(), list.end());
      if (only || f.has_skip()) {
        std::erase_if(*segments, [&](const SegmentFile& s) { return named.count(s.segment.segment_id) != only; });
      }
    }
    auto batch = SegmentTable(*segments, {req->columns().begin(), req->columns().end()});
    if (!batch.ok()) return ToGrpc(batch.status());
    pb::ScanSegmentTableResponse response;
    if (auto st = ToDataframePart(**batch, response.mutable_data()); !st.ok()) return ToGrpc(st);
    writer->Write(response);
    return grpc::Status::OK;
  }

  // --- queries: which chunks, then their bytes straight from the files

  grpc::Status QueryDataset(grpc::ServerContext* ctx, const pb::QueryDatasetRequest* req,
                            grpc::ServerWriter<pb::QueryDatasetResponse>* writer) override {
    auto dataset = EntryFromHeader(*ctx);
    if (!dataset.ok()) return ToGrpc(dataset.status());
    auto segments = SegmentsOf(*ctx);
    if (!segments.ok()) return ToGrpc(segments.status());
    if (req->chunk_ids_size() > 0) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "chunk_ids is not supported");
    if (req->select_all_entity_paths() && req->entity_paths_size() > 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "select_all_entity_paths with an entity list");
    }
    std::set<std::string> wanted_segments;
    for (const auto& s : req->segment_ids()) wanted_segments.insert(s.id());
    std::set<std::string> entities;
    for (const auto& e : req->entity_paths()) entities.insert(EntityPath::Parse(e.path()).ToString());
    const auto& q = req->query();
    const bool has_latest_at = q.has_latest_at(), has_range = q.has_range();
    if (has_range && (!q.range().has_index() || !q.range().has_index_range())) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a range query needs an index and a range");
    }
    // per_segment_values (using_index_values): per segment, the chunks a latest-at at any of its
    // values can need, i.e. those starting at or before the largest; none for an empty list.
    std::map<std::string, std::optional<int64_t>> per_segment;
    if (has_latest_at && q.latest_at().per_segment_values_size() > 0) {
      const auto& la = q.latest_at();
      if (la.per_segment_values_size() != req->segment_ids_size() || la.has_at() || has_range || !la.has_index()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "per_segment_values needs one value list per segment id, an index, and no 'at' or range");
      }
      for (int i = 0; i < req->segment_ids_size(); ++i) {
        const auto& values = la.per_segment_values(i).values();
        std::optional<int64_t> largest;
        if (!values.empty()) largest = *std::max_element(values.begin(), values.end());
        if (!per_segment.emplace(req->segment_ids(i).id(), largest).second) {
          return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "per_segment_values: a segment id appears twice");
        }
      }
    }
    auto schema_or = DatasetSchema(*segments);
    if (!schema_or.ok()) return ToGrpc(schema_or.status());
    std::vector<std::string> timelines;
    for (const auto& f : (*schema_or)->fields()) {
      if (meta::Get(*f, meta::kKind) == std::string(meta::kKindIndex)) timelines.push_back(f->name());
    }
    auto chunk_schema = ChunkInfoSchema(timelines);
    // All segments' rows in as few parts as possible: one per 64k chunks.
    std::optional<ChunkInfoTable> table;
    int64_t rows = 0;
    bool wrote = false;
    auto flush = [&]() -> grpc::Status {
      auto batch = table->Finish(chunk_schema);
      if (!batch.ok()) return ToGrpc(batch.status());
      pb::QueryDatasetResponse response;
      if (auto st = ToDataframePart(**batch, response.mutable_data()); !st.ok()) return ToGrpc(st);
      writer->Write(response);
      table.reset();
      rows = 0;
      wrote = true;
      return grpc::Status::OK;
    };
    for (const auto& s : *segments) {
      if (!wanted_segments.empty() && !wanted_segments.count(s.segment.segment_id)) continue;
      auto reader = Reader(s.path);
      if (!reader.ok()) return ToGrpc(reader.status());
      const auto& all = (*reader)->chunks();
      for (size_t i = 0; i < all.size(); ++i) {
        const auto& e = all[i];
        if (e.store.kind != StoreKind::kRecording || e.store.recording_id != s.segment.segment_id) continue;
        if (!req->select_all_entity_paths() && !entities.count(EntityPath::Parse(e.entity_path).ToString())) continue;
        if (e.is_static ? req->exclude_static_data() : req->exclude_temporal_data()) continue;
        if (!e.is_static) {
          if (!per_segment.empty()) {
            const auto& largest = per_segment[s.segment.segment_id];
            const auto* r = RangeOn(e, q.latest_at().index().timeline().name());
            if (!largest || !r || r->min > *largest) continue;
          } else if (!Relevant(e, q, has_latest_at, has_range)) {
            continue;
          }
        }
        if (!table) table.emplace(timelines);
        table->Add(e, s.segment, fmt::format("{}\n{}\n{}", *dataset, s.segment.segment_id, i));
        if (++rows >= 65536) {
          if (auto st = flush(); !st.ok()) return st;
        }
      }
    }
    if (table) {
      if (auto st = flush(); !st.ok()) return st;
    }
    if (!wrote) {  // an empty result is one empty part with the full schema
      auto batch = arrow::RecordBatch::MakeEmpty(chunk_schema);
      if (!batch.ok()) return ToGrpc(batch.status());
      pb::QueryDatasetResponse response;
      if (auto st = ToDataframePart(**batch, response.mutable_data()); !st.ok()) return ToGrpc(st);
      writer->Write(response);
    }
    return grpc::Status::OK;
  }

  grpc::Status FetchChunks(grpc::ServerContext*, const pb::FetchChunksRequest* req,
                           grpc::ServerWriter<pb::FetchChunksResponse>* writer) override {
    pb::FetchChunksResponse response;
    size_t pending_bytes = 0;
    SegmentPaths files;  // looked up once per dataset in this request, not once per chunk
    for (const auto& part : req->chunk_infos()) {
      auto batch = FromDataframePart(part);
      if (!batch.ok()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, batch.status().message());
      auto keys = (*batch)->GetColumnByName("chunk_key");
      if (!keys || keys->type_id() != arrow::Type::BINARY || keys->null_count() > 0) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "chunk_infos need a non-null binary chunk_key column");
      }
      const auto& key_array = static_cast<const arrow::BinaryArray&>(*keys);
      for (int64_t r = 0; r < key_array.length(); ++r) {
        std::string* bytes = response.add_chunks();
        if (auto st = ChunkBytes(key_array.GetView(r), files, bytes); !st.ok()) return ToGrpc(st);
        pending_bytes += bytes->size();
        if (pending_bytes > (1u << 20)) {  // ~1 MiB per message: the client decodes while more arrive
          writer->Write(response);
          response.Clear();
          pending_bytes = 0;
        }
      }
    }
    if (response.chunks_size() > 0) writer->Write(response);
    return grpc::Status::OK;
  }

 private:
  // The dataset a request is about: x-rerun-entry-id, or else the entry name in
  // x-rerun-entry-name-bin (binary metadata: gRPC hands over the decoded bytes).
  Result<std::string> EntryFromHeader(const grpc::ServerContext& ctx) {
    ARROW_ASSIGN_OR_RAISE(auto id, EntryIdHeader(ctx));
    if (id) return *id;
    const auto& md = ctx.client_metadata();
    auto it = md.find("x-rerun-entry-name-bin");
    if (it == md.end()) return Status::Invalid("missing mandatory [x-rerun-entry-id, x-rerun-entry-name-bin] HTTP headers");
    ARROW_ASSIGN_OR_RAISE(auto dataset, catalog_.DatasetByName(std::string(it->second.data(), it->second.size())));
    return dataset.id;
  }

  // The entry a request's body names (the client sends it there and in the header), else the header's.
  Result<std::string> EntryFromBodyOrHeader(const grpc::ServerContext& ctx, const pb::EntryId* body) {
    if (body) return EntryIdString(*body);
    return EntryFromHeader(ctx);
  }

  struct SegmentFile {
    catalog::Segment segment;
    std::string path;
    StoreId store() const { return StoreId{StoreKind::kRecording, segment.application_id, segment.segment_id}; }
  };

  Result<std::vector<SegmentFile>> SegmentsOf(const grpc::ServerContext& ctx) {
    ARROW_ASSIGN_OR_RAISE(auto id, EntryFromHeader(ctx));
    ARROW_RETURN_NOT_OK(catalog_.DatasetById(id).status());  // an unknown entry is NOT_FOUND, not empty
    ARROW_ASSIGN_OR_RAISE(auto segments, catalog_.Segments(id));
    std::vector<SegmentFile> out;
    for (auto& s : segments) {
      std::string path = s.storage_url.rfind("file://", 0) == 0 ? s.storage_url.substr(7) : s.storage_url;
      out.push_back({std::move(s), std::move(path)});
    }
    return out;
  }

  Result<std::shared_ptr<rrd::IndexedReader>> Reader(const std::string& path) { return files_.Reader(path); }

  // dataset id -> segment id -> file path
  using SegmentPaths = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

  // The stored bytes of the chunk a chunk_key ("dataset\nsegment\nindex") names, into `out`.
  Status ChunkBytes(std::string_view key, SegmentPaths& files, std::string* out) {
    auto a = key.find('\n'), b = key.rfind('\n');
    if (a == std::string_view::npos || a == b) return Status::Invalid("undecodable chunk_key");
    std::string_view dataset = key.substr(0, a), segment = key.substr(a + 1, b - a - 1), digits = key.substr(b + 1);
    size_t index = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
      return Status::Invalid("undecodable chunk_key");
    }
    auto ds = files.find(dataset);
    if (ds == files.end()) {
      ARROW_ASSIGN_OR_RAISE(auto segments, catalog_.Segments(std::string(dataset)));
      std::map<std::string, std::string, std::less<>> paths;
      for (auto& s : segments) paths[s.segment_id] = s.storage_url.substr(std::string_view("file://").size());
      ds = files.emplace(std::string(dataset), std::move(paths)).first;
    }
    auto it = ds->second.find(segment);
    if (it == ds->second.end()) return Status::KeyError(fmt::format("no segment '{}' in dataset {}", segment, dataset));
    ARROW_ASSIGN_OR_RAISE(auto reader, Reader(it->second));
    if (index >= reader->chunks().size()) return Status::KeyError("chunk_key names no chunk");
    const auto& entry = reader->chunks()[index];
    if (entry.store.recording_id != segment) return Status::KeyError("chunk_key names no chunk of that segment");
    return reader->ReadChunkBytesInto(entry, out);  // read straight into the response
  }

  // Chunk selection: a superset of what the query may need (the client filters again).
  static const TimeRange* RangeOn(const rrd::ChunkEntry& e, const std::string& timeline) {
    for (const auto& [tl, r] : e.time_ranges)
      if (tl.name == timeline) return &r;
    return nullptr;
  }

  static bool Relevant(const rrd::ChunkEntry& e, const pb::Query& q, bool has_latest_at, bool has_range) {
    if (!has_latest_at && !has_range) return true;
    auto range_on = [&](const std::string& timeline) { return RangeOn(e, timeline); };
    if (has_range) {
      const auto* r = range_on(q.range().index().timeline().name());
      if (r && r->max >= q.range().index_range().start() && r->min <= q.range().index_range().end()) return true;
    }
    if (has_latest_at) {
      const auto& la = q.latest_at();
      if (la.has_index() && la.has_at()) {
        const auto* r = range_on(la.index().timeline().name());
        if (r && r->min <= la.at()) return true;
      }
    }
    return false;
  }

  static std::shared_ptr<arrow::Schema> ChunkInfoSchema(const std::vector<std::string>& timelines) {
    auto control = Md({std::string(meta::kKind)}, {std::string(meta::kKindControl)});
    arrow::FieldVector f{arrow::field("chunk_id", arrow::fixed_size_binary(16), false, control),
                         arrow::field("chunk_segment_id", arrow::utf8(), false, control),
                         arrow::field("rerun_segment_layer", arrow::utf8(), false),
                         arrow::field("chunk_key", arrow::binary(), false),
                         arrow::field("chunk_entity_path", arrow::utf8(), false, control),
                         arrow::field("chunk_is_static", arrow::boolean(), false, control),
                         arrow::field("chunk_byte_len", arrow::uint64(), false),
                         arrow::field("chunk_byte_size_uncompressed", arrow::uint64(), true)};
    for (const auto& t : timelines) {
      f.push_back(arrow::field(t + ":start", arrow::int64(), true,
                               Md({"rerun:index", "rerun:kind", "rerun:index_marker"}, {t, "index", "start"})));
    }
    return arrow::schema(f);
  }

  // The chunk-info rows of one segment, column by column.
  struct ChunkInfoTable {
    explicit ChunkInfoTable(const std::vector<std::string>& timelines) : timelines(timelines), starts(timelines.size()) {}

    void Add(const rrd::ChunkEntry& e, const catalog::Segment& segment, const std::string& key) {
      uint8_t bytes[16];
      e.chunk_id.ToBytes(bytes);
      (void)ids.Append(bytes);
      (void)seg.Append(segment.segment_id);
      (void)layer.Append(segment.layer);
      (void)keys.Append(key);
      (void)paths.Append(EntityPath::Parse(e.entity_path).ToString());
      (void)statics.Append(e.is_static);
      (void)lens.Append(e.byte_size);
      (void)unc.Append(e.byte_size_uncompressed);
      for (size_t t = 0; t < timelines.size(); ++t) {
        auto it = std::find_if(e.time_ranges.begin(), e.time_ranges.end(),
                               [&](const auto& r) { return r.first.name == timelines[t]; });
        if (it == e.time_ranges.end()) {
          (void)starts[t].AppendNull();
        } else {
          (void)starts[t].Append(it->second.min);  // exact: the client relies on it
        }
      }
    }

    Result<std::shared_ptr<arrow::RecordBatch>> Finish(const std::shared_ptr<arrow::Schema>& schema) {
      arrow::ArrayVector arrays;
      for (arrow::ArrayBuilder* b :
           std::initializer_list<arrow::ArrayBuilder*>{&ids, &seg, &layer, &keys, &paths, &statics, &lens, &unc}) {
        ARROW_ASSIGN_OR_RAISE(auto a, b->Finish());
        arrays.push_back(a);
      }
      for (auto& b : starts) {
        ARROW_ASSIGN_OR_RAISE(auto a, b.Finish());
        arrays.push_back(a);
      }
      return arrow::RecordBatch::Make(schema, arrays[0]->length(), arrays);
    }

    const std::vector<std::string>& timelines;
    arrow::FixedSizeBinaryBuilder ids{arrow::fixed_size_binary(16)};
    arrow::StringBuilder seg, layer, paths;
    arrow::BinaryBuilder keys;
    arrow::BooleanBuilder statics;
    arrow::UInt64Builder lens, unc;
    std::vector<arrow::Int64Builder> starts;
  };

  // The segment table: fixed columns, then the recording properties (`property:…`, from the
  // /__properties entities), then `<timeline>:end` / `:start` per timeline, as Rerun's server
  // lays it out.
  Result<std::shared_ptr<arrow::Schema>> SegmentTableSchema(const std::vector<SegmentFile>& segments) {
    auto strings = arrow::list(arrow::field("item", arrow::utf8(), false));
    arrow::FieldVector fields{arrow::field("rerun_segment_id", arrow::utf8(), false),
                              arrow::field("rerun_layer_names", strings, false),
                              arrow::field("rerun_storage_urls", strings, false),
                              arrow::field("rerun_last_updated_at", arrow::timestamp(arrow::TimeUnit::NANO), false),
                              arrow::field("rerun_num_chunks", arrow::uint64(), false),
                              arrow::field("rerun_size_bytes", arrow::uint64(), false)};
    ARROW_ASSIGN_OR_RAISE(auto dataset, DatasetSchema(segments));
    arrow::FieldVector ranges;
    for (const auto& f : dataset->fields()) {
      auto kind = meta::Get(*f, meta::kKind).value_or("");
      if (kind == meta::kKindIndex) {
        auto type = TimeTypeFromArrow(*f->type());
        for (std::string marker : {"start", "end"}) {
          ranges.push_back(arrow::field(f->name() + ":" + marker, f->type(), true,
                                        Md({"rerun:kind", "rerun:index", "rerun:index_kind", "rerun:index_marker"},
                                           {"index", f->name(), std::string(TimeTypeName(type.value_or(TimeType::kSequence))),
                                            marker})));
        }
      } else if (kind == meta::kKindData) {
        auto entity = meta::Get(*f, meta::kEntityPath).value_or("");
        if (entity != "/__properties" && entity.rfind("/__properties/", 0) != 0) continue;
        std::string component = meta::Get(*f, meta::kComponent).value_or(f->name());
        std::string name = entity == "/__properties" ? "property:" + component
                                                     : "property:" + entity.substr(14) + ":" + component;
        std::vector<std::string> k, v;
        for (auto key : {meta::kEntityPath, meta::kComponent, meta::kComponentType, meta::kKind, meta::kArchetype}) {
          if (auto value = meta::Get(*f, key)) {
            k.emplace_back(key);
            v.push_back(*value);
          }
        }
        fields.push_back(arrow::field(name, f->type(), true, Md(k, v)));
      }
    }
    std::sort(fields.begin() + 6, fields.end(), [](const auto& a, const auto& b) { return a->name() < b->name(); });
    std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a->name() < b->name(); });
    fields.insert(fields.end(), ranges.begin(), ranges.end());
    return arrow::schema(fields, Md({std::string(meta::kSorbetVersion)}, {std::string(meta::kCurrentSorbetVersion)}));
  }

  // The rows of `segments`, in the requested columns (all when none are named).
  Result<std::shared_ptr<arrow::RecordBatch>> SegmentTable(const std::vector<SegmentFile>& segments,
                                                           const std::vector<std::string>& columns) {
    ARROW_ASSIGN_OR_RAISE(auto full, SegmentTableSchema(segments));
    arrow::FieldVector fields;
    if (columns.empty()) {
      fields = full->fields();
    } else {
      std::set<std::string> seen;
      for (const auto& name : columns) {
        auto f = full->GetFieldByName(name);
        if (!f) return Status::Invalid(fmt::format("unknown segment table column '{}'", name));
        if (!seen.insert(name).second) return Status::Invalid(fmt::format("segment table column '{}' requested twice", name));
        fields.push_back(f);
      }
    }
    arrow::ArrayVector arrays;
    for (const auto& f : fields) {
      ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(f->type()));
      for (const auto& s : segments) ARROW_RETURN_NOT_OK(AppendSegmentCell(*f, s, *builder));
      ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
      arrays.push_back(std::move(array));
    }
    return arrow::RecordBatch::Make(arrow::schema(fields, full->metadata()), static_cast<int64_t>(segments.size()),
                                    arrays);
  }

  Status AppendSegmentCell(const arrow::Field& f, const SegmentFile& s, arrow::ArrayBuilder& out) {
    const std::string& name = f.name();
    auto one_string = [&](const std::string& value) -> Status {
      auto& list = static_cast<arrow::ListBuilder&>(out);
      ARROW_RETURN_NOT_OK(list.Append());
      return static_cast<arrow::StringBuilder*>(list.value_builder())->Append(value);
    };
    if (name == "rerun_segment_id") return static_cast<arrow::StringBuilder&>(out).Append(s.segment.segment_id);
    if (name == "rerun_layer_names") return one_string(s.segment.layer);
    if (name == "rerun_storage_urls") return one_string(s.segment.storage_url);
    if (name == "rerun_last_updated_at") return static_cast<arrow::TimestampBuilder&>(out).Append(s.segment.registered_at_ns);
    if (name == "rerun_num_chunks") return static_cast<arrow::UInt64Builder&>(out).Append(s.segment.num_chunks);
    if (name == "rerun_size_bytes") return static_cast<arrow::UInt64Builder&>(out).Append(s.segment.size_bytes);
    if (meta::Get(f, meta::kKind) == std::string(meta::kKindIndex)) {
      // The segment's time range on that timeline, from its chunks' footer entries.
      const std::string timeline = meta::Get(f, "rerun:index").value_or("");
      const bool start = meta::Get(f, "rerun:index_marker") == std::string("start");
      ARROW_ASSIGN_OR_RAISE(auto reader, Reader(s.path));
      std::optional<int64_t> value;
      for (const auto& e : reader->chunks()) {
        if (e.store.kind != StoreKind::kRecording || e.store.recording_id != s.segment.segment_id) continue;
        for (const auto& [tl, range] : e.time_ranges) {
          if (tl.name != timeline) continue;
          int64_t v = start ? range.min : range.max;
          value = !value ? v : start ? std::min(*value, v) : std::max(*value, v);
        }
      }
      if (!value) return out.AppendNull();
      ARROW_ASSIGN_OR_RAISE(auto scalar, arrow::MakeScalar(f.type(), *value));
      return out.AppendScalar(*scalar);
    }
    // A property: the segment's static value of that component, if it has one.
    const auto entity = EntityPath::Parse(meta::Get(f, meta::kEntityPath).value_or(""));
    const auto component = meta::Get(f, meta::kComponent).value_or("");
    ARROW_ASSIGN_OR_RAISE(auto store, files_.Store(s.path, s.store()));
    auto cell = store->StaticCell(entity, component);
    if (!cell) return out.AppendNull();
    const auto* cc = cell->chunk->FindComponent(component);
    if (cc == nullptr) return out.AppendNull();
    const auto& column = cell->chunk->column(cc->column);
    if (!column.type()->Equals(*f.type())) return out.AppendNull();
    return out.AppendArraySlice(arrow::ArraySpan(*column.data()), cell->row, 1);
  }

  // Union of the segments' schemas: RowId, every timeline, every (entity, component) column;
  // static is OR-ed and semantically-empty AND-ed across segments.
  Result<std::shared_ptr<arrow::Schema>> DatasetSchema(const std::vector<SegmentFile>& segments) {
    // Cached per set of segments and files: computed once after each registration, not per query.
    std::string key = std::to_string(files_.generation()) + "\n";
    for (const auto& s : segments) key += s.path + "\n" + s.segment.segment_id + "\n";
    {
      std::lock_guard lock(schemas_mutex_);
      auto it = schemas_.find(key);
      if (it != schemas_.end()) return it->second;
    }
    ARROW_ASSIGN_OR_RAISE(auto schema, ComputeDatasetSchema(segments));
    std::lock_guard lock(schemas_mutex_);
    if (schemas_.size() > 64) schemas_.clear();
    schemas_[key] = schema;
    return schema;
  }

  // One segment's columns: from its footer manifest when there is one (nothing decoded).
  Result<StoreSchema> SegmentSchema(const SegmentFile& s, const rrd::Manifest* manifest) {
    if (manifest) return SchemaFromManifest(*manifest, s.path);
    ARROW_ASSIGN_OR_RAISE(auto store, files_.Store(s.path, s.store()));
    return store->schema();
  }

  Result<std::shared_ptr<arrow::Schema>> ComputeDatasetSchema(const std::vector<SegmentFile>& segments) {
    std::map<std::string, Timeline> timelines;
    std::map<std::string, StoreColumn> columns;
    std::set<const arrow::Schema*> seen;  // files from one recorder share one decoded manifest schema
    for (const auto& s : segments) {
      ARROW_ASSIGN_OR_RAISE(auto reader, Reader(s.path));
      const rrd::Manifest* manifest = reader->FindManifest(s.store());
      if (manifest && !seen.insert(manifest->sorbet_schema.get()).second) continue;
      ARROW_ASSIGN_OR_RAISE(auto schema, SegmentSchema(s, manifest));
      for (const auto& t : schema.timelines) timelines[t.name] = t;
      for (const auto& c : schema.columns) {
        auto [it, fresh] = columns.try_emplace(c.ColumnName(), c);
        if (!fresh) {
          it->second.is_static |= c.is_static;
          it->second.is_semantically_empty &= c.is_semantically_empty;
        }
      }
    }
    arrow::FieldVector fields;
    if (!columns.empty() || !timelines.empty()) {
      fields.push_back(arrow::field(std::string(meta::kRowIdColumnName), arrow::fixed_size_binary(16), false,
                                    Md({std::string(meta::kKind), std::string(meta::kExtensionName),
                                        std::string(meta::kExtensionMetadata)},
                                       {std::string(meta::kKindControl), std::string(meta::kTuidExtension),
                                        std::string(meta::kRowIdNamespace)})));
    }
    for (const auto& [name, t] : timelines) {
      fields.push_back(arrow::field(name, TimeArrowType(t.type), true,
                                    Md({std::string(meta::kKind), std::string(meta::kIndexName)},
                                       {std::string(meta::kKindIndex), name})));
    }
    for (const auto& [name, c] : columns) fields.push_back(ColumnField(c));
    return arrow::schema(fields, Md({std::string(meta::kSorbetVersion)}, {std::string(meta::kCurrentSorbetVersion)}));
  }

  std::mutex schemas_mutex_;
  std::map<std::string, std::shared_ptr<arrow::Schema>> schemas_;

  catalog::Catalog& catalog_;
  FileIndex& files_;
};

}  // namespace

Status Serve(ServerOptions options, const std::function<void(const std::string&)>& on_listening) {
  // Every response allocates and frees megabytes of message buffers; by default glibc hands
  // that memory back to the kernel after each one and faults it in again for the next.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  // Block SIGINT/SIGTERM before any thread starts (threads inherit the mask), so that one
  // thread waits for them and shuts the server down cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  for (const auto& [name, dir] : options.datasets) options.catalog.allowed_dirs.push_back(dir);
  FileIndex files;
  options.catalog.on_indexed = [&files](const std::string& path, std::shared_ptr<rrd::IndexedReader> reader) {
    files.Put(path, std::move(reader));
  };
  ARROW_ASSIGN_OR_RAISE(auto catalog, catalog::Catalog::Open(options.catalog));
  for (const auto& [name, dir] : options.datasets) {
    auto existing = catalog->DatasetByName(name);
    std::string id;
    if (existing.ok()) {
      id = existing->id;
    } else {
      ARROW_ASSIGN_OR_RAISE(auto d, catalog->CreateDataset(name));
      id = d.id;
    }
    ARROW_ASSIGN_OR_RAISE(auto tasks, catalog->Register(id, {"file://" + fs::absolute(dir).string()},
                                                         catalog::OnDuplicate::kSkip));
    ARROW_ASSIGN_OR_RAISE(auto done, catalog->WaitForTasks(tasks, std::chrono::hours(24)));
    size_t failed = 0;
    for (const auto& t : done) {
      if (t.status == catalog::TaskStatus::kSuccess) continue;
      ++failed;
      fmt::print(stderr, "warning: dataset '{}': {}: {}\n", name, t.storage_url, t.message);
    }
    ARROW_ASSIGN_OR_RAISE(auto segments, catalog->Segments(id));
    fmt::print(stderr, "dataset '{}': {} segment(s) from {} file(s) in {}{}\n", name, segments.size(), done.size(), dir,
               failed ? fmt::format(", {} file(s) could not be registered", failed) : "");
  }

  CloudService service(*catalog, files);
  grpc::ServerBuilder builder;
  int port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls) {
    auto read = [](const std::string& path, std::string_view what) -> Result<std::string> {
      std::ifstream in(path, std::ios::binary);
      if (!in) return Status::IOError(fmt::format("{}: cannot read the TLS {}", path, what));
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      return Status::Invalid("TLS needs both --tls-cert and --tls-key");
    }
    grpc::SslServerCredentialsOptions ssl;
    ARROW_ASSIGN_OR_RAISE(auto cert, read(options.tls_cert_file, "certificate"));
    ARROW_ASSIGN_OR_RAISE(auto key, read(options.tls_key_file, "private key"));
    ssl.pem_key_cert_pairs.push_back({key, cert});
    credentials = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(fmt::format("{}:{}", options.host, options.port), credentials, &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(std::numeric_limits<int>::max());
  builder.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  // Rerun's client pings every 30 s, even when idle: allow it.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  // gRPC shares ports between processes by default (SO_REUSEPORT): a second server on a busy
  // port would start "fine" and receive half the connections. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    return Status::IOError(fmt::format("cannot listen on {}:{} ({})", options.host, options.port,
                                       tls ? "is the port in use, or are the TLS certificate and key not a pair?"
                                           : "is the port in use?"));
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  std::string host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host;
  on_listening(fmt::format("{}://{}:{}", tls ? "rerun+https" : "rerun+http", host, port));
  server->Wait();
  waiter.join();
  return Status::OK();
}

}  // namespace chunkhouse::server
