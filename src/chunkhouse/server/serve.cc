// Process setup: the catalog and its datasets, the gRPC server, signals.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <ifaddrs.h>
#include <malloc.h>
#include <netinet/in.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "chunkhouse/io/location.h"
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
      // The file is named unless the error already does.
      auto location = io::ParseLocation(t.storage_url);
      std::string file = location.ok() ? location->path : t.storage_url;
      if (t.message.find(file) != std::string::npos) file.clear();
      fmt::print(stderr, "warning: dataset '{}': {}{}{}\n", name, file, file.empty() ? "" : ": ", t.message);
    }
    ARROW_ASSIGN_OR_RAISE(auto segments, catalog.Segments(id));
    fmt::print(stderr, "dataset '{}': {} segment(s) from {} file(s) in {}{}\n", name, segments.size(),
               done.size() - failed, dir, failed ? fmt::format(", {} file(s) could not be registered", failed) : "");
  }
  return Status::OK();
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

// The addresses clients can use: the host itself, or for a wildcard every interface's IPv4.
std::vector<std::string> ReachableHosts(const std::string& host) {
  if (host != "0.0.0.0" && host != "::" && host != "[::]") return {host};
  std::vector<std::string> out{"127.0.0.1"};
  ifaddrs* addrs = nullptr;
  if (getifaddrs(&addrs) != 0) return out;
  for (ifaddrs* a = addrs; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) && std::string(text) != "127.0.0.1") out.emplace_back(text);
  }
  freeifaddrs(addrs);
  return out;
}

}  // namespace

Status Serve(ServerOptions options, const std::function<void(const std::string&)>& on_listening) {
  // Every response allocates and frees megabytes of message buffers; by default glibc hands
  // that memory back to the kernel after each one and faults it in again for the next.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  // One malloc arena per call thread would keep each thread's peak for good: share a few.
  mallopt(M_ARENA_MAX, 4);
  // Block SIGINT/SIGTERM before any thread starts (threads inherit the mask), so that one
  // thread waits for them and shuts the server down cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  for (const auto& [name, dir] : options.datasets) options.catalog.allowed_dirs.push_back(dir);
  const Limits& limits = options.limits;
  options.catalog.max_files_per_request = limits.max_files_per_register;
  auto files = io::FileCache::Make(io::AllowedRoots(options.catalog.allowed_dirs), limits.max_open_files);
  // Parquet files are served through .rrd copies, kept with the catalog when it is durable.
  const bool durable = options.catalog.storage_dir.has_value();
  ARROW_ASSIGN_OR_RAISE(
      auto converted,
      ConvertedFiles::Make(durable ? (std::filesystem::path(*options.catalog.storage_dir) / "converted").string()
                                   : (std::filesystem::temp_directory_path() /
                                      ("chunkhouse-converted-" + std::to_string(::getpid())))
                                         .string(),
                           /*temporary=*/!durable, io::AllowedRoots(options.catalog.allowed_dirs)));
  auto readers = std::make_shared<ReaderCache>(files, converted);
  options.catalog.indexer = readers;
  ARROW_ASSIGN_OR_RAISE(auto catalog, catalog::Catalog::Open(options.catalog));
  ARROW_RETURN_NOT_OK(ServeDirectories(*catalog, options.datasets));

  DatasetTables tables(*catalog, *readers);
  auto service = MakeCloudService(*catalog, tables, limits);
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
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<int64_t>(limits.max_request_bytes, INT32_MAX)));
  builder.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  // Each call in progress holds a thread (and a stream's unread responses): bound them. A call
  // past the bound is answered RESOURCE_EXHAUSTED at once; the others go on. The sync server
  // also keeps a few polling threads, counted here too.
  grpc::ResourceQuota quota("chunkhouse-server");
  quota.SetMaxThreads(limits.max_concurrent_calls + 4);
  builder.SetResourceQuota(quota);

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
  if (!IsLoopback(options.host)) {
    fmt::print(stderr, "warning: listening on {}, not only on this machine: the server has no authentication, so "
                       "anyone who can reach it can read, register and delete datasets\n",
               options.host);
  }
  std::vector<std::string> urls;
  for (const auto& host : ReachableHosts(options.host)) {
    urls.push_back(fmt::format("{}://{}:{}", tls ? "rerun+https" : "rerun+http", host, port));
  }
  on_listening(fmt::format("{}", fmt::join(urls, " ")));
  server->Wait();
  waiter.join();
  return Status::OK();
}

}  // namespace chunkhouse::server
