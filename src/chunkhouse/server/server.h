#pragma once
// `chunkhouse server`: the catalog served over gRPC until SIGINT or SIGTERM.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/catalog/catalog.h"

namespace chunkhouse::server {

// What one client can make the server spend. Each is an option of `chunkhouse server`, and
// exceeding it is a clear status for that call while the server goes on serving the others.
struct Limits {
  int64_t max_request_bytes = 16 << 20;  // a request message (gRPC refuses larger ones)
  // A table inside a request may claim at most this many bytes uncompressed; refused before
  // anything is allocated.
  int64_t max_request_table_bytes = 64 << 20;
  int max_concurrent_calls = 64;         // calls in progress at once, each on a thread (FetchChunks apart)
  int max_fetch_streams = 64;            // FetchChunks streams at once (no thread each; one message of memory)
  size_t max_open_files = 0;             // descriptors for registered files (0: a quarter of the limit)
  size_t max_sources_per_register = 10'000;    // URLs in one RegisterWithDataset
  size_t max_files_per_register = 100'000;     // files one registration may queue (directories expanded)
  size_t max_url_bytes = 4096;                 // one URL
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 51234;
  std::vector<std::pair<std::string, std::string>> datasets;  // (name, directory) served from the start
  catalog::Options catalog;                                    // the indexer is the server's own
  // TLS: PEM files of the server's certificate chain and private key. Empty: plain HTTP/2
  // (rerun+http://); set: clients connect with rerun+https://.
  std::string tls_cert_file, tls_key_file;
  Limits limits;
};

// Serves until SIGINT or SIGTERM; `on_listening` gets the addresses clients connect to (one, or
// for a wildcard host each interface's, separated by spaces).
Status Serve(ServerOptions options, const std::function<void(const std::string&)>& on_listening);

}  // namespace chunkhouse::server
