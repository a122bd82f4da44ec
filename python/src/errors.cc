#include "errors.h"

#include <cerrno>

namespace nb = nanobind;

namespace chunkhouse::python {

namespace {

const char* ClassName(ErrorKind kind, int sys_errno) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "InvalidArgumentError";
    case ErrorKind::kNotFound: return sys_errno == ENOENT || sys_errno == ENOTDIR ? "MissingFileError" : "NotFoundError";
    case ErrorKind::kAlreadyExists: return "AlreadyExistsError";
    case ErrorKind::kPermissionDenied: return "PermissionDeniedError";
    case ErrorKind::kFailedPrecondition: return "FailedPreconditionError";
    case ErrorKind::kDataLoss: return "DataLossError";
    case ErrorKind::kResourceExhausted: return "ResourceExhaustedError";
    case ErrorKind::kUnavailable: return "UnavailableError";
    case ErrorKind::kDeadlineExceeded: return "DeadlineExceededError";
    case ErrorKind::kCancelled: return "CancelledError";
    case ErrorKind::kUnimplemented: return "UnimplementedError";
    case ErrorKind::kInternal: return "InternalError";
  }
  return "InternalError";
}

}  // namespace

void RegisterErrors(nb::module_& m) {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      nb::object errors = nb::module_::import_("chunkhouse.errors");
      nb::object cls = errors.attr(ClassName(KindOf(e.status), ErrnoOf(e.status)));
      PyErr_SetObject(cls.ptr(), nb::str(e.message.c_str(), e.message.size()).ptr());
    }
  });
}

}  // namespace chunkhouse::python
