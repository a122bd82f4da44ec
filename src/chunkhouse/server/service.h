#pragma once
// The gRPC service: Rerun's catalog RPCs translated into catalog and DatasetTables calls and
// back. Handlers only translate; what they answer is computed elsewhere.
#include <memory>

#include "chunkhouse/catalog/catalog.h"
#include "chunkhouse/server/datasets.h"
#include "chunkhouse/server/server.h"

#include <grpcpp/impl/service_type.h>

namespace chunkhouse::server {

std::unique_ptr<grpc::Service> MakeCloudService(catalog::Catalog& catalog, DatasetTables& tables, const Limits& limits);

}  // namespace chunkhouse::server
