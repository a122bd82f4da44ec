// `chunkhouse server`.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "chunkhouse/cli/commands.h"
#include "chunkhouse/server/server.h"

namespace chunkhouse::cli {

void AddServerCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> dataset_dirs, allow_dirs;
    std::string host = "127.0.0.1", storage, tls_cert, tls_key;
    int port = 51234;
    server::Limits limits;
    int64_t request_mb = 0, table_mb = 0;
  };
  auto a = std::make_shared<Args>();
  auto* serve = app.add_subcommand("server", "Serve datasets of .rrd files over Rerun's catalog protocol (gRPC)");
  serve->add_option("-d,--dataset", a->dataset_dirs,
                    "A directory whose .rrd files become the segments of a dataset named after it; NAME=DIR names "
                    "it. Repeatable");
  serve->add_option("--host", a->host,
                    "Address to listen on (0.0.0.0: every interface; the server has no authentication)")
      ->capture_default_str();
  serve->add_option("--port", a->port, "Port to listen on (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--storage", a->storage, "Keep the catalog in this directory, so that it survives restarts");
  serve->add_option("--allow-dir", a->allow_dirs, "Another directory whose files may be registered. Repeatable");
  serve->add_option("--tls-cert", a->tls_cert, "PEM certificate chain: serve TLS (clients use rerun+https://)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  server::Limits& limits = a->limits;
  auto* group = serve->add_option_group("limits", "What one client can make the server spend");
  int64_t request_mb = limits.max_request_bytes >> 20, table_mb = limits.max_request_table_bytes >> 20;
  a->request_mb = request_mb;
  a->table_mb = table_mb;
  group->add_option("--max-request-mb", a->request_mb, "Largest request message, in MiB")
      ->capture_default_str()->check(CLI::Range(1, 2047));
  group->add_option("--max-request-table-mb", a->table_mb,
                    "Largest size a table inside a request may claim uncompressed, in MiB")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  group->add_option("--max-concurrent-calls", limits.max_concurrent_calls,
                    "Calls in progress at once (each holds a thread); more are answered RESOURCE_EXHAUSTED")
      ->capture_default_str()->check(CLI::Range(4, 100000));
  group->add_option("--max-fetch-streams", limits.max_fetch_streams,
                    "FetchChunks streams at once (each holds ~1 MiB until its client reads it); more are answered "
                    "RESOURCE_EXHAUSTED")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  group->add_option("--max-open-files", limits.max_open_files,
                    "Descriptors kept open for registered files (0: a quarter of the process's limit)")
      ->capture_default_str();
  group->add_option("--max-register-sources", limits.max_sources_per_register, "URLs in one registration request")
      ->capture_default_str()->check(CLI::PositiveNumber);
  group->add_option("--max-register-files", limits.max_files_per_register,
                    "Files one registration request may add (directories expanded)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  group->add_option("--max-url-bytes", limits.max_url_bytes, "Longest URL accepted")
      ->capture_default_str()->check(CLI::Range(64, 1 << 20));
  serve->callback([a] {
    server::ServerOptions options;
    options.host = a->host;
    options.port = a->port;
    for (const auto& d : a->dataset_dirs) {
      auto eq = d.find('=');
      std::string dir = eq == std::string::npos ? d : d.substr(eq + 1);
      std::error_code ec;
      auto absolute = std::filesystem::absolute(dir, ec).lexically_normal();
      const bool is_dir = !ec && std::filesystem::is_directory(absolute, ec);
      if (!is_dir) Check(InvalidArgument("-d {}: not a directory{}", dir, ec ? " (" + ec.message() + ")" : ""));
      std::string name = eq == std::string::npos ? absolute.filename().string() : d.substr(0, eq);
      if (name.empty()) name = absolute.parent_path().filename().string();
      options.datasets.emplace_back(name, dir);
    }
    if (!a->storage.empty()) options.catalog.storage_dir = a->storage;
    options.catalog.allowed_dirs = a->allow_dirs;
    options.tls_cert_file = a->tls_cert;
    options.tls_key_file = a->tls_key;
    options.limits = a->limits;
    options.limits.max_request_bytes = a->request_mb << 20;
    options.limits.max_request_table_bytes = a->table_mb << 20;
    Check(server::Serve(options, [](const std::string& addresses) {
      fmt::print("chunkhouse server listening on {}\n", addresses);
      std::fflush(stdout);
    }));
  });
}

}  // namespace chunkhouse::cli
