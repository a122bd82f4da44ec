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
  };
  auto a = std::make_shared<Args>();
  auto* serve = app.add_subcommand("server", "Serve datasets of .rrd files over Rerun's catalog protocol (gRPC)");
  serve->add_option("-d,--dataset", a->dataset_dirs,
                    "A directory whose .rrd files become the segments of a dataset named after it; NAME=DIR names "
                    "it. Repeatable");
  serve->add_option("--host", a->host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", a->port, "Port to listen on (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--storage", a->storage, "Keep the catalog in this directory, so that it survives restarts");
  serve->add_option("--allow-dir", a->allow_dirs, "Another directory whose files may be registered. Repeatable");
  serve->add_option("--tls-cert", a->tls_cert, "PEM certificate chain: serve TLS (clients use rerun+https://)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
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
    Check(server::Serve(options, [](const std::string& address) {
      fmt::print("chunkhouse server listening on {}\n", address);
      std::fflush(stdout);
    }));
  });
}

}  // namespace chunkhouse::cli
