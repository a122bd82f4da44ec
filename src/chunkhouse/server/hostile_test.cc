// The server process against requests built to hurt it, and the limits it enforces: each is
// refused with a clear status, within bounded memory, threads and descriptors, while the server
// goes on serving everyone else.
#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <lz4.h>

#include <thread>

#include "chunkhouse/redap/tables.h"
#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/server/testing/server_process.h"

namespace chunkhouse::server {
namespace {

using testing::Client;
using testing::ServerProcess;
using testing::ServerProcessOptions;
namespace pb = rerun::cloud::v1alpha1;
namespace pbc = rerun::common::v1alpha1;

// A FetchChunks request of one LZ4 part: `payload_bytes` of compressed zeros claiming
// `claimed` bytes uncompressed.
pb::FetchChunksRequest Bomb(size_t payload_bytes, uint64_t claimed) {
  std::string zeros(1 << 20, '\0');
  std::string lz4(static_cast<size_t>(LZ4_compressBound(static_cast<int>(zeros.size()))), '\0');
  int n = LZ4_compress_default(zeros.data(), lz4.data(), static_cast<int>(zeros.size()), static_cast<int>(lz4.size()));
  lz4.resize(static_cast<size_t>(n));
  while (lz4.size() < payload_bytes) lz4 += lz4;  // past the first block it is not LZ4: never decoded
  lz4.resize(payload_bytes);
  pb::FetchChunksRequest req;
  auto* part = req.add_chunk_infos();
  part->set_encoder_version(pbc::ENCODER_VERSION_V0);
  part->set_compression(pbc::COMPRESSION_LZ4);
  part->set_uncompressed_size(claimed);
  part->set_payload(lz4);
  return req;
}

grpc::Status Fetch(Client& client, const pb::FetchChunksRequest& req) {
  auto ctx = client.Context();
  auto reader = client.stub().FetchChunks(ctx.get(), req);
  pb::FetchChunksResponse resp;
  while (reader->Read(&resp)) {
  }
  return reader->Finish();
}

class Hostile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerProcessOptions o;
    o.name = "hostile";
    o.args = {"--max-fetch-streams", "8"};
    server_ = new ServerProcess(o);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_FALSE(server_->target().empty()) << "the server did not start: " << server_->Stderr();
    client_ = std::make_unique<Client>(server_->target());
  }
  void ExpectHealthy() {
    ASSERT_TRUE(server_->Alive()) << "the server died: " << server_->Stderr();
    client_->ExpectHealthy();
  }

  static ServerProcess* server_;
  std::unique_ptr<Client> client_;
};

ServerProcess* Hostile::server_ = nullptr;

