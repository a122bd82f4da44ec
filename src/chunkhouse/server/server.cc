#include "chunkhouse/server/server.h"

#include <grpcpp/grpcpp.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "chunkhouse/server/cloud.grpc.pb.h"

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

// The dataset a request is about, from the x-rerun-entry-id header (32 hex digits).
Result<std::string> EntryFromHeader(const grpc::ServerContext& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find("x-rerun-entry-id");
  if (it == md.end()) return Status::Invalid("missing mandatory [x-rerun-entry-id, x-rerun-entry-name-bin] HTTP headers");
  std::string value(it->second.data(), it->second.size());
  auto id = Tuid::Parse(value, "entry");
  if (!id.ok()) return Status::Invalid(fmt::format("'{}' is not a valid value for 'x-rerun-entry-id'", value));
  return id->ToString();
}

class CloudService final : public pb::RerunCloudService::Service {
 public:
  explicit CloudService(catalog::Catalog& catalog) : catalog_(catalog) {}

  grpc::Status Version(grpc::ServerContext*, const pb::VersionRequest*, pb::VersionResponse* out) override {
    out->set_version("0.36.2");
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
    std::string id;
    if (req->has_id()) {
      id = EntryIdString(req->id());
    } else {
      auto h = EntryFromHeader(*ctx);
      if (!h.ok()) return ToGrpc(h.status());
      id = *h;
    }
    return ToGrpc(catalog_.DeleteDataset(id));
  }

 private:
  catalog::Catalog& catalog_;
};

}  // namespace

Status Serve(ServerOptions options, const std::function<void(const std::string&)>& on_listening) {
  // Block SIGINT/SIGTERM before any thread starts (threads inherit the mask), so that one
  // thread waits for them and shuts the server down cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  for (const auto& [name, dir] : options.datasets) options.catalog.allowed_dirs.push_back(dir);
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

  CloudService service(*catalog);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(fmt::format("{}:{}", options.host, options.port), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(std::numeric_limits<int>::max());
  builder.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  // Rerun's client pings every 30 s, even when idle: allow it.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    return Status::IOError(fmt::format("cannot listen on {}:{} (is the port in use?)", options.host, options.port));
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  std::string host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host;
  on_listening(fmt::format("rerun+http://{}:{}", host, port));
  server->Wait();
  waiter.join();
  return Status::OK();
}

}  // namespace chunkhouse::server
