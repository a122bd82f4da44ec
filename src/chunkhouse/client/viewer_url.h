#pragma once
// The two URL parsers of Rerun's viewer connections (notes/viewer_protocol.md §3), with Rerun's
// error texts (the url crate's for malformed URLs):
//  - ParseProxyUrl: rr.connect_grpc and RecordingStream.connect_grpc. The path must be /proxy;
//    a localhost URL without a port gets 9876 (51234 without "/proxy" in it).
//  - ParseViewerOrigin: ViewerClient. Only scheme, host and port count; no localhost default
//    (80 for rerun+http, 443 for rerun:// and rerun+https://).
// An error's message is the reason alone (kind InvalidArgument); callers add their framing.
#include <cstdint>
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse::client {

struct ViewerOrigin {
  bool tls = false;  // rerun:// and rerun+https://
  std::string host;  // as dialed and shown: IPv6 in brackets, 0.0.0.0 as 127.0.0.1
  uint16_t port = 0;

  std::string Target() const;    // host:port, for gRPC
  std::string ToString() const;  // rerun+http://host:port or rerun://host:port
};

inline constexpr std::string_view kDefaultProxyUrl = "rerun+http://127.0.0.1:9876/proxy";

Result<ViewerOrigin> ParseProxyUrl(std::string_view url);
Result<ViewerOrigin> ParseViewerOrigin(std::string_view url);

}  // namespace chunkhouse::client
