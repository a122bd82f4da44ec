#include "chunkhouse/base/status.h"

#include <arrow/util/io_util.h>

#include <cerrno>

namespace chunkhouse {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kAlreadyExists: return "already exists";
    case ErrorKind::kPermissionDenied: return "permission denied";
    case ErrorKind::kFailedPrecondition: return "failed precondition";
    case ErrorKind::kDataLoss: return "data loss";
    case ErrorKind::kResourceExhausted: return "resource exhausted";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kDeadlineExceeded: return "deadline exceeded";
    case ErrorKind::kCancelled: return "cancelled";
    case ErrorKind::kUnimplemented: return "unimplemented";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

namespace {

arrow::StatusCode ArrowCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return arrow::StatusCode::Invalid;
    case ErrorKind::kNotFound: return arrow::StatusCode::KeyError;
    case ErrorKind::kAlreadyExists: return arrow::StatusCode::AlreadyExists;
    case ErrorKind::kPermissionDenied: return arrow::StatusCode::IOError;
    case ErrorKind::kFailedPrecondition: return arrow::StatusCode::Invalid;
    case ErrorKind::kDataLoss: return arrow::StatusCode::SerializationError;
    case ErrorKind::kResourceExhausted: return arrow::StatusCode::CapacityError;
    case ErrorKind::kUnavailable: return arrow::StatusCode::IOError;
    case ErrorKind::kDeadlineExceeded: return arrow::StatusCode::Cancelled;
    case ErrorKind::kCancelled: return arrow::StatusCode::Cancelled;
    case ErrorKind::kUnimplemented: return arrow::StatusCode::NotImplemented;
    case ErrorKind::kInternal: return arrow::StatusCode::UnknownError;
  }
  return arrow::StatusCode::UnknownError;
}

const KindDetail* DetailOf(const Status& status) {
  const auto& detail = status.detail();
  if (detail && std::string_view(detail->type_id()) == KindDetail::kTypeId) {
    return static_cast<const KindDetail*>(detail.get());
  }
  return nullptr;
}

}  // namespace

Status MakeError(ErrorKind kind, std::string message, int sys_errno) {
  return Status(ArrowCodeFor(kind), std::move(message), std::make_shared<KindDetail>(kind, sys_errno));
}

int ErrnoOf(const Status& status) {
  if (const auto* d = DetailOf(status)) return d->sys_errno();
  return arrow::internal::ErrnoFromStatus(status);
}

ErrorKind KindOf(const Status& status) {
  if (const auto* d = DetailOf(status)) return d->kind();
  switch (status.code()) {
    case arrow::StatusCode::Invalid:
    case arrow::StatusCode::TypeError: return ErrorKind::kInvalidArgument;
    case arrow::StatusCode::KeyError:
    case arrow::StatusCode::IndexError: return ErrorKind::kNotFound;
    case arrow::StatusCode::AlreadyExists: return ErrorKind::kAlreadyExists;
    case arrow::StatusCode::SerializationError: return ErrorKind::kDataLoss;
    case arrow::StatusCode::CapacityError:
    case arrow::StatusCode::OutOfMemory: return ErrorKind::kResourceExhausted;
    case arrow::StatusCode::Cancelled: return ErrorKind::kCancelled;
    case arrow::StatusCode::NotImplemented: return ErrorKind::kUnimplemented;
    case arrow::StatusCode::IOError: {
      switch (ErrnoOf(status)) {
        case ENOENT:
        case ENOTDIR: return ErrorKind::kNotFound;
        case EACCES:
        case EPERM: return ErrorKind::kPermissionDenied;
        default: return ErrorKind::kInternal;
      }
    }
    default: return ErrorKind::kInternal;
  }
}

Status WithKind(const Status& status, ErrorKind kind) {
  if (status.ok()) return status;
  return MakeError(kind, status.message(), ErrnoOf(status));
}

Status ParseError(std::string_view file, uint64_t offset, std::string_view what) {
  return MakeError(ErrorKind::kDataLoss, fmt::format("{}: at byte {}: {}", file, offset, what));
}

std::string Quote(std::string_view text, size_t max) {
  std::string out;
  const size_t n = std::min(text.size(), max);
  out.reserve(n + 32);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max) out += fmt::format("... ({} bytes in all)", text.size());
  return out;
}

}  // namespace chunkhouse
