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

// Carries a Python exception object inside a Status.
class PythonErrorDetail : public arrow::StatusDetail {
 public:
  static constexpr const char* kTypeId = "chunkhouse::python::PythonErrorDetail";
  explicit PythonErrorDetail(nb::handle exception) : exception_(exception) {}
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return "Python exception"; }
  nb::handle exception() const { return exception_.get(); }

 private:
  GilObject exception_;
};

}  // namespace

GilObject::~GilObject() {
  if (ptr_ == nullptr || !Py_IsInitialized()) return;
  PyGILState_STATE state = PyGILState_Ensure();
  Py_DECREF(ptr_);
  PyGILState_Release(state);
}

Status PythonErrorStatus(nb::handle exception) {
  nb::gil_scoped_acquire gil;
  std::string text = nb::str(exception).c_str();
  return Status(arrow::StatusCode::UnknownError, std::move(text), std::make_shared<PythonErrorDetail>(exception));
}

Status CapturePythonError(nb::python_error& error) {
  nb::gil_scoped_acquire gil;
  // Before 3.12 the value may not be an exception object yet: have Python build it.
  error.restore();
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (traceback != nullptr && value != nullptr) PyException_SetTraceback(value, traceback);
  nb::object exception = nb::steal(value);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  return PythonErrorStatus(exception);
}

void RegisterErrors(nb::module_& m) {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      if (e.status.detail() && e.status.detail()->type_id() == std::string_view(PythonErrorDetail::kTypeId)) {
        nb::handle exc = static_cast<const PythonErrorDetail&>(*e.status.detail()).exception();
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
        return;
      }
      nb::object errors = nb::module_::import_("chunkhouse.errors");
      nb::object cls = errors.attr(ClassName(KindOf(e.status), ErrnoOf(e.status)));
      PyErr_SetObject(cls.ptr(), nb::str(e.message.c_str(), e.message.size()).ptr());
    }
  });
}

}  // namespace chunkhouse::python
