#pragma once
// Errors are Arrow's Status/Result. What kind of error a Status is — the client's mistake, data
// that is corrupt, something missing, a refused path — travels with it as a status detail (as
// Arrow Flight carries its own), so that the gRPC boundary and the Python boundary can each map
// it once. Parse errors also name the file and byte offset, which is what a user needs to act.
#include <arrow/result.h>
#include <arrow/status.h>
#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace chunkhouse {

using arrow::Result;
using arrow::Status;

// The kinds, named after gRPC's status codes (which the protocol and Rerun's clients use).
enum class ErrorKind {
  kInvalidArgument,     // the caller's request is wrong
  kNotFound,            // what was named does not exist
  kAlreadyExists,       // what was to be created exists
  kPermissionDenied,    // a path outside the allowed directories, or the OS refused
  kFailedPrecondition,  // the state does not allow it (a file changed since it was indexed)
  kDataLoss,            // stored data is corrupt or truncated
  kResourceExhausted,   // a limit was reached (sizes, counts, memory)
  kUnavailable,         // a peer or service cannot be reached
  kDeadlineExceeded,    // it did not finish in time
  kCancelled,           // the caller gave up
  kUnimplemented,       // not supported
  kInternal,            // our own failure
};

std::string_view ErrorKindName(ErrorKind kind);  // "not found", "data loss", ...

// The detail a Status carries: its kind and, for OS errors, the errno.
class KindDetail : public arrow::StatusDetail {
 public:
  static constexpr const char* kTypeId = "chunkhouse::KindDetail";
  explicit KindDetail(ErrorKind kind, int sys_errno = 0) : kind_(kind), errno_(sys_errno) {}
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return std::string(ErrorKindName(kind_)); }
  ErrorKind kind() const { return kind_; }
  int sys_errno() const { return errno_; }

 private:
  ErrorKind kind_;
  int errno_;
};

// A Status of that kind (with the Arrow code closest to it, so Arrow's own checks still work).
Status MakeError(ErrorKind kind, std::string message, int sys_errno = 0);
// The kind of any Status: from its detail, else inferred from its Arrow code (and errno).
ErrorKind KindOf(const Status& status);
// The errno behind an OS error, or 0.
int ErrnoOf(const Status& status);
// The same error with another kind (the message and errno kept).
Status WithKind(const Status& status, ErrorKind kind);

template <typename... Args>
Status InvalidArgument(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status NotFound(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kNotFound, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status AlreadyExists(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kAlreadyExists, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status PermissionDenied(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kPermissionDenied, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status FailedPrecondition(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kFailedPrecondition, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status DataLoss(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kDataLoss, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status ResourceExhausted(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kResourceExhausted, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status Unimplemented(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kUnimplemented, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status Internal(fmt::format_string<Args...> f, Args&&... args) {
  return MakeError(ErrorKind::kInternal, fmt::format(f, std::forward<Args>(args)...));
}

// Corrupt input: "<file>: at byte <offset>: <what>" (kind: data loss).
Status ParseError(std::string_view file, uint64_t offset, std::string_view what);

template <typename... Args>
Status ParseErrorF(std::string_view file, uint64_t offset, fmt::format_string<Args...> f, Args&&... args) {
  return ParseError(file, offset, fmt::format(f, std::forward<Args>(args)...));
}

// At most `max` bytes of user-supplied text for an error message (longer text is cut and says
// so; control bytes are escaped): a 1 MB URL is not echoed back whole.
std::string Quote(std::string_view text, size_t max = 200);

}  // namespace chunkhouse
