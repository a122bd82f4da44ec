#include "chunkhouse/redap/status.h"

namespace chunkhouse::redap {

grpc::StatusCode CodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorKind::kNotFound: return grpc::StatusCode::NOT_FOUND;
    case ErrorKind::kAlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorKind::kPermissionDenied: return grpc::StatusCode::PERMISSION_DENIED;
    case ErrorKind::kFailedPrecondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorKind::kDataLoss: return grpc::StatusCode::DATA_LOSS;
    case ErrorKind::kResourceExhausted: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case ErrorKind::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
    case ErrorKind::kDeadlineExceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case ErrorKind::kCancelled: return grpc::StatusCode::CANCELLED;
    case ErrorKind::kUnimplemented: return grpc::StatusCode::UNIMPLEMENTED;
    case ErrorKind::kInternal: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

ErrorKind KindFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return ErrorKind::kInvalidArgument;
    case grpc::StatusCode::NOT_FOUND: return ErrorKind::kNotFound;
    case grpc::StatusCode::ALREADY_EXISTS: return ErrorKind::kAlreadyExists;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED: return ErrorKind::kPermissionDenied;
    case grpc::StatusCode::FAILED_PRECONDITION: return ErrorKind::kFailedPrecondition;
    case grpc::StatusCode::DATA_LOSS: return ErrorKind::kDataLoss;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return ErrorKind::kResourceExhausted;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::ABORTED: return ErrorKind::kUnavailable;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return ErrorKind::kDeadlineExceeded;
    case grpc::StatusCode::CANCELLED: return ErrorKind::kCancelled;
    case grpc::StatusCode::UNIMPLEMENTED: return ErrorKind::kUnimplemented;
    default: return ErrorKind::kInternal;
  }
}

grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  constexpr size_t kMaxMessage = 8192;
  std::string message = status.message();
  if (message.size() > kMaxMessage) message = message.substr(0, kMaxMessage) + "... (cut)";
  return grpc::Status(CodeFor(KindOf(status)), message);
}

Status RequestError(const Status& status) {
  return KindOf(status) == ErrorKind::kDataLoss ? WithKind(status, ErrorKind::kInvalidArgument) : status;
}

Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return Status::OK();
  return MakeError(KindFor(status.error_code()), fmt::format("{}: {}", what, status.error_message()));
}

}  // namespace chunkhouse::redap
