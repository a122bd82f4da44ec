#pragma once
// Status <-> gRPC status, in both directions, mapped here and nowhere else: a corrupt file is
// DATA_LOSS (not the client's fault), a refused path PERMISSION_DENIED, a missing entry
// NOT_FOUND, a client mistake INVALID_ARGUMENT. Rerun's clients turn these codes into their
// exceptions (NotFoundError, AlreadyExistsError, ValueError, PermissionError, ...).
#include <grpcpp/support/status.h>

#include <string_view>

#include "chunkhouse/base/status.h"

namespace chunkhouse::redap {

grpc::StatusCode CodeFor(ErrorKind kind);
ErrorKind KindFor(grpc::StatusCode code);

// The gRPC status a handler answers with (messages longer than a few KiB are cut).
grpc::Status ToGrpc(const Status& status);
// An error decoding what a client sent is the client's: corrupt bytes there are an invalid
// argument, not data loss on our side.
Status RequestError(const Status& status);
// A gRPC status as a Status of the matching kind; `what` names the call ("FindEntries: ...").
Status FromGrpc(const grpc::Status& status, std::string_view what);

}  // namespace chunkhouse::redap
