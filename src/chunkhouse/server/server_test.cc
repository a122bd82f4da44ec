// The server against hostile and careless clients: malformed requests (random bytes and mutated
// valid requests, sent to every RPC), unknown entry ids, and streams cancelled half-way. After
// each, the server must still answer correctly.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <random>
#include <regex>
#include <string>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/redap/cloud.grpc.pb.h"

namespace chunkhouse::server {
namespace {

namespace fs = std::filesystem;
namespace pb = rerun::cloud::v1alpha1;

// `chunkhouse server` on a free port, serving one dataset of sample recordings.
class ServerProcess {
 public:
  ServerProcess() {
    dir_ = fs::temp_directory_path() / ("chunkhouse_server_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "recs");
    for (int i = 0; i < 3; ++i) {
      // Big enough that FetchChunks sends several messages (the server cuts them at ~1 MiB).
      Run(std::string(CHUNKHOUSE_BIN) + " sample " + (dir_ / "recs" / ("rec" + std::to_string(i) + ".rrd")).string() +
          " --frames 40000 --recording-id rec" + std::to_string(i) + " > /dev/null");
    }
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      std::string data = "recs=" + (dir_ / "recs").string();
      // CHUNKHOUSE_SERVER_BIN runs another build of the server, e.g. one with sanitizers.
      const char* bin = std::getenv("CHUNKHOUSE_SERVER_BIN") ? std::getenv("CHUNKHOUSE_SERVER_BIN") : CHUNKHOUSE_BIN;
      ::execl(bin, bin, "server", "--port", "0", "-d", data.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[512];
    std::smatch m;
    while (std::fgets(line, sizeof line, f)) {
      std::string s(line);
      if (std::regex_search(s, m, std::regex(R"(rerun\+http://([0-9.]+:[0-9]+))"))) {
        target_ = m[1];
        break;
      }
    }
    stdout_ = f;  // kept open: the server must not get SIGPIPE
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_) std::fclose(stdout_);
    fs::remove_all(dir_);
  }

  bool Alive() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  const std::string& target() const { return target_; }

 private:
  static void Run(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

  fs::path dir_;
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  std::string target_;
};

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(server_->target().empty()) << "the server did not start";
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);  // one chunk of the test data is larger than gRPC's 4 MiB default
    channel_ = grpc::CreateCustomChannel(server_->target(), grpc::InsecureChannelCredentials(), args);
    stub_ = pb::RerunCloudService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& entry = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!entry.empty()) ctx->AddMetadata("x-rerun-entry-id", entry);
    return ctx;
  }

  std::string DatasetId() {
    pb::FindEntriesRequest req;
    pb::FindEntriesResponse resp;
    auto ctx = Context();
    EXPECT_TRUE(stub_->FindEntries(ctx.get(), req, &resp).ok());
    for (const auto& e : resp.entries()) {
      if (e.name() == "recs") return Tuid{e.id().id().time_ns(), e.id().id().inc()}.ToString();
    }
    ADD_FAILURE() << "no dataset 'recs'";
    return "";
  }

  // The server still answers a real query: every chunk of the dataset, listed and fetched.
  void ExpectHealthy() {
    ASSERT_TRUE(server_->Alive()) << "the server died";
    std::string id = DatasetId();
    pb::QueryDatasetRequest req;
    req.set_select_all_entity_paths(true);
    auto ctx = Context(id);
    auto reader = stub_->QueryDataset(ctx.get(), req);
    pb::QueryDatasetResponse resp;
    int parts = 0;
    while (reader->Read(&resp)) ++parts;
    auto st = reader->Finish();
    ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
    EXPECT_GE(parts, 1);
  }

