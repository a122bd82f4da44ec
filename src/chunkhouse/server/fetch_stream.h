#pragma once
// FetchChunks as a callback stream: the chunk bytes of a request are read and sent a message
// (~1 MiB) at a time, each after the client took the previous one. A client that stops reading
// holds one message of memory and no thread; the number of streams at once is bounded.
#include <grpcpp/grpcpp.h>

#include <atomic>

#include "chunkhouse/redap/cloud.grpc.pb.h"
#include "chunkhouse/server/datasets.h"
#include "chunkhouse/server/server.h"

namespace chunkhouse::server {

// Starts a stream for `request`; deletes itself when done. `active` counts the streams open.
grpc::ServerWriteReactor<rerun::cloud::v1alpha1::FetchChunksResponse>* StartFetchStream(
    DatasetTables& tables, const Limits& limits, std::atomic<int>& active,
    const rerun::cloud::v1alpha1::FetchChunksRequest& request);

}  // namespace chunkhouse::server
