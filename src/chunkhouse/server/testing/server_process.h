#pragma once
// Test support (not part of any layer): `chunkhouse server` as a child process serving a
// dataset of sample recordings, and a raw client of it. Used by the server's process tests.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "chunkhouse/base/ids.h"
#include "chunkhouse/redap/cloud.grpc.pb.h"

namespace chunkhouse::server::testing {

namespace fs = std::filesystem;
namespace pb = rerun::cloud::v1alpha1;

struct ServerProcessOptions {
  int files = 3;                   // sample recordings rec0.rrd, rec1.rrd, ... in dir()/recs
  int frames = 40000;              // big enough that FetchChunks sends several ~1 MiB messages
  std::vector<std::string> args;   // more `chunkhouse server` options
  rlim_t max_open_files = 0;       // RLIMIT_NOFILE of the server, when nonzero
  std::string name = "server";
};

// `chunkhouse server` on a free port, serving the dataset "recs" of the sample recordings.
class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions o = {}) {
    dir_ = fs::temp_directory_path() / ("chunkhouse_" + o.name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "recs");
    for (int i = 0; i < o.files; ++i) {
      auto path = dir_ / "recs" / ("rec" + std::to_string(i) + ".rrd");
      Run(std::string(CHUNKHOUSE_BIN) + " sample " + path.string() + " --frames " + std::to_string(o.frames) +
          " --recording-id rec" + std::to_string(i) + " > /dev/null");
    }
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    std::string err_path = (dir_ / "stderr.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      FILE* err = std::fopen(err_path.c_str(), "w");
      if (err) ::dup2(::fileno(err), STDERR_FILENO);
      if (o.max_open_files) {
        rlimit limit{o.max_open_files, o.max_open_files};
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      std::string data = "recs=" + (dir_ / "recs").string();
      // CHUNKHOUSE_SERVER_BIN runs another build of the server, e.g. one with sanitizers.
      const char* bin = std::getenv("CHUNKHOUSE_SERVER_BIN") ? std::getenv("CHUNKHOUSE_SERVER_BIN") : CHUNKHOUSE_BIN;
      std::vector<std::string> args{bin, "server", "--port", "0", "-d", data};
      args.insert(args.end(), o.args.begin(), o.args.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* f = ::fdopen(out[0], "r");
    char line[4096];
    std::smatch m;
    while (std::fgets(line, sizeof line, f)) {
      listening_line_ = line;
      if (std::regex_search(listening_line_, m, std::regex(R"(rerun\+http://([0-9.]+:[0-9]+))"))) {
        target_ = m[1];
        break;
      }
    }
    stdout_ = f;  // kept open: the server must not get SIGPIPE
  }

  ~ServerProcess() {
    Stop();
    if (stdout_) std::fclose(stdout_);
    fs::remove_all(dir_);
  }

  // SIGTERM, then the exit status (or -1 if it did not stop within `seconds`; then SIGKILL).
  int Stop(int seconds = 10) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < seconds * 20; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_status_;
      }
      ::usleep(50'000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    exit_status_ = -1;
    return exit_status_;
  }

  bool Alive() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  const std::string& target() const { return target_; }
  const std::string& listening_line() const { return listening_line_; }
  const fs::path& dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  std::string Stderr() const {
    std::ifstream in(dir_ / "stderr.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // From /proc/<pid>/status: "VmRSS", "VmHWM" (kB) or "Threads".
  int64_t Status(const std::string& key) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(key + ":", 0) == 0) return std::atoll(line.c_str() + key.size() + 1);
    }
    return -1;
  }
  int64_t OpenDescriptors() const {
    int64_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      ++n;
    }
    return n;
  }

 private:
  static void Run(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

  fs::path dir_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  FILE* stdout_ = nullptr;
  std::string target_, listening_line_;
};

// A raw client of a server process.
class Client {
 public:
  explicit Client(const std::string& target) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);  // one chunk of the test data is larger than gRPC's 4 MiB default
    args.SetMaxSendMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    stub_ = pb::RerunCloudService::NewStub(channel_);
  }

  pb::RerunCloudService::Stub& stub() { return *stub_; }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& entry = "", int seconds = 20) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
    if (!entry.empty()) ctx->AddMetadata("x-rerun-entry-id", entry);
    return ctx;
  }

  std::string DatasetId(const std::string& name = "recs") {
    pb::FindEntriesRequest req;
    pb::FindEntriesResponse resp;
    auto ctx = Context();
    EXPECT_TRUE(stub_->FindEntries(ctx.get(), req, &resp).ok());
    for (const auto& e : resp.entries()) {
      if (e.name() == name) return Tuid{e.id().id().time_ns(), e.id().id().inc()}.ToString();
    }
    ADD_FAILURE() << "no dataset '" << name << "'";
    return "";
  }

  // Lists the dataset's chunks (QueryDataset) as a FetchChunks request for all of them.
  pb::FetchChunksRequest FetchAll(const std::string& entry) {
    pb::QueryDatasetRequest req;
    req.set_select_all_entity_paths(true);
    auto ctx = Context(entry);
    auto reader = stub_->QueryDataset(ctx.get(), req);
    pb::QueryDatasetResponse resp;
    pb::FetchChunksRequest fetch;
    while (reader->Read(&resp)) *fetch.add_chunk_infos() = resp.data();
    auto st = reader->Finish();
    EXPECT_TRUE(st.ok()) << st.error_message();
    return fetch;
  }

  // Fetches every chunk of the dataset; the number of chunks received, or the failed status.
  grpc::Status FetchEverything(const std::string& entry, int64_t* chunks) {
    auto fetch = FetchAll(entry);
    auto ctx = Context();
    auto reader = stub_->FetchChunks(ctx.get(), fetch);
    pb::FetchChunksResponse resp;
    *chunks = 0;
    while (reader->Read(&resp)) *chunks += resp.chunks_size();
    return reader->Finish();
  }

  // The server still answers a real query: every chunk of the dataset, listed and fetched.
  void ExpectHealthy(const std::string& dataset = "recs") {
    std::string id = DatasetId(dataset);
    int64_t chunks = 0;
    auto st = FetchEverything(id, &chunks);
    ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
    EXPECT_GT(chunks, 0);
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

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::RerunCloudService::Stub> stub_;
};

// Every RPC of the service, as "/package.Service/Method".
inline std::vector<std::string> Methods() {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(pb::RerunCloudService::service_full_name()));
  std::vector<std::string> out;
  for (int i = 0; service && i < service->method_count(); ++i) {
    out.push_back("/" + service->full_name() + "/" + service->method(i)->name());
  }
  return out;
}

}  // namespace chunkhouse::server::testing
