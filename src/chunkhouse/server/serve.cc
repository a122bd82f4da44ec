// Process setup: the catalog and its datasets, the gRPC server, signals.
#include <grpcpp/grpcpp.h>
#include <malloc.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "chunkhouse/server/datasets.h"
#include "chunkhouse/server/reader_cache.h"
#include "chunkhouse/server/server.h"
#include "chunkhouse/server/service.h"

namespace chunkhouse::server {

namespace {

Result<std::string> ReadPem(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("{}: cannot read the TLS {}", path, what);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The datasets named on the command line, each registered from its directory.
Status ServeDirectories(catalog::Catalog& catalog, const std::vector<std::pair<std::string, std::string>>& datasets) {
  for (const auto& [name, dir] : datasets) {
    auto existing = catalog.DatasetByName(name);
    std::string id;
    if (existing.ok()) {
      id = existing->id;
    } else if (KindOf(existing.status()) == ErrorKind::kNotFound) {
      ARROW_ASSIGN_OR_RAISE(auto d, catalog.CreateDataset(name));
      id = d.id;
    } else {
      return existing.status();
    }
    std::error_code ec;
    auto absolute = std::filesystem::absolute(dir, ec);
    if (ec) return InvalidArgument("{}: {}", dir, ec.message());
    ARROW_ASSIGN_OR_RAISE(auto tasks, catalog.Register(id, {absolute.string()}, catalog::OnDuplicate::kSkip));
    ARROW_ASSIGN_OR_RAISE(auto done, catalog.WaitForTasks(tasks, std::chrono::hours(24)));
    size_t failed = 0;
    for (const auto& t : done) {
      if (t.status == catalog::TaskStatus::kSuccess) continue;
      ++failed;
      fmt::print(stderr, "warning: dataset '{}': {}{}\n", name, t.storage_url.empty() ? "" : t.storage_url + ": ", t.message);
    }
    ARROW_ASSIGN_OR_RAISE(auto segments, catalog.Segments(id));
    fmt::print(stderr, "dataset '{}': {} segment(s) from {} file(s) in {}{}\n", name, segments.size(),
               done.size() - failed, dir, failed ? fmt::format(", {} file(s) could not be registered", failed) : "");
  }
  return Status::OK();
}

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
  auto files = io::FileCache::Make(io::AllowedRoots(options.catalog.allowed_dirs));
  auto readers = std::make_shared<ReaderCache>(files);
  options.catalog.indexer = readers;
  ARROW_ASSIGN_OR_RAISE(auto catalog, catalog::Catalog::Open(options.catalog));
  ARROW_RETURN_NOT_OK(ServeDirectories(*catalog, options.datasets));

  DatasetTables tables(*catalog, *readers);
  auto service = MakeCloudService(*catalog, tables);
  grpc::ServerBuilder builder;
  int port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      return InvalidArgument("TLS needs both --tls-cert and --tls-key");
    }
    grpc::SslServerCredentialsOptions ssl;
    ARROW_ASSIGN_OR_RAISE(auto cert, ReadPem(options.tls_cert_file, "certificate"));
    ARROW_ASSIGN_OR_RAISE(auto key, ReadPem(options.tls_key_file, "private key"));
    ssl.pem_key_cert_pairs.push_back({key, cert});
    credentials = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(fmt::format("{}:{}", options.host, options.port), credentials, &port);
  builder.RegisterService(service.get());
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
    return MakeError(ErrorKind::kUnavailable,
                     fmt::format("cannot listen on {}:{} ({})", options.host, options.port,
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