TEST_F(Hostile, DecompressionBombsAreRefusedBeforeAnythingIsAllocated) {
  ExpectHealthy();
  const int64_t before = server_->Status("VmHWM");
  // 8 MiB claiming 2 GB (250 times as much: an expansion LZ4 could produce), two at once.
  auto bomb = Bomb(8 << 20, uint64_t{250} * (8 << 20));
  std::vector<grpc::Status> results(2);
  std::vector<std::thread> threads;
  for (auto& r : results) {
    threads.emplace_back([&] {
      Client c(server_->target());
      r = Fetch(c, bomb);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& st : results) {
    EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
    EXPECT_NE(st.error_message().find("limit"), std::string::npos) << st.error_message();
  }
  // A claim within the limit but beyond what LZ4 can expand the payload to is refused too.
  auto lie = Fetch(*client_, Bomb(64 << 10, 60 << 20));
  EXPECT_EQ(lie.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << lie.error_message();
  const int64_t after = server_->Status("VmHWM");
  EXPECT_LT(after - before, 200 * 1024) << "peak memory grew from " << before << " kB to " << after << " kB";
  ExpectHealthy();
}

TEST_F(Hostile, RequestsOverTheSizeLimitAreRefused) {
  pb::RegisterWithDatasetRequest req;
  auto* src = req.add_data_sources();
  src->set_typ(pb::DATA_SOURCE_KIND_RRD);
  src->set_storage_url("file:///" + std::string(17 << 20, 'x'));  // over the 16 MiB default
  pb::RegisterWithDatasetResponse resp;
  auto ctx = client_->Context(client_->DatasetId());
  auto st = client_->stub().RegisterWithDataset(ctx.get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  ExpectHealthy();
}

TEST_F(Hostile, AFetchPartWithMoreThanOneBatchIsRefused) {
  auto fetch = client_->FetchAll(client_->DatasetId());
  ASSERT_GT(fetch.chunk_infos_size(), 0);
  auto batch = rrd::DecodeDataframePart(fetch.chunk_infos(0), rrd::Where{"test", 0}).ValueOrDie();
  auto keys = arrow::RecordBatch::Make(
      arrow::schema({arrow::field(std::string(redap::col::kChunkKey), arrow::binary(), false)}), batch->num_rows(),
      {batch->GetColumnByName(std::string(redap::col::kChunkKey))});
  // One IPC stream of thousands of batches of the same keys.
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, keys->schema()).ValueOrDie();
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(writer->WriteRecordBatch(*keys).ok());
  ASSERT_TRUE(writer->Close().ok());
  auto ipc = sink->Finish().ValueOrDie();
  pb::FetchChunksRequest req;
  auto* part = req.add_chunk_infos();
  part->set_encoder_version(pbc::ENCODER_VERSION_V0);
  part->set_compression(pbc::COMPRESSION_NONE);
  part->set_payload(ipc->data(), static_cast<size_t>(ipc->size()));
  auto st = Fetch(*client_, req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("more than one record batch"), std::string::npos) << st.error_message();
  ExpectHealthy();
}

TEST_F(Hostile, UnreadStreamsAreBoundedAndHoldNoThread) {
  auto fetch = client_->FetchAll(client_->DatasetId());
  const int64_t threads_before = server_->Status("Threads");
  const int64_t rss_before = server_->Status("VmRSS");
  // Twice the server's limit of 8 streams, none of them read.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<pb::FetchChunksResponse>>> readers;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 16; ++i) {
    clients.push_back(std::make_unique<Client>(server_->target()));
    contexts.push_back(clients.back()->Context("", 30));
    readers.push_back(clients.back()->stub().FetchChunks(contexts.back().get(), fetch));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int64_t threads_busy = server_->Status("Threads");
  EXPECT_LT(threads_busy - threads_before, 8) << "a thread per unread stream";
  // Each open stream holds about one ~1 MiB message (and its share of HTTP/2 buffers).
  EXPECT_LT(server_->Status("VmRSS") - rss_before, 100 * 1024) << "kB held by unread streams";
  // Meanwhile other clients are served (all but more FetchChunks streams).
  EXPECT_FALSE(client_->DatasetId().empty());
  EXPECT_EQ(client_->FetchAll(client_->DatasetId()).chunk_infos_size(), fetch.chunk_infos_size());
  // The streams past the limit were refused at once; the others stream, and are cancelled.
  int refused = 0, streaming = 0;
  for (size_t i = 0; i < readers.size(); ++i) {
    pb::FetchChunksResponse resp;
    if (readers[i]->Read(&resp)) {
      ++streaming;
      contexts[i]->TryCancel();
      while (readers[i]->Read(&resp)) {
      }
      readers[i]->Finish();
    } else {
      auto st = readers[i]->Finish();
      EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
      ++refused;
    }
  }
  EXPECT_EQ(refused, 8);
  EXPECT_EQ(streaming, 8);
  readers.clear();
  contexts.clear();
  clients.clear();
  ExpectHealthy();  // and FetchChunks streams are possible again
}

TEST_F(Hostile, UrlsWithNulBytesOrOfAnyLengthGetClearAndShortErrors) {
  auto register_url = [&](const std::string& url) {
    pb::RegisterWithDatasetRequest req;
    auto* src = req.add_data_sources();
    src->set_typ(pb::DATA_SOURCE_KIND_RRD);
    src->set_storage_url(url);
    pb::RegisterWithDatasetResponse resp;
    auto ctx = client_->Context(client_->DatasetId());
    return client_->stub().RegisterWithDataset(ctx.get(), req, &resp);
  };
  const std::string rec0 = (server_->dir() / "recs" / "rec0.rrd").string();
  auto nul = register_url("file://" + rec0 + std::string("\0.txt", 5));
  EXPECT_EQ(nul.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << nul.error_message();
  EXPECT_NE(nul.error_message().find("NUL"), std::string::npos) << nul.error_message();
  for (size_t size : {size_t{5000}, size_t{1} << 20}) {
    auto huge = register_url("file:///" + std::string(size, 'a'));
    EXPECT_EQ(huge.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << huge.error_message().substr(0, 200);
    EXPECT_LT(huge.error_message().size(), 1000u) << "the URL is echoed back whole";
  }
  pb::RegisterWithDatasetRequest many;
  for (int i = 0; i < 10'001; ++i) {
    auto* src = many.add_data_sources();
    src->set_typ(pb::DATA_SOURCE_KIND_RRD);
    src->set_storage_url("file://" + rec0);
  }
  pb::RegisterWithDatasetResponse resp;
  auto ctx = client_->Context(client_->DatasetId());
  auto st = client_->stub().RegisterWithDataset(ctx.get(), many, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  ExpectHealthy();
}

// Many more registered files than descriptors: all of them are still served.
TEST(HostileFiles, ManyMoreFilesThanDescriptorsAreAllServed) {
  ServerProcessOptions o;
  o.name = "nofile";
  o.files = 1000;
  o.frames = 10;
  o.max_open_files = 256;
  ServerProcess server(o);
  ASSERT_FALSE(server.target().empty()) << "the server did not start: " << server.Stderr();
  Client client(server.target());
  std::string id = client.DatasetId();
  for (int round = 0; round < 2; ++round) {
    int64_t chunks = 0;
    auto st = client.FetchEverything(id, &chunks);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(chunks, 1000 * 5);
    EXPECT_LT(server.OpenDescriptors(), 256 - 32);
  }
  // New clients still connect (accept() has descriptors left).
  for (int i = 0; i < 20; ++i) {
    Client other(server.target());
    EXPECT_EQ(other.DatasetId(), id);
  }
  EXPECT_EQ(server.Stop(), 0);
}

TEST(HostileFiles, ListeningBeyondLoopbackSaysWhereAndWarns) {
  ServerProcessOptions o;
  o.name = "anyhost";
  o.files = 1;
  o.frames = 10;
  o.args = {"--host", "0.0.0.0"};
  ServerProcess server(o);
  ASSERT_FALSE(server.target().empty()) << server.Stderr();
  EXPECT_NE(server.listening_line().find("rerun+http://127.0.0.1:"), std::string::npos) << server.listening_line();
  EXPECT_NE(server.Stderr().find("no authentication"), std::string::npos) << server.Stderr();
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace chunkhouse::server