  // Sends raw request bytes to a method of any kind; returns the call's status (never hangs:
  // the context has a deadline).
  grpc::Status CallRaw(const std::string& method, const std::string& bytes, const std::string& entry = "") {
    grpc::GenericStub generic(channel_);
    grpc::CompletionQueue cq;
    auto ctx = Context(entry);
    auto call = generic.PrepareCall(ctx.get(), method, &cq);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    call->WritesDone(reinterpret_cast<void*>(3));
    cq.Next(&tag, &ok);
    grpc::ByteBuffer response;
    while (true) {
      call->Read(&response, reinterpret_cast<void*>(4));
      cq.Next(&tag, &ok);
      if (!ok) break;
    }
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(5));
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  static ServerProcess* server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::RerunCloudService::Stub> stub_;
};

ServerProcess* ServerTest::server_ = nullptr;

std::vector<std::string> Methods() {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(pb::RerunCloudService::service_full_name()));
  std::vector<std::string> out;
  for (int i = 0; service && i < service->method_count(); ++i) {
    out.push_back("/" + service->full_name() + "/" + service->method(i)->name());
  }
  return out;
}

pb::FetchChunksRequest FetchAll(pb::RerunCloudService::Stub& stub, const std::string& entry);

TEST_F(ServerTest, RandomBytesToEveryMethodGetAStatus) {
  std::mt19937 rng(7);
  std::string entry = DatasetId();
  auto methods = Methods();
  ASSERT_GT(methods.size(), 10u);
  for (const auto& method : methods) {
    for (int round = 0; round < 60; ++round) {
      std::string bytes(rng() % 64, '\0');
      for (auto& c : bytes) c = static_cast<char>(rng());
      grpc::Status st = CallRaw(method, bytes, round % 2 ? entry : "");
      // Any answer but a dropped connection or a deadline (a crash or a hang).
      EXPECT_NE(st.error_code(), grpc::StatusCode::UNAVAILABLE) << method << ": " << st.error_message();
      EXPECT_NE(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << method;
    }
  }
  ExpectHealthy();
}

TEST_F(ServerTest, MutatedValidRequestsGetAStatus) {
  std::string entry = DatasetId();
  // Valid requests, then each with bytes flipped: field tags, lengths and values go wrong.
  std::vector<std::pair<std::string, std::string>> seeds;
  {
    pb::QueryDatasetRequest q;
    q.add_segment_ids()->set_id("rec0");
    q.set_select_all_entity_paths(true);
    auto* range = q.mutable_query()->mutable_range();
    range->mutable_index()->mutable_timeline()->set_name("frame");
    range->mutable_index_range()->set_start(10);
    range->mutable_index_range()->set_end(20);
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/QueryDataset", q.SerializeAsString());
    pb::RegisterWithDatasetRequest r;
    auto* src = r.add_data_sources();
    src->set_storage_url("file:///nonexistent/x.rrd");
    src->set_typ(pb::DATA_SOURCE_KIND_RRD);
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/RegisterWithDataset", r.SerializeAsString());
    pb::CreateDatasetEntryRequest c;
    c.set_name("made_by_the_mutation_test");
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/CreateDatasetEntry", c.SerializeAsString());
    pb::FindEntriesRequest f;
    f.mutable_filter()->set_name("recs");
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/FindEntries", f.SerializeAsString());
    // Chunk keys and the Arrow IPC around them, as a client sends them back.
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/FetchChunks", FetchAll(*stub_, entry).SerializeAsString());
  }
  std::mt19937 rng(11);
  for (const auto& [method, valid] : seeds) {
    EXPECT_NE(CallRaw(method, valid, entry).error_code(), grpc::StatusCode::UNAVAILABLE) << method;
    for (int round = 0; round < 250; ++round) {
      std::string bytes = valid;
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0 && !bytes.empty(); --flips) {
        bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
      }
      grpc::Status st = CallRaw(method, bytes, entry);
      EXPECT_NE(st.error_code(), grpc::StatusCode::UNAVAILABLE) << method << ": " << st.error_message();
      EXPECT_NE(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << method;
    }
  }
  ExpectHealthy();
}

TEST_F(ServerTest, UnknownEntryIdsAreNotFound) {
  const std::string unknown = Tuid{1234567, 89}.ToString();
  {
    pb::ReadDatasetEntryRequest req;
    pb::ReadDatasetEntryResponse resp;
    auto ctx = Context(unknown);
    EXPECT_EQ(stub_->ReadDatasetEntry(ctx.get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    pb::GetDatasetSchemaRequest req;
    pb::GetDatasetSchemaResponse resp;
    auto ctx = Context(unknown);
    EXPECT_EQ(stub_->GetDatasetSchema(ctx.get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    pb::QueryDatasetRequest req;
    req.set_select_all_entity_paths(true);
    auto ctx = Context(unknown);
    auto reader = stub_->QueryDataset(ctx.get(), req);
    pb::QueryDatasetResponse resp;
    while (reader->Read(&resp)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    pb::DeleteEntryRequest req;
    auto* id = req.mutable_id()->mutable_id();
    id->set_time_ns(1234567);
    id->set_inc(89);
    pb::DeleteEntryResponse resp;
    auto ctx = Context();
    EXPECT_EQ(stub_->DeleteEntry(ctx.get(), req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    pb::ReadDatasetEntryRequest req;
    pb::ReadDatasetEntryResponse resp;
    auto ctx = Context("not-an-id");
    EXPECT_EQ(stub_->ReadDatasetEntry(ctx.get(), req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  ExpectHealthy();
}

TEST_F(ServerTest, EntryNameHeaderNamesTheDataset) {
  auto schema_with = [&](const std::string& key, const std::string& value) {
    grpc::ClientContext ctx;
    ctx.AddMetadata(key, value);
    pb::GetDatasetSchemaRequest req;
    pb::GetDatasetSchemaResponse resp;
    auto st = stub_->GetDatasetSchema(&ctx, req, &resp);
    return std::make_pair(st.error_code(), resp.schema().arrow_schema().size());
  };
  auto [code, size] = schema_with("x-rerun-entry-name-bin", "recs");
  EXPECT_EQ(code, grpc::StatusCode::OK);
  EXPECT_GT(size, 0u);
  EXPECT_EQ(schema_with("x-rerun-entry-name-bin", "no such dataset").first, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(schema_with("x-unrelated", "1").first, grpc::StatusCode::INVALID_ARGUMENT);
  ExpectHealthy();
}

// Lists the dataset's chunks and asks for all of them.
pb::FetchChunksRequest FetchAll(pb::RerunCloudService::Stub& stub, const std::string& entry) {
  pb::QueryDatasetRequest req;
  req.set_select_all_entity_paths(true);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-rerun-entry-id", entry);
  auto reader = stub.QueryDataset(&ctx, req);
  pb::QueryDatasetResponse resp;
  pb::FetchChunksRequest fetch;
  while (reader->Read(&resp)) *fetch.add_chunk_infos() = resp.data();
  EXPECT_TRUE(reader->Finish().ok());
  return fetch;
}

TEST_F(ServerTest, StreamsCancelledHalfWayLeaveTheServerServing) {
  std::string entry = DatasetId();
  pb::FetchChunksRequest fetch = FetchAll(*stub_, entry);
  // Complete fetch first: how many messages a whole answer takes.
  int complete = 0;
  {
    auto ctx = Context();
    auto reader = stub_->FetchChunks(ctx.get(), fetch);
    pb::FetchChunksResponse resp;
    while (reader->Read(&resp)) ++complete;
    auto st = reader->Finish();
    ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
  }
  ASSERT_GT(complete, 2) << "the test data should need several messages";
  for (int round = 0; round < 20; ++round) {
    auto ctx = Context();
    auto reader = stub_->FetchChunks(ctx.get(), fetch);
    pb::FetchChunksResponse resp;
    ASSERT_TRUE(reader->Read(&resp));
    ctx->TryCancel();  // RST_STREAM while the server is still writing
    while (reader->Read(&resp)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ExpectHealthy();
  int again = 0;
  auto ctx = Context();
  auto reader = stub_->FetchChunks(ctx.get(), fetch);
  pb::FetchChunksResponse resp;
  while (reader->Read(&resp)) ++again;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(again, complete);
}

}  // namespace
}  // namespace chunkhouse::server
