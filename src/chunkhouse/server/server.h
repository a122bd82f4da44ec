#pragma once
// `chunkhouse server`: the catalog served over gRPC until SIGINT or SIGTERM.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "chunkhouse/catalog/catalog.h"

namespace chunkhouse::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 51234;
  std::vector<std::pair<std::string, std::string>> datasets;  // (name, directory) served from the start
  catalog::Options catalog;                                    // the indexer is the server's own
  // TLS: PEM files of the server's certificate chain and private key. Empty: plain HTTP/2
  // (rerun+http://); set: clients connect with rerun+https://.
  std::string tls_cert_file, tls_key_file;
};

// Serves until SIGINT or SIGTERM; `on_listening` gets the address clients connect to.
Status Serve(ServerOptions options, const std::function<void(const std::string&)>& on_listening);

}  // namespace chunkhouse::server
