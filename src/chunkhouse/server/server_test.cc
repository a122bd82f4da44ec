// The server against hostile and careless clients: malformed requests (random bytes and mutated
// valid requests, sent to every RPC), unknown entry ids, and streams cancelled half-way. After
// each, the server must still answer correctly.
#include <random>

#include "chunkhouse/redap/ids.h"
#include "chunkhouse/redap/tables.h"
#include "chunkhouse/server/testing/server_process.h"

namespace chunkhouse::server {
namespace {

using testing::Client;
using testing::Methods;
using testing::ServerProcess;
namespace pb = rerun::cloud::v1alpha1;

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(server_->target().empty()) << "the server did not start";
    client_ = std::make_unique<Client>(server_->target());
    stub_ = &client_->stub();
  }

  auto Context(const std::string& entry = "") { return client_->Context(entry); }
  std::string DatasetId() { return client_->DatasetId(); }
  grpc::Status CallRaw(const std::string& method, const std::string& bytes, const std::string& entry = "") {
    return client_->CallRaw(method, bytes, entry);
  }
  void ExpectHealthy() {
    ASSERT_TRUE(server_->Alive()) << "the server died";
    client_->ExpectHealthy();
  }

  static ServerProcess* server_;
  std::unique_ptr<Client> client_;
  pb::RerunCloudService::Stub* stub_ = nullptr;
};

ServerProcess* ServerTest::server_ = nullptr;

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
    // The __entries system table (its id is all zeros).
    pb::ScanTableRequest scan;
    redap::SetEntryId(redap::kEntriesTableId, scan.mutable_table_id());
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/ScanTable", scan.SerializeAsString());
    pb::GetRrdManifestRequest manifest;
    manifest.mutable_segment_id()->set_id("rec0");
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/GetRrdManifest", manifest.SerializeAsString());
    pb::ReadTableEntryRequest read;
    redap::SetEntryId(redap::kEntriesTableId, read.mutable_id());
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/ReadTableEntry", read.SerializeAsString());
    // Chunk keys and the Arrow IPC around them, as a client sends them back.
    seeds.emplace_back("/rerun.cloud.v1alpha1.RerunCloudService/FetchChunks", client_->FetchAll(entry).SerializeAsString());
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

TEST_F(ServerTest, StreamsCancelledHalfWayLeaveTheServerServing) {
  std::string entry = DatasetId();
  pb::FetchChunksRequest fetch = client_->FetchAll(entry);
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
